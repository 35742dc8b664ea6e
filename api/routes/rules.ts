/**
 * Automated rules over REST: list, create, read, change, delete, enable and disable rules, and
 * backtest a saved rule or an unsaved draft over the account's stored metrics. Money in rule
 * drafts is in major units of the account's currency (`"value": 40` on a CPA condition is
 * USD 40.00); backtest figures are in minor units like the rest of the API.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { backtestOptionsSchema, listRulesSchema, type Rule } from "../../domain/rules/service.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeObject, toSnake } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { itemRoutes } from "../item_routes.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { IdParamsSchema } from "../schemas/common.ts";
import {
  BacktestSchema,
  RuleDraftBodySchema,
  RuleEvaluationRunSchema,
  RuleSchema,
  RuleUpdateBodySchema,
} from "../schemas/rules.ts";

/** A rule as the loosely typed response schema sees it (see `schemas/rules.ts`). */
type RuleJson = Record<string, unknown>;

/** A rule typed as `RuleJson`. */
function json(rule: Rule): RuleJson {
  return rule as unknown as RuleJson;
}

/** A request body back in the domain's camelCase (the domain parses it). */
function camelCased(body: Record<string, unknown>): unknown {
  return fromSnake(z.unknown(), body);
}

/** A backtest as the response schema types it. */
type Backtest = z.infer<typeof BacktestSchema>;

const backtestDescription = "Replays the rule over the last `days` complete days of stored " +
  "metrics (default 30, at most 90) as its schedule would have run it: each firing with the " +
  "values that triggered it, the action, and what the account's autopilot limits blocked; the " +
  "budget and status path of each campaign it changed; the campaign-days where only the " +
  "minimum-data gate held it back; and spend and conversions with and without the rule. The " +
  "outcome is an estimate from daily metrics (hourly and 15-minute rules prorate each day " +
  "evenly), as `estimate_note` says.";

