/**
 * Response shapes of notifications, notification settings and webhooks.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../../domain/notifications/mod.ts";
import { Timestamp } from "./common.ts";

/** One notification in the in-app list. */
export const NotificationSchema = z.object({
  id: z.uuid(),
  kind: z.string().openapi({ description: "`alert`, `rule`, `approval` or `system`." }),
  type: z.string().openapi({ example: "cpa_up" }),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  subject_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  in_app: z.boolean(),
  read_at: Timestamp.nullable(),
  created_at: Timestamp,
}).openapi("Notification");

/** The unread count. */
export const UnreadSchema = z.object({ unread: z.number().int().min(0) }).openapi("Unread");

const ChannelSchema = z.object({
  enabled: z.boolean(),
  severities: z.array(z.enum(SEVERITIES)),
  types: z.array(z.string()).nullable().openapi({ description: "null: every type" }),
});

/** A user's notification settings. */
export const NotificationSettingsSchema = z.object({
  in_app: ChannelSchema,
  webhook: ChannelSchema,
  email: ChannelSchema,
  email_digest: z.boolean(),
  email_configured: z.boolean().optional().openapi({
    readOnly: true,
    description: "Whether this server sends email (`SMTP_URL`).",
  }),
}).openapi("NotificationSettings");

/** A webhook endpoint (without its secret). */
export const WebhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  secret_prefix: z.string(),
  enabled: z.boolean(),
  consecutive_failures: z.number().int(),
  disabled_reason: z.string().nullable(),
  created_at: Timestamp,
}).openapi("WebhookEndpoint");

/** A new endpoint and its secret, shown this once. */
export const CreatedWebhookSchema = z.object({
  endpoint: WebhookSchema,
  secret: z.string().openapi({ description: "The HMAC key; shown only now." }),
}).openapi("CreatedWebhookEndpoint");

/** One delivery and its attempts. */
export const WebhookDeliverySchema = z.object({
  id: z.uuid().openapi({ description: "The delivery id (`X-AAE-Delivery`)." }),
  notification_id: z.uuid().nullable(),
  seq: z.number().int(),
  status: z.enum(["pending", "delivered", "failed", "cancelled"]),
  attempts: z.array(z.object({
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
    at: Timestamp,
  })),
  next_attempt_at: Timestamp.nullable(),
  delivered_at: Timestamp.nullable(),
  created_at: Timestamp,
}).openapi("WebhookDelivery");
