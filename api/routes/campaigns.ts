/**
 * Campaigns: list with filters and sort, create, read, full and partial update, soft delete,
 * status actions (pause, resume, archive) and the daily metrics of one campaign.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import {
  createCampaignSchema,
  listCampaignsFilterSchema,
  updateCampaignSchema,
} from "../../domain/campaigns.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { fromSnake, type SnakeCased, snakeObject, snakeSchema } from "../case.ts";
import { approvalRequiredResponse, respondWithChange } from "../gateway_response.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { itemRoutes } from "../item_routes.ts";
import { periodChoice, reportPeriodShape } from "../report_period.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { CampaignListItemSchema, CampaignSchema, PerformanceReportSchema } from "../schemas/ads.ts";
import { IdParamsSchema } from "../schemas/common.ts";

const replaceCampaignSchema = updateCampaignSchema.required();

/**
 * PUT takes the representation GET returns. The fields it cannot change (`status` changes through
 * the action routes; the rest is fixed at creation) may be sent back as they are and are ignored,
 * as output-only fields are in Google's API guidelines (AIP-203).
 */
const READ_ONLY_FIELDS = {
  id: true,
  ad_account_id: true,
  external_id: true,
  objective: true,
  status: true,
  currency: true,
  created_at: true,
  updated_at: true,
} as const;
const readOnlyShape = Object.fromEntries(
  Object.entries(CampaignSchema.pick(READ_ONLY_FIELDS).shape).map(([key, field]) => [
    key,
    field.optional().openapi({ readOnly: true, description: "Read-only; ignored by PUT." }),
  ]),
);
const replaceBodySchema = snakeObject(replaceCampaignSchema).extend(readOnlyShape);

/** The editable fields of a PUT body (read-only ones dropped). */
function editableFields(body: Record<string, unknown>) {
  const editable = Object.entries(body).filter(([key]) => !Object.hasOwn(READ_ONLY_FIELDS, key));
  return fromSnake(
    replaceCampaignSchema,
    Object.fromEntries(editable) as SnakeCased<z.output<typeof replaceCampaignSchema>>,
  );
}
const metricsQuerySchema = z.object(reportPeriodShape);

/** Status actions: path segment → domain method and message. */
const ACTIONS = [
  { action: "pause", summary: "Pause an active campaign", message: "Paused" },
  {
    action: "resume",
    summary: "Start or resume delivery (draft/paused → active)",
    message: "Active",
  },
  { action: "archive", summary: "Archive a campaign (final)", message: "Archived" },
] as const;

/** The status each action moves a campaign to. */
const STATUS_OF = { pause: "paused", resume: "active", archive: "archived" } as const;

/** Registers `/campaigns`. */
export function registerCampaignRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { campaigns, metrics } = deps.domain;
  const tags = ["Campaigns"];

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/campaigns",
      tags,
      summary: "List campaigns with filters, sort and last-7-day totals",
      description: "`sort` is a column name, `-` prefix for descending.",
      request: { query: snakeObject(listCampaignsFilterSchema) },
      responses: { 200: pageResponse(CampaignListItemSchema, "A page of campaigns") },
    }),
    async (c) => {
      const query = fromSnake(listCampaignsFilterSchema, c.req.valid("query"));
      const { period: _period, ...page } = await campaigns.list(actorOf(c), query);
      return respondPage(c, {
        ...page,
        items: page.items.map(({ totals, ...campaign }) => ({ ...campaign, last7Days: totals })),
      });
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/campaigns",
      tags,
      summary: "Create a draft campaign",
      request: { body: jsonBody(snakeSchema(createCampaignSchema)) },
      responses: {
        201: dataResponse(CampaignSchema, "Created"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const input = fromSnake(createCampaignSchema, c.req.valid("json"));
      return await respondWithChange(c, deps, { type: "create", input }, "Created", 201);
    },
  );

  const item = itemRoutes(guards, {
    path: "/campaigns",
    tags,
    item: CampaignSchema,
    noun: "campaign",
  });

  app.openapi(
    item.get("Get a campaign"),
    async (c) => respond(c, await campaigns.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "put",
      path: "/campaigns/{id}",
      tags,
      summary: "Replace every editable field of a campaign",
      description: "Send every editable field, e.g. the `data` of `GET /campaigns/{id}` with " +
        "changes; its read-only fields may stay in the body and are ignored.",
      request: { params: IdParamsSchema, body: jsonBody(replaceBodySchema) },
      responses: {
        200: dataResponse(CampaignSchema, "The updated campaign"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const input = editableFields(c.req.valid("json"));
      const campaignId = c.req.valid("param").id;
      return await respondWithChange(c, deps, { type: "update", campaignId, input }, "Updated");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/campaigns/{id}",
      tags,
      summary: "Change some fields of a campaign (null clears)",
      request: { params: IdParamsSchema, body: jsonBody(snakeSchema(updateCampaignSchema)) },
      responses: {
        200: dataResponse(CampaignSchema, "The updated campaign"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const input = fromSnake(updateCampaignSchema, c.req.valid("json"));
      const campaignId = c.req.valid("param").id;
      return await respondWithChange(c, deps, { type: "update", campaignId, input }, "Updated");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/campaigns/{id}",
      tags,
      summary: "Delete a campaign (soft delete; pause or archive it first)",
      request: { params: IdParamsSchema },
      responses: {
        200: dataResponse(CampaignSchema, "The deleted campaign, as it was last"),
        202: approvalRequiredResponse,
      },
    }),
    async (c) => {
      const campaignId = c.req.valid("param").id;
      return await respondWithChange(c, deps, { type: "delete", campaignId }, "Deleted");
    },
  );

  for (const { action, summary, message } of ACTIONS) {
    app.openapi(
      privateRoute(guards, {
        method: "post",
        path: `/campaigns/{id}/${action}`,
        tags,
        summary,
        description: "409 when the campaign's status does not allow it.",
        request: { params: IdParamsSchema },
        responses: {
          200: dataResponse(CampaignSchema, "The campaign in its new status"),
          202: approvalRequiredResponse,
        },
      }),
      async (c) => {
        const campaignId = c.req.valid("param").id;
        const status = STATUS_OF[action];
        return await respondWithChange(
          c,
          deps,
          { type: "set_status", campaignId, status },
          message,
        );
      },
    );
  }

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/campaigns/{id}/metrics",
      tags,
      summary: "Daily metrics and totals of a campaign over a date range",
      description: "The period is `from`–`to`, or `range`, or by default the last 7 complete " +
        "days in the campaign's account's time zone.",
      request: { params: IdParamsSchema, query: metricsQuerySchema },
      responses: { 200: dataResponse(PerformanceReportSchema, "The report") },
    }),
    async (c) => {
      const campaignId = c.req.valid("param").id;
      // An id that cannot exist is simply not found (the domain would call it invalid).
      if (!z.uuid().safeParse(campaignId).success) throw new NotFoundError("campaign");
      const choice = periodChoice(c.req.valid("query"));
      const period = await metrics.range(actorOf(c), { campaignId }, choice);
      const report = await metrics.performance(actorOf(c), {
        from: period.from,
        to: period.to,
        campaignId,
      });
      return respond(c, report, "OK");
    },
  );
}
