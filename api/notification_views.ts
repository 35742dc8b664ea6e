/**
 * The REST shapes of notifications, settings and webhooks, built field by field: explicit views
 * keep the notification's free-form `data` as it was published (a generic snake-casing would
 * rename its keys) and keep the compiler away from deep generic instantiations.
 *
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type {
  Notification,
  NotificationSettings,
  WebhookDelivery,
  WebhookEndpoint,
} from "../domain/notifications/mod.ts";
import type { ChannelSettings } from "../domain/notifications/settings.ts";
import type {
  NotificationSchema,
  NotificationSettingsSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from "./schemas/notifications.ts";

/** A notification as REST shows it. */
export function notificationView(item: Notification): z.infer<typeof NotificationSchema> {
  return {
    id: item.id,
    kind: item.kind,
    type: item.type,
    severity: item.severity,
    title: item.title,
    body: item.body,
    link: item.link,
    subject_id: item.subjectId,
    data: item.data,
    in_app: item.inApp,
    read_at: item.readAt,
    created_at: item.createdAt,
  };
}

function channelView(channel: ChannelSettings) {
  return { enabled: channel.enabled, severities: channel.severities, types: channel.types };
}

/** Settings as REST shows them. */
export function settingsView(
  settings: NotificationSettings,
  emailConfigured: boolean,
): z.infer<typeof NotificationSettingsSchema> {
  return {
    in_app: channelView(settings.inApp),
    webhook: channelView(settings.webhook),
    email: channelView(settings.email),
    email_digest: settings.emailDigest,
    email_configured: emailConfigured,
  };
}

/** A webhook endpoint as REST shows it. */
export function webhookView(endpoint: WebhookEndpoint): z.infer<typeof WebhookSchema> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    secret_prefix: endpoint.secretPrefix,
    enabled: endpoint.enabled,
    consecutive_failures: endpoint.consecutiveFailures,
    disabled_reason: endpoint.disabledReason,
    created_at: endpoint.createdAt,
  };
}

/** A delivery and its attempts as REST shows them. */
export function deliveryView(delivery: WebhookDelivery): z.infer<typeof WebhookDeliverySchema> {
  return {
    id: delivery.id,
    notification_id: delivery.notificationId,
    seq: delivery.seq,
    status: delivery.status,
    attempts: delivery.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
      at: attempt.at,
    })),
    next_attempt_at: delivery.nextAttemptAt,
    delivered_at: delivery.deliveredAt,
    created_at: delivery.createdAt,
  };
}
