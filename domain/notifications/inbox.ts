/**
 * Publishing notifications and the in-app inbox. `publish` stores the notification and, in the
 * same transaction, its outbox rows: one webhook delivery per enabled endpoint (numbered in the
 * endpoint's order) and an email unless the user takes the daily digest. The bell's live update
 * goes out over coordination pub/sub once the transaction has committed.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import { forUpdate, lockingTransaction } from "../../db/locking.ts";
import type { DB, NotificationsTable } from "../../db/schema.ts";
import { isoFromDb, isoFromDbOrNull } from "../../db/time.ts";
import type { Actor } from "../actor.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { type Page, pageSchema, paginate } from "../pagination.ts";
import { parseInput, plainText } from "../validation.ts";
import {
  channelAccepts,
  type NotificationSettings,
  settingsFromStored,
  type Severity,
  severitySchema,
} from "./settings.ts";

/** What raised a notification. */
export const NOTIFICATION_KINDS = ["alert", "rule", "approval", "system"] as const;

/** A notification to publish. */
export const publishSchema = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS),
  /** What it is within the kind (`spend_stopped`, `cpa_up`, `approval_requested`, …). */
  type: z.string().min(1).max(64).regex(/^[a-z0-9_.:-]+$/),
  severity: severitySchema,
  title: plainText().trim().min(1).max(200),
  /** The explanation (for an alert: what moved and what changed just before). */
  body: z.string().max(10_000),
  /** Where to look: an app path (`/alerts/…`) or an absolute URL. */
  link: z.string().max(2_000).regex(/^(\/|https?:\/\/)/).nullable().default(null),
  /** The alert, rule or approval it is about. */
  subjectId: z.string().max(64).nullable().default(null),
  /** Extra fields for webhook receivers. */
  data: z.record(z.string(), z.unknown()).default({}),
});
/** A notification to publish. */
export type PublishInput = z.input<typeof publishSchema>;

/** A stored notification. */
export interface Notification {
  id: string;
  kind: string;
  type: string;
  severity: Severity;
  title: string;
  body: string;
  link: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
  /** Whether it shows in the in-app list (the user's settings let it through). */
  inApp: boolean;
  readAt: string | null;
  createdAt: string;
}

/** What the bell hears live. */
export interface NotificationSignal {
  /** The notification that arrived (absent when only the count changed, e.g. marked read). */
  notification?: Notification;
  unread: number;
}

/** List filters. */
export const listNotificationsSchema = pageSchema.extend({
  unread: z.enum(["true", "false"]).optional().describe("true: only unread ones"),
});

/** The pub/sub channel of one user's bell. */
export function notificationChannel(userId: string): string {
  return `notifications:${userId}`;
}

/** How email goes out: `digest` users get theirs daily; `none` when no mailer is configured. */
export type EmailMode = "single" | "digest" | "none";

/** Maps a row. */
export function toNotification(row: Selectable<NotificationsTable>): Notification {
  return {
    id: row.id,
    kind: row.kind,
    type: row.type,
    severity: row.severity,
    title: row.title,
    body: row.body,
    link: row.link,
    subjectId: row.subject_id,
    data: (fromDbJson(row.data) ?? {}) as Record<string, unknown>,
    inApp: row.in_app === 1,
    readAt: isoFromDbOrNull(row.read_at),
    createdAt: isoFromDb(row.created_at),
  };
}

/** The webhook body: the same for every attempt, so the signature and delivery id stay put. */
export function webhookBody(deliveryId: string, notification: Notification): string {
  return JSON.stringify({
    delivery_id: deliveryId,
    event: "notification",
    notification: {
      id: notification.id,
      kind: notification.kind,
      type: notification.type,
      severity: notification.severity,
      title: notification.title,
      body: notification.body,
      link: notification.link,
      subject_id: notification.subjectId,
      data: notification.data,
      created_at: notification.createdAt,
    },
  });
}

/** The email of one notification. */
export function notificationEmail(
  notification: Notification,
  absoluteLink: (link: string) => string,
): { subject: string; text: string } {
  const lines = [notification.title, "", notification.body];
  if (notification.link) lines.push("", `Open: ${absoluteLink(notification.link)}`);
  return {
    subject: `[AAE ${notification.severity}] ${notification.title}`,
    text: lines.join("\n"),
  };
}

/** Reads a user's settings inside a transaction or outside. */
export async function readSettings(
  query: Pick<Transaction<DB>, "selectFrom">,
  userId: string,
): Promise<NotificationSettings> {
  const row = await query.selectFrom("notification_settings").select("settings")
    .where("user_id", "=", userId).executeTakeFirst();
  return settingsFromStored(row ? fromDbJson(row.settings) : undefined);
}

/** What the inbox needs beyond the context. */
export interface InboxOptions {
  /** Whether email can be sent (`SMTP_URL` set). */
  emailConfigured: boolean;
  /** Makes an app path absolute for emails. */
  absoluteLink: (link: string) => string;
}