/** Registers `/rules`. */
export function registerRuleRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { rules, ruleExecution } = deps.domain;
  const tags = ["Rules"];

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/rules",
      tags,
      summary: "List automated rules, oldest first",
      request: { query: snakeObject(listRulesSchema) },
      responses: { 200: pageResponse(RuleSchema, "A page of rules") },
    }),
    async (c) => {
      const query = fromSnake(listRulesSchema, c.req.valid("query"));
      const page = await rules.list(actorOf(c), query);
      return respondPage(c, { ...page, items: page.items.map(json) });
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/rules",
      tags,
      summary: "Create an automated rule (disabled unless `enabled` is true)",
      description: "Money in conditions and budget actions is in major units of the ad " +
        "account's currency. The answer carries conflict `warnings` with the account's other " +
        "enabled rules.",
      request: { body: jsonBody(RuleDraftBodySchema) },
      responses: { 201: dataResponse(RuleSchema, "Created") },
    }),
    async (c) => {
      const input = camelCased(c.req.valid("json"));
      return await respondOnce(
        c,
        async () => {
          const staged = await rules.staged.create(actorOf(c), input);
          return { commit: async (on) => json(await staged.commit(on)) };
        },
        "Created",
        201,
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/rules/backtest",
      tags,
      summary: "Backtest an unsaved rule draft",
      description: `${backtestDescription} Nothing is stored.`,
      request: {
        query: snakeObject(backtestOptionsSchema),
        body: jsonBody(RuleDraftBodySchema),
      },
      responses: { 200: dataResponse(BacktestSchema, "The backtest") },
    }),
    async (c) => {
      const draft = camelCased(c.req.valid("json"));
      const result = await rules.backtestDraft(actorOf(c), draft, c.req.valid("query"));
      // Typed by the response schema: snake-casing the nested result is deep enough to trip
      // TypeScript's instantiation limit.
      const data: unknown = toSnake<unknown>(result);
      return c.json({ data: data as Backtest, message: "Backtested" }, 200);
    },
  );

  const item = itemRoutes(guards, { path: "/rules", tags, item: RuleSchema, noun: "rule" });

  app.openapi(
    item.get("Get a rule, with its conflict warnings and latest backtest"),
    async (c) => respond(c, json(await rules.get(actorOf(c), c.req.valid("param").id)), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/rules/{id}",
      tags,
      summary: "Change a rule: each field sent replaces that field whole (the ad account stays)",
      request: { params: IdParamsSchema, body: jsonBody(RuleUpdateBodySchema) },
      responses: { 200: dataResponse(RuleSchema, "The updated rule") },
    }),
    async (c) => {
      const input = camelCased(c.req.valid("json"));
      const rule = await rules.update(actorOf(c), c.req.valid("param").id, input);
      return respond(c, json(rule), "Updated");
    },
  );

  app.openapi(
    item.remove("Delete a rule (soft delete)"),
    async (c) => {
      await rules.delete(actorOf(c), c.req.valid("param").id);
      return respond(c, null, "Deleted");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/rules/{id}/evaluations",
      tags,
      summary: "A rule's scheduled evaluations, latest first: why it did or didn't fire",
      description: "One item per schedule slot the rule ran (a durable workflow run), with every " +
        "campaign in scope: the counts per window, each condition's value and result, the data " +
        "gate, the outcome, and what stopped it (`conditions`, `gate`, `cooldown`, " +
        "`not_applicable`, `limits`, `approval`), with the change or approval it made. " +
        "`fired_only=true` lists only slots where it fired on some campaign.",
      request: {
        params: IdParamsSchema,
        query: pageSchema.extend({ fired_only: z.enum(["true", "false"]).optional() }),
      },
      responses: { 200: pageResponse(RuleEvaluationRunSchema, "A page of evaluations") },
    }),
    async (c) => {
      const { fired_only: firedOnly, ...page } = c.req.valid("query");
      const result = await ruleExecution.evaluations(actorOf(c), c.req.valid("param").id, {
        ...page,
        firedOnly: firedOnly === "true",
      });
      const items: unknown = result.items.map((item) => toSnake<unknown>(item));
      return c.json({
        ...result,
        items: items as z.infer<typeof RuleEvaluationRunSchema>[],
      }, 200);
    },
  );

  for (const state of ["enable", "disable"] as const) {
    app.openapi(
      privateRoute(guards, {
        method: "post",
        path: `/rules/{id}/${state}`,
        tags,
        summary: state === "enable"
          ? "Enable a rule: it runs on its schedule"
          : "Disable a rule: it stops running",
        description: "Idempotent. Show the rule's `latest_backtest` and `warnings` before " +
          "enabling it.",
        request: { params: IdParamsSchema },
        responses: { 200: dataResponse(RuleSchema, "The rule") },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        const actor = actorOf(c);
        const rule = state === "enable"
          ? await rules.enable(actor, id)
          : await rules.disable(actor, id);
        return respond(c, json(rule), state === "enable" ? "Enabled" : "Disabled");
      },
    );
  }

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/rules/{id}/backtest",
      tags,
      summary: "Backtest a saved rule (stored as its latest backtest)",
      description: backtestDescription,
      request: { params: IdParamsSchema, query: snakeObject(backtestOptionsSchema) },
      responses: { 200: dataResponse(BacktestSchema, "The backtest") },
    }),
    async (c) => {
      const result = await rules.backtest(
        actorOf(c),
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      const data: unknown = toSnake<unknown>(result);
      return c.json({ data: data as Backtest, message: "Backtested" }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/rules/{id}/backtest",
      tags,
      summary: "A rule's latest backtest (null when it has none)",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(BacktestSchema.nullable(), "The latest backtest") },
    }),
    async (c) => {
      const result = await rules.latestBacktest(actorOf(c), c.req.valid("param").id);
      const data: unknown = toSnake<unknown>(result);
      return c.json({ data: data as Backtest | null, message: "OK" }, 200);
    },
  );
}
