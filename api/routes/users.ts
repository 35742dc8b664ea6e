/**
 * The signed-in user's profile and personal API tokens.
 *
 * @module
 */
import { profileUpdateSchema } from "../../domain/accounts.ts";
import { createApiTokenSchema } from "../../domain/api_tokens.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeSchema } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { ApiTokenSchema, CreatedApiTokenSchema, UserSchema } from "../schemas/accounts.ts";
import { IdParamsSchema } from "../schemas/common.ts";

/** Registers `/users/me` and `/api-tokens`. */
export function registerUserRoutes(
  app: ApiApp,
  { deps, guards, guardsWithoutReplay }: RouteContext,
): void {
  const { domain } = deps;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/users/me",
      tags: ["Users"],
      summary: "The signed-in user",
      responses: { 200: dataResponse(UserSchema, "The user") },
    }),
    async (c) => respond(c, await domain.accounts.getProfile(actorOf(c)), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/users/me",
      tags: ["Users"],
      summary: "Update display name, locale or time zone",
      request: { body: jsonBody(snakeSchema(profileUpdateSchema)) },
      responses: { 200: dataResponse(UserSchema, "The updated user") },
    }),
    async (c) => {
      const changes = fromSnake(profileUpdateSchema, c.req.valid("json"));
      return respond(c, await domain.accounts.updateProfile(actorOf(c), changes), "Updated");
    },
  );

  const tags = ["API tokens"];

  app.openapi(
    privateRoute(guardsWithoutReplay, {
      method: "post",
      path: "/api-tokens",
      tags,
      summary: "Create a personal API token",
      description: "The secret is in this response only. `Idempotency-Key` is ignored here: " +
        "the secret is never stored, so it cannot be replayed.",
      request: { body: jsonBody(snakeSchema(createApiTokenSchema)) },
      responses: { 201: dataResponse(CreatedApiTokenSchema, "Created; keep the secret") },
    }),
    async (c) => {
      const input = fromSnake(createApiTokenSchema, c.req.valid("json"));
      return respond(c, await domain.apiTokens.create(actorOf(c), input), "Created", 201);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/api-tokens",
      tags,
      summary: "List API tokens (revoked ones included)",
      request: { query: pageSchema },
      responses: { 200: pageResponse(ApiTokenSchema, "A page of tokens") },
    }),
    async (c) => respondPage(c, await domain.apiTokens.list(actorOf(c), c.req.valid("query"))),
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/api-tokens/{id}",
      tags,
      summary: "Revoke an API token",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(ApiTokenSchema, "The revoked token") },
    }),
    async (c) => {
      const token = await domain.apiTokens.revoke(actorOf(c), c.req.valid("param").id);
      return respond(c, token, "Revoked");
    },
  );
}
