/**
 * Notifications: one `publish(userId, …)` for whatever has something to tell a user (alerts,
 * rules, approvals), fanned out per the user's settings to the in-app bell (live over pub/sub),
 * signed webhooks and email (one by one or a daily digest), the latter two through a durable
 * outbox that a background worker sends (see `outbox.ts`).
 *
 * @module
 */
import type { Mailer } from "../../lib/mailer.ts";
import { toDbJson } from "../../db/json.ts";
import { upsert } from "../../db/upsert.ts";
import type { Actor } from "../actor.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { parseInput } from "../validation.ts";
import { createInbox, type Inbox, readSettings } from "./inbox.ts";
import { createNotificationOutbox, type NotificationOutbox } from "./outbox.ts";
import { type NotificationSettings, notificationSettingsSchema } from "./settings.ts";
import { createWebhooksService, type WebhooksService } from "./webhooks.ts";

/** Defaults of the delivery worker. */
export const NOTIFICATION_DEFAULTS = {
  leaseMs: 30_000,
  retryBaseMs: 10_000,
  maxAttempts: 12,
  disableAfterFailures: 20,
} as const;

/** How notifications are delivered. */
export interface NotificationOptions {
  /** Sends email (`SMTP_URL`); without it nothing is emailed. */
  mailer?: Mailer;
  /** The app's public origin, for links in emails (`https://ads.example.com`). */
  publicUrl?: string;
  /** A worker's claim on a delivery; after a crash another instance retries it this much later. */
  leaseMs?: number;
  /** First retry delay; each further one doubles. */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up. */
  maxAttempts?: number;
  /** Failed attempts in a row after which an endpoint is disabled. */
  disableAfterFailures?: number;
}

/** Everything about notifications. */
export interface NotificationsService extends Inbox {
  settings: {
    get(actor: Actor): Promise<NotificationSettings>;
    put(actor: Actor, input: unknown): Promise<NotificationSettings>;
  };
  webhooks: WebhooksService;
  /** Whether email is configured (the settings page says so). */
  readonly emailConfigured: boolean;
  /** The background worker's pass (started by the app, called directly by tests). */
  outbox: NotificationOutbox;
}

/** Builds the service. */
export function createNotificationsService(
  context: DomainContext,
  options: NotificationOptions = {},
): NotificationsService {
  const base = (options.publicUrl ?? "http://localhost:8000").replace(/\/+$/, "");
  const absoluteLink = (link: string) => link.startsWith("/") ? base + link : link;
  const inbox = createInbox(context, {
    emailConfigured: options.mailer !== undefined,
    absoluteLink,
  });
  return {
    ...inbox,
    emailConfigured: options.mailer !== undefined,
    settings: {
      get: (actor) => readSettings(context.db.kysely, actor.userId),
      async put(actor, input) {
        const settings = parseInput(notificationSettingsSchema, input);
        const now = nowForDb(context);
        await upsert(context.db.kysely, context.db.dialect, {
          table: "notification_settings",
          rows: [{
            id: context.ids(),
            user_id: actor.userId,
            settings: toDbJson(settings),
            created_at: now,
            updated_at: now,
          }],
          conflictColumns: ["user_id"],
          updateColumns: ["settings", "updated_at"],
        });
        return settings;
      },
    },
    webhooks: createWebhooksService(context),
    outbox: createNotificationOutbox(context, {
      mailer: options.mailer,
      absoluteLink,
      leaseMs: options.leaseMs ?? NOTIFICATION_DEFAULTS.leaseMs,
      retryBaseMs: options.retryBaseMs ?? NOTIFICATION_DEFAULTS.retryBaseMs,
      maxAttempts: options.maxAttempts ?? NOTIFICATION_DEFAULTS.maxAttempts,
      disableAfterFailures: options.disableAfterFailures ??
        NOTIFICATION_DEFAULTS.disableAfterFailures,
    }),
  };
}

export type { Notification, NotificationSignal, PublishInput } from "./inbox.ts";
export { listNotificationsSchema, publishSchema } from "./inbox.ts";
export type { NotificationSettings } from "./settings.ts";
export {
  DEFAULT_NOTIFICATION_SETTINGS,
  notificationSettingsSchema,
  SEVERITIES,
} from "./settings.ts";
export type { WebhookDelivery, WebhookEndpoint, WebhooksService } from "./webhooks.ts";
export { createWebhookSchema } from "./webhooks.ts";
export { signWebhookBody, verifyWebhookSignature } from "./signature.ts";
