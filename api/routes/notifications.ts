/**
 * Notifications over REST: the in-app list, its unread count, marking read, and its live stream;
 * the user's notification settings; and webhook endpoints with their delivery log. A new
 * endpoint's signing secret is in the creation answer only (never stored for an idempotent
 * replay, never shown again).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import {
  createWebhookSchema,
  listNotificationsSchema,
  type NotificationSettings,
  notificationSettingsSchema,
  SEVERITIES,
} from "../../domain/notifications/mod.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, type SnakeCased, snakeObject } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { attentionFeed, creditsFeed, openLiveStream, unreadFeed } from "../notifications_stream.ts";
import { dataResponse, jsonBody, pageResponse, privateRoute } from "../openapi.ts";
import {
  deliveryView,
  notificationView,
  settingsView,
  webhookView,
} from "../notification_views.ts";
import {
  CreatedWebhookSchema,
  NotificationSchema,
  NotificationSettingsSchema,
  UnreadSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from "../schemas/notifications.ts";
import { IdParamsSchema } from "../schemas/common.ts";

const tags = ["Notifications"];

/** Which to mark read: some ids, or all. */
const markReadBody = z.object({
  ids: z.array(z.uuid()).max(100).optional(),
  all: z.boolean().optional().openapi({ description: "true: every notification" }),
});

/** A test notification to try the channels with. */
const testBody = z.object({
  severity: z.enum(SEVERITIES).default("info"),
  title: z.string().min(1).max(200).default("Test notification"),
});

/** What PUT takes: the settings; the read-only `email_configured` may come back and is ignored. */
const settingsBody = snakeObject(notificationSettingsSchema).extend({
  email_configured: z.boolean().optional().openapi({ readOnly: true }),
});