/** Publishing and the inbox. */
export interface Inbox {
  publish(userId: string, input: PublishInput): Promise<Notification>;
  list(actor: Actor, query?: z.input<typeof listNotificationsSchema>): Promise<Page<Notification>>;
  unreadCount(actor: Actor): Promise<number>;
  /** Marks some read (ids not the actor's are ignored); answers the unread count left. */
  markRead(actor: Actor, ids: readonly string[]): Promise<number>;
  markAllRead(actor: Actor): Promise<number>;
  /** Live signals for the actor's bell, from every instance. */
  subscribe(
    actor: Actor,
    listener: (signal: NotificationSignal) => void,
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

/** Builds publishing and the inbox. */
export function createInbox(context: DomainContext, options: InboxOptions): Inbox {
  const { db, coordination } = context;

  async function unreadCount(userId: string): Promise<number> {
    const row = await db.kysely.selectFrom("notifications")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("user_id", "=", userId).where("in_app", "=", 1).where("read_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Best effort: a lost signal only delays the bell until the next page load. */
  async function signal(userId: string, notification?: Notification): Promise<void> {
    try {
      const message: NotificationSignal = { notification, unread: await unreadCount(userId) };
      await coordination.pubsub.publish(notificationChannel(userId), JSON.stringify(message));
    } catch (error) {
      console.error("notification signal failed", error);
    }
  }

  return {
    async publish(userId, input) {
      const fields = parseInput(publishSchema, input);
      const notification = await lockingTransaction(db, async (trx) => {
        const user = await trx.selectFrom("users").select(["email"])
          .where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
        if (!user) throw new NotFoundError("user");
        const settings = await readSettings(trx, userId);
        const emailMode: EmailMode = options.emailConfigured &&
            channelAccepts(settings.email, fields)
          ? (settings.emailDigest ? "digest" : "single")
          : "none";
        const now = nowForDb(context);
        const row = {
          id: context.ids(),
          user_id: userId,
          kind: fields.kind,
          type: fields.type,
          severity: fields.severity,
          title: fields.title,
          body: fields.body,
          link: fields.link,
          subject_id: fields.subjectId,
          data: toDbJson(fields.data),
          in_app: channelAccepts(settings.inApp, fields) ? 1 : 0,
          emailed: emailMode === "none" ? 0 : emailMode === "single" ? 1 : 2,
          read_at: null,
          created_at: now,
          updated_at: now,
        };
        await trx.insertInto("notifications").values(row).execute();
        const stored = toNotification(row);
        if (channelAccepts(settings.webhook, fields)) {
          await enqueueWebhooks(trx, userId, stored, now);
        }
        if (emailMode === "single") {
          const email = notificationEmail(stored, options.absoluteLink);
          await trx.insertInto("notification_deliveries").values({
            ...newDelivery(now),
            id: context.ids(),
            user_id: userId,
            channel: "email",
            notification_id: stored.id,
            payload: JSON.stringify({ to: user.email, ...email }),
          }).execute();
        }
        return stored;
      });
      if (notification.inApp) await signal(userId, notification);
      return notification;
    },

    async list(actor, query = {}) {
      const page = parseInput(listNotificationsSchema, query);
      let scoped = db.kysely.selectFrom("notifications")
        .where("user_id", "=", actor.userId).where("in_app", "=", 1);
      if (page.unread === "true") scoped = scoped.where("read_at", "is", null);
      return await paginate(
        scoped,
        page,
        (q) => q.selectAll().orderBy("created_at", "desc").orderBy("id", "desc"),
        toNotification,
      );
    },

    unreadCount: (actor) => unreadCount(actor.userId),

    async markRead(actor, ids) {
      const valid = parseInput(z.array(z.uuid()).max(100), [...ids]);
      if (valid.length > 0) {
        await db.kysely.updateTable("notifications")
          .set({ read_at: nowForDb(context), updated_at: nowForDb(context) })
          .where("user_id", "=", actor.userId).where("id", "in", valid)
          .where("read_at", "is", null).execute();
        await signal(actor.userId);
      }
      return await unreadCount(actor.userId);
    },

    async markAllRead(actor) {
      await db.kysely.updateTable("notifications")
        .set({ read_at: nowForDb(context), updated_at: nowForDb(context) })
        .where("user_id", "=", actor.userId).where("read_at", "is", null).execute();
      await signal(actor.userId);
      return 0;
    },

    async subscribe(actor, listener) {
      const subscription = await coordination.pubsub.subscribe(
        notificationChannel(actor.userId),
        (message) => {
          try {
            listener(JSON.parse(message) as NotificationSignal);
          } catch (error) {
            console.error("notification listener failed", error);
          }
        },
      );
      return { unsubscribe: () => subscription.unsubscribe() };
    },
  };

  /**
   * One delivery per enabled endpoint, numbered from the endpoint's counter under its row lock,
   * so two publishes for one user number their deliveries in commit order.
   */
  async function enqueueWebhooks(
    trx: Transaction<DB>,
    userId: string,
    notification: Notification,
    now: string,
  ): Promise<void> {
    const endpoints = await forUpdate(
      trx.selectFrom("webhook_endpoints").select(["id", "next_seq"])
        .where("user_id", "=", userId).where("deleted_at", "is", null).where("enabled", "=", 1)
        .orderBy("created_at"),
      db.dialect,
    ).execute();
    for (const endpoint of endpoints) {
      const seq = Number(endpoint.next_seq);
      await trx.updateTable("webhook_endpoints").set({ next_seq: seq + 1 })
        .where("id", "=", endpoint.id).execute();
      const id = context.ids();
      await trx.insertInto("notification_deliveries").values({
        ...newDelivery(now),
        id,
        user_id: userId,
        channel: "webhook",
        endpoint_id: endpoint.id,
        notification_id: notification.id,
        seq,
        payload: webhookBody(id, notification),
      }).execute();
    }
  }
}

/** The columns every new delivery starts with. */
export function newDelivery(now: string) {
  return {
    endpoint_id: null,
    notification_id: null,
    seq: 0,
    dedupe_key: null,
    status: "pending" as const,
    attempts: 0,
    next_attempt_at: now,
    lease_token: null,
    lease_expires_at: null,
    last_status_code: null,
    last_error: null,
    delivered_at: null,
    created_at: now,
    updated_at: now,
  };
}
