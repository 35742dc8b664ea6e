/**
 * The write gateway over REST: an ad account's autopilot limits, the change history, the
 * approvals software waits for, and rollbacks. Software must neither loosen the limits that
 * restrain it nor approve its own requests: limits change only with a person's sign-in (never an
 * API token), and approvals are decided only in the web app's browser session (an access token
 * may be held by software too, e.g. the assistant's remote tool connection) — both 403 otherwise.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { listApprovalsSchema } from "../../domain/approvals.ts";
import { type AutopilotLimits, autopilotLimitsSchema } from "../../domain/autopilot_limits.ts";
import { listChangesSchema } from "../../domain/change_history.ts";
import { rollbackSelectionFields } from "../../domain/rollbacks.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { fromSnake, type SnakeCased, snakeObject, toSnake } from "../case.ts";
import { actorOf, type ApiApp, type ApiEnv, type RouteContext } from "../context.ts";
import { approvalView, publicBase } from "../gateway_response.ts";
import { dataResponse, jsonBody, pageResponse, privateRoute, respond } from "../openapi.ts";
import {
  ApprovalSchema,
  ChangeSchema,
  LimitsSchema,
  RollbackPlanSchema,
  RollbackSchema,
} from "../schemas/changes.ts";
import { IdParamsSchema } from "../schemas/common.ts";

/** Refuses anything but a browser session: approvals are given in the web app only. */
function requireBrowserSession(c: Context<ApiEnv>, what: string): void {
  if (c.get("auth").method !== "cookie") {
    throw new ForbiddenError(
      `${what} is for a signed-in person in the AAE web app; API and access tokens cannot`,
    );
  }
}

/** Refuses API tokens: what software holds must not loosen the limits that restrain it. */
function requireSignIn(c: Context<ApiEnv>, what: string): void {
  if (c.get("auth").method === "api_token") {
    throw new ForbiddenError(`${what} needs a person's sign-in; API tokens cannot`);
  }
}

/** What GET returns may come back: the account's own fields are read-only and ignored. */
const limitsBody = snakeObject(autopilotLimitsSchema).extend({
  ad_account_id: z.uuid().optional().openapi({ readOnly: true }),
  currency: z.string().optional().openapi({ readOnly: true }),
  is_default: z.boolean().optional().openapi({ readOnly: true }),
});

/** A rollback's selection, and whether only to plan it. */
const rollbackBody = snakeObject(rollbackSelectionFields).extend({
  dry_run: z.boolean().openapi({
    description: "True: answer the plan, change nothing. False: apply it.",
  }),
});

