/**
 * Anomaly alerts over REST: list with filters, one alert, acknowledge, resolve, and muting a
 * campaign for some days. Detection itself runs after metric syncs, not on request.
 *
 * @module
 */
import { listAlertsSchema, muteCampaignSchema } from "../../domain/alerts/service.ts";
import { fromSnake, snakeObject } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { AlertSchema, MuteSchema } from "../schemas/alerts.ts";
import { IdParamsSchema } from "../schemas/common.ts";

/** Registers `/alerts` and `/campaigns/{id}/alert-mute`. */
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
}
