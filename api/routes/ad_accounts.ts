/**
 * Ad accounts: connect a sandbox account, list, read, rename, disconnect.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { connectSandboxAccountSchema, renameAdAccountSchema } from "../../domain/ad_accounts.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeSchema } from "../case.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { itemRoutes } from "../item_routes.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { AdAccountSchema } from "../schemas/ads.ts";

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
    item.change("patch", "Rename an ad account", renameAdAccountSchema, "The renamed ad account"),
    async (c) => {
      const input = fromSnake(renameAdAccountSchema, c.req.valid("json"));
      const account = await adAccounts.rename(actorOf(c), c.req.valid("param").id, input);
      return respond(c, account, "Renamed");
    },
  );

  app.openapi(
    item.remove(
      "Disconnect an ad account (soft delete; a person's sign-in only)",
      "Disconnected",
    ),
    async (c) => {
      // It stops every campaign of the account at once: software (an API token) may not.
      if (c.get("auth").method === "api_token") {
        throw new ForbiddenError(
          "disconnecting an ad account stops all its campaigns; it needs a person's sign-in",
        );
      }
      await adAccounts.disconnect(actorOf(c), c.req.valid("param").id);
      return respond(c, null, "Disconnected");
    },
  );
}
