/**
 * Anomaly alerts over REST: list with filters, one alert, acknowledge, resolve, and muting a
 * campaign for some days. Detection itself runs after metric syncs, not on request.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { listAlertsSchema, muteCampaignSchema } from "../../domain/alerts/service.ts";
import { type AlertThresholds, alertThresholdsSchema } from "../../domain/alerts/types.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { fromSnake, type SnakeCased, snakeObject } from "../case.ts";
import { actorOf, type ApiApp, type ApiEnv, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { AlertSchema, AlertThresholdsSchema, MuteSchema } from "../schemas/alerts.ts";
import { IdParamsSchema } from "../schemas/common.ts";

/** What GET returns may come back: the account's own fields are read-only and ignored. */
const thresholdsBody = snakeObject(alertThresholdsSchema).extend({
  ad_account_id: z.uuid().optional().openapi({ readOnly: true }),
  is_default: z.boolean().optional().openapi({ readOnly: true }),
});

/**
 * Refuses API tokens: software must not quiet the alerts that watch it (the same rule as the
 * autopilot limits).
 */
function requireSignIn(c: Context<ApiEnv>, what: string): void {
  if (c.get("auth").method === "api_token") {
    throw new ForbiddenError(`${what} needs a person's sign-in; API tokens cannot`);
  }
}

/**
 * Registers `/alerts`, `/campaigns/{id}/alert-mute` and `/ad-accounts/{id}/alert-thresholds`.
 */
export function registerAlertRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { alerts } = deps.domain;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/alerts",
      tags: ["Alerts"],
      summary: "Anomaly alerts, newest first",
      description: "Filter by `type`, `severity`, `status` (open, acknowledged, resolved), " +
        "`ad_account_id` and `campaign_id`. Each alert carries the detector's finding (the " +
        "metric, its baseline band, the z-score) and its cause: which part of the metric moved, " +
        "the campaign's changes in the days before and by whom, and next steps to submit.",
      request: { query: snakeObject(listAlertsSchema) },
      responses: { 200: pageResponse(AlertSchema, "A page of alerts") },
    }),
    async (c) => {
      const query = fromSnake(listAlertsSchema, c.req.valid("query"));
      return respondPage(c, await alerts.list(actorOf(c), query));
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/alerts/{id}",
      tags: ["Alerts"],
      summary: "One alert",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AlertSchema, "The alert") },
    }),
    async (c) => respond(c, await alerts.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/alerts/{id}/acknowledge",
      tags: ["Alerts"],
      summary: "Acknowledge an alert",
      description: "Marks it seen. It stays unresolved (and no duplicate is raised) until the " +
        "metric is back in range or someone resolves it. 409 once resolved.",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AlertSchema, "The acknowledged alert") },
    }),
    async (c) =>
      respond(c, await alerts.acknowledge(actorOf(c), c.req.valid("param").id), "Acknowledged"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/alerts/{id}/resolve",
      tags: ["Alerts"],
      summary: "Resolve an alert",
      description: "Closes it by hand (alerts also resolve themselves when the metric is back " +
        "in range). Resolving a resolved alert changes nothing.",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AlertSchema, "The resolved alert") },
    }),
    async (c) => respond(c, await alerts.resolve(actorOf(c), c.req.valid("param").id), "Resolved"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/campaigns/{id}/alert-mute",
      tags: ["Alerts"],
      summary: "Mute a campaign's alerts for some days",
      description: "No new alert is raised on the campaign until the mute ends (open ones still " +
        "resolve themselves). Muting again replaces the end.",
      request: { params: IdParamsSchema, body: jsonBody(muteCampaignSchema) },
      responses: { 200: dataResponse(MuteSchema, "The mute") },
    }),
    async (c) =>
      respond(
        c,
        await alerts.mute(actorOf(c), c.req.valid("param").id, c.req.valid("json")),
        "Muted",
      ),
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/campaigns/{id}/alert-mute",
      tags: ["Alerts"],
      summary: "Unmute a campaign's alerts",
      request: { params: IdParamsSchema },
      responses: { 204: { description: "Unmuted (or was not muted)" } },
    }),
    async (c) => {
      await alerts.unmute(actorOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/ad-accounts/{id}/alert-thresholds",
      tags: ["Alerts"],
      summary: "An ad account's alert thresholds",
      description: "The z-score a day must reach (`min_z`), each type's least relative change, " +
        "the minimum-data gates and the early-exhaustion share. Accounts nobody edited carry " +
        "the defaults (`is_default`).",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(AlertThresholdsSchema, "The thresholds") },
    }),
    async (c) =>
      respond(c, await alerts.accountThresholds(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "put",
      path: "/ad-accounts/{id}/alert-thresholds",
      tags: ["Alerts"],
      summary: "Replace an ad account's alert thresholds (a person's sign-in only)",
      description: "Omitted fields take the defaults; the `data` of the GET may be sent back " +
        "with changes. 403 for API tokens: software must not quiet the alerts that watch it.",
      request: { params: IdParamsSchema, body: jsonBody(thresholdsBody) },
      responses: { 200: dataResponse(AlertThresholdsSchema, "The saved thresholds") },
    }),
    async (c) => {
      requireSignIn(c, "changing alert thresholds");
      const id = c.req.valid("param").id;
      const { ad_account_id: _id, is_default: _default, ...fields } = c.req.valid("json");
      const input = fromSnake(alertThresholdsSchema, fields as SnakeCased<AlertThresholds>);
      await alerts.setThresholds(actorOf(c), id, input);
      return respond(c, await alerts.accountThresholds(actorOf(c), id), "Saved");
    },
  );
}