/** Registers `/notifications`, `/notification-settings` and `/webhooks`. */
export function registerNotificationRoutes(
  app: ApiApp,
  { deps, guards, guardsWithoutReplay }: RouteContext,
): void {
  const { notifications } = deps.domain;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/notifications",
      tags,
      summary: "The in-app notifications, newest first",
      request: { query: listNotificationsSchema },
      responses: { 200: pageResponse(NotificationSchema, "A page of notifications") },
    }),
    async (c) => {
      const page = await notifications.list(actorOf(c), c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(notificationView) }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/notifications/unread-count",
      tags,
      summary: "How many in-app notifications are unread",
      responses: { 200: dataResponse(UnreadSchema, "The count") },
    }),
    async (c) =>
      c.json({ data: { unread: await notifications.unreadCount(actorOf(c)) }, message: "OK" }, 200),
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/notifications/read",
      tags,
      summary: "Mark notifications read",
      description: "Send `ids` (yours; others are ignored) or `all: true`. Answers the unread " +
        "count left.",
      request: { body: jsonBody(markReadBody) },
      responses: { 200: dataResponse(UnreadSchema, "The unread count left") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const actor = actorOf(c);
      const unread = body.all
        ? await notifications.markAllRead(actor)
        : await notifications.markRead(actor, body.ids ?? []);
      return c.json({ data: { unread }, message: "Marked read" }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/notifications/stream",
      tags,
      summary: "Live unread count, credit balance and approvals waiting (Server-Sent Events)",
      description: "`event: unread` with `{unread}` at once and on every change; a new " +
        "notification adds it as `notification`. `event: credits` with `{balance}` at once and " +
        "after every change of the balance. `event: attention` with " +
        "`{pendingApprovals, awaitingConversations}` (approval requests waiting, conversations " +
        "whose assistant waits for an answer) at once and on every change. Send " +
        "`Accept: text/event-stream` (as " +
        "`EventSource` does); other requests get 400, since the stream never ends.",
      responses: {
        200: {
          description: "The event stream",
          content: {
            "text/event-stream": {
              schema: z.string().openapi({ example: 'event: unread\ndata: {"unread":3}\n\n' }),
            },
          },
        },
      },
    }),
    (c) => {
      if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
        throw new ApiError(400, "this is an endless event stream: send Accept: text/event-stream");
      }
      // Returned as is: the stream is not JSON.
      const feeds = [
        unreadFeed(notifications),
        creditsFeed(deps.domain.credits),
        attentionFeed(deps.domain.attention),
      ];
      return openLiveStream(feeds, actorOf(c), deps.log) as never;
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/notifications/test",
      tags,
      summary: "Send yourself a test notification through your channels",
      description: "Published like any notification (`kind: system`, `type: test`): it goes to " +
        "the bell, your webhooks and email as your settings say.",
      request: { body: jsonBody(testBody) },
      responses: { 201: dataResponse(NotificationSchema, "The notification") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const published = await notifications.publish(actorOf(c).userId, {
        kind: "system",
        type: "test",
        severity: body.severity,
        title: body.title,
        body: "A test of your AAE notification channels.",
        link: "/notifications",
      });
      return c.json({ data: notificationView(published), message: "Published" }, 201);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/notification-settings",
      tags,
      summary: "Your notification settings",
      description: "Per channel (`in_app`, `webhook`, `email`): on or off, the severities, and " +
        "the types (null: all); `email_digest` sends one email a day instead of one each.",
      responses: { 200: dataResponse(NotificationSettingsSchema, "The settings") },
    }),
    async (c) => {
      const settings = await notifications.settings.get(actorOf(c));
      return c.json({
        data: settingsView(settings, notifications.emailConfigured),
        message: "OK",
      }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "put",
      path: "/notification-settings",
      tags,
      summary: "Replace your notification settings",
      request: { body: jsonBody(settingsBody) },
      responses: { 200: dataResponse(NotificationSettingsSchema, "The saved settings") },
    }),
    async (c) => {
      const { email_configured: _ignored, ...body } = c.req.valid("json");
      const input = fromSnake(
        notificationSettingsSchema,
        body as SnakeCased<NotificationSettings>,
      );
      const saved = await notifications.settings.put(actorOf(c), input);
      return c.json({
        data: settingsView(saved, notifications.emailConfigured),
        message: "Saved",
      }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/webhooks",
      tags,
      summary: "Your webhook endpoints",
      responses: { 200: dataResponse(z.array(WebhookSchema), "The endpoints") },
    }),
    async (c) => {
      const endpoints = await notifications.webhooks.list(actorOf(c));
      return c.json({ data: endpoints.map(webhookView), message: "OK" }, 200);
    },
  );

  app.openapi(
    privateRoute(guardsWithoutReplay, {
      method: "post",
      path: "/webhooks",
      tags,
      summary: "Add a webhook endpoint (the secret is shown once)",
      description: "Each delivery is a POST of JSON with `X-AAE-Delivery` (the delivery id, the " +
        "same on retries), `X-AAE-Timestamp`, and `X-AAE-Signature: sha256=<hex>`, the " +
        "HMAC-SHA256 of the raw body under the endpoint's secret. Failures are retried with " +
        "exponential backoff, in order per endpoint; repeated failure disables the endpoint.",
      request: { body: jsonBody(snakeObject(createWebhookSchema)) },
      responses: { 201: dataResponse(CreatedWebhookSchema, "The endpoint and its secret") },
    }),
    async (c) => {
      const input = fromSnake(createWebhookSchema, c.req.valid("json"));
      const { endpoint, secret } = await notifications.webhooks.create(actorOf(c), input);
      return c.json({
        data: { endpoint: webhookView(endpoint), secret },
        message: "Created",
      }, 201);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/webhooks/{id}",
      tags,
      summary: "Turn a webhook endpoint on or off",
      description: "Turning it on resets its failure count; waiting deliveries resume in order.",
      request: {
        params: IdParamsSchema,
        body: jsonBody(z.object({ enabled: z.boolean() })),
      },
      responses: { 200: dataResponse(WebhookSchema, "The endpoint") },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { enabled } = c.req.valid("json");
      const endpoint = await notifications.webhooks.setEnabled(actorOf(c), id, enabled);
      return c.json({ data: webhookView(endpoint), message: "OK" }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/webhooks/{id}",
      tags,
      summary: "Delete a webhook endpoint (its waiting deliveries are cancelled)",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(z.null(), "Deleted") },
    }),
    async (c) => {
      await notifications.webhooks.remove(actorOf(c), c.req.valid("param").id);
      return c.json({ data: null, message: "Deleted" }, 200);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/webhooks/{id}/deliveries",
      tags,
      summary: "An endpoint's delivery log, newest first",
      description: "Every delivery with its status and each attempt's HTTP status code.",
      request: { params: IdParamsSchema, query: pageSchema },
      responses: { 200: pageResponse(WebhookDeliverySchema, "A page of deliveries") },
    }),
    async (c) => {
      const page = await notifications.webhooks.deliveries(
        actorOf(c),
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      return c.json({ ...page, items: page.items.map(deliveryView) }, 200);
    },
  );
}
