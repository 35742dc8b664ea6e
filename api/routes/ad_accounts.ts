/**
 * Ad accounts: connect a sandbox account, list, read, rename, disconnect, sync status (real
 * platforms are connected by signing in on the pages).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { connectSandboxAccountSchema, renameAdAccountSchema } from "../../domain/ad_accounts.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeSchema, toSnake } from "../case.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { approvalRequiredResponse, respondWithAccountChange } from "../gateway_response.ts";
import { itemRoutes } from "../item_routes.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { AdAccountSchema, AdAccountSyncSchema } from "../schemas/ads.ts";
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

  const item = itemRoutes(guards, {
    path: "/ad-accounts",
    tags,
    item: AdAccountSchema,
    noun: "ad account",
  });

  app.openapi(
    item.get("Get an ad account"),
    async (c) => respond(c, await adAccounts.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/ad-accounts/{id}/sync",
      tags,
      summary: "The account's metric sync: backfill progress, last success, next sync, last error",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AdAccountSyncSchema, "The sync status") },
    }),
    async (c) =>
      respond(
        c,
        await deps.domain.connections.syncStatus(actorOf(c), c.req.valid("param").id),
        "OK",
      ),
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/ad-accounts/{id}",
      tags,
      summary: "Rename an ad account",
      request: { params: IdParamsSchema, body: jsonBody(snakeSchema(renameAdAccountSchema)) },
      responses: {
        200: dataResponse(AdAccountSchema, "The renamed ad account"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const { name } = fromSnake(renameAdAccountSchema, c.req.valid("json"));
      const adAccountId = c.req.valid("param").id;
      return await respondWithAccountChange(
        c,
        deps,
        { type: "rename_ad_account", adAccountId, name },
        (applied) => toSnake(applied.adAccount),
        "Renamed",
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/ad-accounts/{id}",
      tags,
      summary: "Disconnect an ad account (soft delete; it and its campaigns stop)",
      description: "Software (an API token) must have it approved by a person first (202).",
      request: { params: IdParamsSchema },
      responses: {
        200: dataResponse(z.null(), "Disconnected"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const adAccountId = c.req.valid("param").id;
      return await respondWithAccountChange(
        c,
        deps,
        { type: "disconnect_ad_account", adAccountId },
        () => null,
        "Disconnected",
      );
    },
  );
}
