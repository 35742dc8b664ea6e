/**
 * Operating the app, for admins (403 for everyone else): each user's credit usage, and granting
 * credits with a reason. A grant with an `Idempotency-Key` is recorded under that key, so a retry
 * finds the grant made instead of granting again.
 *
 * @module
 */
import { usageQuerySchema } from "../../domain/admin.ts";
import { grantCreditsSchema } from "../../domain/credits.ts";
import { fromSnake, snakeObject, snakeSchema } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { UserUsageSchema } from "../schemas/admin.ts";
import { CreditEntrySchema } from "../schemas/activity.ts";
import { IdParamsSchema } from "../schemas/common.ts";

const tags = ["Admin"];

/** What a grant takes: the amount and the reason the user will read in their ledger. */
const grantBody = grantCreditsSchema.omit({ idempotencyKey: true });

/** Registers `/admin/users` and `/admin/users/{id}/credit-grants`. */
export function registerAdminRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { admin } = deps.domain;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/admin/users",
      tags,
      summary: "Users with their credit balance, spending this month and last activity",
      request: { query: snakeObject(usageQuerySchema) },
      responses: { 200: pageResponse(UserUsageSchema, "A page of users, by email") },
    }),
    async (c) => {
      const query = fromSnake(usageQuerySchema, c.req.valid("query"));
      return respondPage(c, await admin.usage(actorOf(c), query));
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/admin/users/{id}/credit-grants",
      tags,
      summary: "Grant credits to a user, with a reason recorded in their credit ledger",
      request: { params: IdParamsSchema, body: jsonBody(snakeSchema(grantBody)) },
      responses: { 201: dataResponse(CreditEntrySchema, "Granted") },
    }),
    async (c) => {
      const input = fromSnake(grantBody, c.req.valid("json"));
      const entry = await admin.grantCredits(actorOf(c), c.req.valid("param").id, {
        ...input,
        idempotencyKey: c.req.header("idempotency-key") ?? crypto.randomUUID(),
      });
      return respond(c, entry, "Granted", 201);
    },
  );
}