/** Registers `/ad-accounts/{id}/limits`, `/changes`, `/rollbacks` and `/approvals`. */
export function registerChangeRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { limits, changes, approvals, rollbacks } = deps.domain;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/ad-accounts/{id}/limits",
      tags: ["Ad accounts"],
      summary: "An ad account's autopilot limits",
      description: "Hard caps for everyone, what software may change without approval, the " +
        "cumulative increase allowances, and the freeze switch. Accounts nobody edited carry " +
        "the defaults (`is_default`).",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(LimitsSchema, "The limits") },
    }),
    async (c) => respond(c, await limits.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "put",
      path: "/ad-accounts/{id}/limits",
      tags: ["Ad accounts"],
      summary: "Replace an ad account's autopilot limits (a person's sign-in only)",
      description: "Send every limit, e.g. the `data` of the GET with changes. 403 for API " +
        "tokens: software must not raise its own limits.",
      request: { params: IdParamsSchema, body: jsonBody(limitsBody) },
      responses: { 200: dataResponse(LimitsSchema, "The saved limits") },
    }),
    async (c) => {
      requireSignIn(c, "changing autopilot limits");
      // The domain ignores the read-only fields.
      const input = fromSnake(
        autopilotLimitsSchema,
        c.req.valid("json") as SnakeCased<AutopilotLimits>,
      );
      return respond(c, await limits.put(actorOf(c), c.req.valid("param").id, input), "Saved");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/changes",
      tags: ["Changes"],
      summary: "The change history, newest first",
      description: "Every change applied to a campaign, by whom (`actor_kind`: a person, an " +
        "API token, the assistant, an MCP client, a rule, a rollback) and from where " +
        "(`source_id`: run, rule, token, rollback), with each field before and after.",
      request: { query: snakeObject(listChangesSchema) },
      responses: { 200: pageResponse(ChangeSchema, "A page of changes") },
    }),
    async (c) => {
      const query = fromSnake(listChangesSchema, c.req.valid("query"));
      const page = await changes.list(actorOf(c), query);
      return c.json({ ...page, items: page.items.map((item) => toSnake(item)) }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/rollbacks",
      tags: ["Changes"],
      summary: "Plan or apply the rollback of chosen changes",
      description: "Choose changes by `change_ids`, by `source_id` (one run's, rule's, API " +
        "token's or rollback's), or by a time range (`from`, `to`), optionally narrowed to an " +
        "ad account or campaign. With `dry_run: true` (anyone) the answer is the plan: per " +
        "field, `will_restore`, `changed_since` (with the current value and who changed it), " +
        "`already_restored` or `not_reversible`, and the spend incurred since. With " +
        "`dry_run: false` the plan is applied as one durable batch (resumed after a crash, each " +
        "campaign changed once) and logged as changes with `source_id` = the rollback's id, so " +
        "it can be rolled back in turn. Applying is for a person (a sign-in): API tokens get " +
        "403, since a rollback makes changes without approval.",
      request: { body: jsonBody(rollbackBody) },
      responses: {
        200: dataResponse(RollbackPlanSchema, "The plan (dry run)"),
        201: dataResponse(RollbackSchema, "The rollback, completed"),
      },
    }),
    async (c) => {
      const { dry_run: dryRun, ...body } = c.req.valid("json");
      const selection = fromSnake(rollbackSelectionFields, body);
      // Typed by the response schema: snake-casing the domain's nested union of field plans
      // is deep enough to trip TypeScript's instantiation limit.
      if (dryRun) {
        const plan: unknown = toSnake<unknown>(await rollbacks.plan(actorOf(c), selection));
        return c.json(
          { data: plan as z.infer<typeof RollbackPlanSchema>, message: "Planned" },
          200,
        );
      }
      if (c.get("auth").apiTokenId !== null) {
        throw new ForbiddenError(
          "applying a rollback is for a person (a sign-in); API tokens may only plan one",
        );
      }
      const rollback: unknown = toSnake<unknown>(
        await rollbacks.apply(actorOf(c), selection, "user"),
      );
      return c.json(
        { data: rollback as z.infer<typeof RollbackSchema>, message: "Rolled back" },
        201,
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/rollbacks/{id}",
      tags: ["Changes"],
      summary: "One rollback: its plan, status and per-campaign outcome",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(RollbackSchema, "The rollback") },
    }),
    async (c) => {
      const rollback: unknown = toSnake<unknown>(
        await rollbacks.get(actorOf(c), c.req.valid("param").id),
      );
      return c.json({ data: rollback as z.infer<typeof RollbackSchema>, message: "OK" }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/approvals",
      tags: ["Approvals"],
      summary: "Changes held for a person's approval, newest first",
      request: { query: listApprovalsSchema },
      responses: { 200: pageResponse(ApprovalSchema, "A page of approvals") },
    }),
    async (c) => {
      const page = await approvals.list(actorOf(c), c.req.valid("query"));
      const base = publicBase(c, deps);
      return c.json({ ...page, items: page.items.map((item) => approvalView(item, null, base)) });
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/approvals/{id}",
      tags: ["Approvals"],
      summary: "One approval request",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(ApprovalSchema, "The approval") },
    }),
    async (c) => {
      const approval = await approvals.get(actorOf(c), c.req.valid("param").id);
      return c.json({ data: approvalView(approval, null, publicBase(c, deps)), message: "OK" });
    },
  );

  for (const decision of ["approve", "reject"] as const) {
    app.openapi(
      privateRoute(guards, {
        method: "post",
        path: `/approvals/{id}/${decision}`,
        tags: ["Approvals"],
        summary: `${decision === "approve" ? "Approve" : "Reject"} a held change ` +
          "(browser session only)",
        description: "Only a signed-in person in the web app decides (403 for API and access " +
          "tokens). Approving does not make the change: the requester's retry does, once (an " +
          "assistant run waiting for it resumes and makes it). 409 unless the request is " +
          "pending and unexpired.",
        request: { params: IdParamsSchema },
        responses: { 200: dataResponse(ApprovalSchema, "The decided approval") },
      }),
      async (c) => {
        requireBrowserSession(c, "deciding an approval");
        const id = c.req.valid("param").id;
        // A run waiting for this approval is answered too, so it resumes.
        const approval = deps.runs
          ? await deps.runs.decideApproval(actorOf(c), id, decision)
          : await approvals.decide(actorOf(c), id, decision);
        return c.json({
          data: approvalView(approval, null, publicBase(c, deps)),
          message: decision === "approve" ? "Approved" : "Rejected",
        });
      },
    );
  }
}
