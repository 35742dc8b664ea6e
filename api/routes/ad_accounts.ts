/**
 * Ad accounts: connect a sandbox account, list, read, rename, disconnect.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { connectSandboxAccountSchema, renameAdAccountSchema } from "../../domain/ad_accounts.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeSchema } from "../case.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { AdAccountSchema } from "../schemas/ads.ts";
import { IdParamsSchema } from "../schemas/common.ts";

const connectSchema = connectSandboxAccountSchema.extend({
  /** Only the simulated sandbox platform can be connected today. */
  platform: z.literal("sandbox").default("sandbox"),
});

/** Registers `/ad-accounts`. */
export function registerAdAccountRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { adAccounts } = deps.domain;
  const tags = ["Ad accounts"];

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/ad-accounts",
      tags,
      summary: "Connect a sandbox ad account",
      request: { body: jsonBody(snakeSchema(connectSchema)) },
      responses: { 201: dataResponse(AdAccountSchema, "Connected") },
    }),
    async (c) => {
      const input = fromSnake(connectSchema, c.req.valid("json"));
      return await respondOnce(
        c,
        (requestKey) => adAccounts.staged.connectSandbox(actorOf(c), input, requestKey),
        "Connected",
        201,
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/ad-accounts",
      tags,
      summary: "List connected ad accounts, newest first",
      request: { query: pageSchema },
      responses: { 200: pageResponse(AdAccountSchema, "A page of ad accounts") },
    }),
    async (c) => respondPage(c, await adAccounts.list(actorOf(c), c.req.valid("query"))),
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/ad-accounts/{id}",
      tags,
      summary: "Get an ad account",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AdAccountSchema, "The ad account") },
    }),
    async (c) => respond(c, await adAccounts.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/ad-accounts/{id}",
      tags,
      summary: "Rename an ad account",
      request: { params: IdParamsSchema, body: jsonBody(snakeSchema(renameAdAccountSchema)) },
      responses: { 200: dataResponse(AdAccountSchema, "The renamed ad account") },
    }),
    async (c) => {
      const input = fromSnake(renameAdAccountSchema, c.req.valid("json"));
      const account = await adAccounts.rename(actorOf(c), c.req.valid("param").id, input);
      return respond(c, account, "Renamed");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/ad-accounts/{id}",
      tags,
      summary: "Disconnect an ad account (soft delete)",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(z.null(), "Disconnected") },
    }),
    async (c) => {
      await adAccounts.disconnect(actorOf(c), c.req.valid("param").id);
      return respond(c, null, "Disconnected");
    },
  );
}
