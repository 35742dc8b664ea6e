/**
 * The delivery worker: sends what `publish` put in the outbox, on every instance, each delivery
 * once.
 *
 * - A webhook endpoint's deliveries go out strictly in `seq` order: only the oldest pending one
 *   (the head) is attempted, so a later delivery waits while an earlier one is retrying.
 * - One instance works an endpoint at a time (a coordination lease per endpoint), and each
 *   attempt first claims its delivery row with a conditional update (a lease token and expiry
 *   in the row). A delivery recorded as delivered is never claimed again, whatever happens to
 *   the process; a process killed mid-attempt leaves a claim that lapses after `leaseMs`, and
 *   the next instance retries the same delivery id.
 * - Failures back off exponentially (`retryBaseMs` × 2^(attempt−1), at most an hour); a delivery
 *   gives up after `maxAttempts`, and an endpoint is disabled after `disableAfterFailures`
 *   failed attempts in a row (its waiting deliveries resume when it is enabled again).
 * - The daily digest: after a UTC day ends, one email per user who takes it, listing the day's
 *   notifications; a unique `dedupe_key` makes it once per user and day across instances.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { isUniqueViolation } from "../../db/errors.ts";
import { lockingTransaction } from "../../db/locking.ts";
import type { NotificationDeliveriesTable } from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Mailer, MailMessage } from "../../lib/mailer.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { newDelivery, readSettings } from "./inbox.ts";
import { countOf } from "../counts.ts";
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
} from "./signature.ts";
import { notificationDeliveryAttempts, notificationDeliveryDuration } from "../../lib/metrics.ts";

/** How the worker behaves. */
export interface OutboxOptions {
  /** Sends email; none: emails wait (and no digests are made). */
  mailer?: Mailer;
  /** Makes an app path absolute for the digest's links. */
  absoluteLink: (link: string) => string;
  leaseMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  disableAfterFailures: number;
  /**
   * Longest wait for a receiver's answer (ms); at most half the claim, so an attempt never
   * outlives its claim and no second worker retries a delivery still in flight.
   */
  requestTimeoutMs?: number;
}

/** The worker's passes. */
export interface NotificationOutbox {
  /** One pass: makes due digests, then sends what is due; answers how many were attempted. */
  runOnce(): Promise<number>;
}

/** Longest backoff between two attempts. */
const MAX_BACKOFF_MS = 3_600_000;
/** Endpoints and emails looked at per pass. */
const BATCH = 50;

type DeliveryRow = Selectable<NotificationDeliveriesTable>;

/** What one attempt came to. */
interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Builds the worker. */
export function createNotificationOutbox(
  context: DomainContext,
  options: OutboxOptions,
): NotificationOutbox {
  const { db, coordination } = context;
  let digestsMadeFor = "";

  /** Claims a due delivery for one attempt; null when another worker has it or it is done. */
  async function claim(row: DeliveryRow): Promise<string | null> {
    const now = context.clock.now();
    const token = crypto.randomUUID();
    const claimed = await db.kysely.updateTable("notification_deliveries")
      .set({
        lease_token: token,
        lease_expires_at: toDbTimestamp(new Date(now.getTime() + options.leaseMs)),
      })
      .where("id", "=", row.id).where("status", "=", "pending")
      .where((eb) =>
        eb.or([
          eb("lease_expires_at", "is", null),
          eb("lease_expires_at", "<", toDbTimestamp(now)),
        ])
      )
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1 ? token : null;
  }

  /** Records an attempt and moves the delivery on (only while the claim is still ours). */
  async function record(
    row: DeliveryRow,
    token: string,
    outcome: AttemptOutcome,
  ): Promise<void> {
    await lockingTransaction(db, async (trx) => {
      const now = context.clock.now();
      const attempt = row.attempts + 1;
      const giveUp = !outcome.ok && attempt >= options.maxAttempts;
      const backoff = Math.min(MAX_BACKOFF_MS, options.retryBaseMs * 2 ** (attempt - 1));
      const updated = await trx.updateTable("notification_deliveries")
        .set({
          status: outcome.ok ? "delivered" : giveUp ? "failed" : "pending",
          attempts: attempt,
          next_attempt_at: toDbTimestamp(new Date(now.getTime() + (outcome.ok ? 0 : backoff))),
          lease_token: null,
          lease_expires_at: null,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          delivered_at: outcome.ok ? toDbTimestamp(now) : null,
          updated_at: toDbTimestamp(now),
        })
        .where("id", "=", row.id).where("lease_token", "=", token).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return; // taken over: that worker records
      const result = outcome.ok ? "delivered" : giveUp ? "gave_up" : "retry";
      notificationDeliveryAttempts.inc({ channel: row.channel, outcome: result });
      notificationDeliveryDuration.observe({ channel: row.channel }, outcome.durationMs / 1000);
      await trx.insertInto("notification_delivery_attempts").values({
        id: context.ids(),
        delivery_id: row.id,
        attempt,
        status_code: outcome.statusCode,
        error: outcome.error,
        duration_ms: Math.round(outcome.durationMs),
        created_at: toDbTimestamp(now),
        updated_at: toDbTimestamp(now),
      }).execute();
      if (row.endpoint_id === null) return;
      const endpoint = await trx.selectFrom("webhook_endpoints")
        .select("consecutive_failures").where("id", "=", row.endpoint_id).executeTakeFirst();
      if (!endpoint) return;
      const failures = outcome.ok ? 0 : endpoint.consecutive_failures + 1;
      const disable = failures >= options.disableAfterFailures;
      await trx.updateTable("webhook_endpoints")
        .set({
          consecutive_failures: failures,
          ...(disable
            ? { enabled: 0, disabled_reason: `${failures} failed attempts in a row` }
            : {}),
          updated_at: toDbTimestamp(now),
        })
        .where("id", "=", row.endpoint_id).execute();
    });
  }

  async function postWebhook(row: DeliveryRow, url: string, secret: string) {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "AAE-Webhooks/1",
          [DELIVERY_HEADER]: row.id,
          [TIMESTAMP_HEADER]: String(Math.floor(context.clock.now().getTime() / 1000)),
          [SIGNATURE_HEADER]: await signWebhookBody(secret, row.payload),
        },
        body: row.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(
          Math.min(options.requestTimeoutMs ?? 10_000, options.leaseMs / 2),
        ),
      });
      await response.body?.cancel();
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        statusCode: response.status,
        error: ok ? null : `HTTP ${response.status}`,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        error: String(error instanceof Error ? error.message : error).slice(0, 1_000),
        durationMs: performance.now() - started,
      };
    }
  }

  /** Works one endpoint's due deliveries in order while they succeed; answers the attempts. */
  async function workEndpoint(endpointId: string): Promise<number> {
    const lease = await coordination.leases.acquire(
      `notifications:webhook:${endpointId}`,
      options.leaseMs,
    );
    if (!lease) return 0;
    let attempted = 0;
    try {
      for (;;) {
        const endpoint = await db.kysely.selectFrom("webhook_endpoints")
          .select(["url", "secret", "enabled", "deleted_at"])
          .where("id", "=", endpointId).executeTakeFirst();
        if (!endpoint || endpoint.enabled !== 1 || endpoint.deleted_at !== null) break;
        const head = await db.kysely.selectFrom("notification_deliveries").selectAll()
          .where("endpoint_id", "=", endpointId).where("status", "=", "pending")
          .orderBy("seq").limit(1).executeTakeFirst();
        // The head not due yet: everything after it waits too.
        if (!head || head.next_attempt_at > nowForDb(context)) break;
        const token = await claim(head);
        if (!token) break;
        await coordination.leases.assertCurrent(lease);
        const outcome = await postWebhook(head, endpoint.url, endpoint.secret);
        attempted++;
        await record(head, token, outcome);
        if (!outcome.ok) break;
        if (!await coordination.leases.extend(lease, options.leaseMs)) break;
      }
    } finally {
      await coordination.leases.release(lease).catch(() => false);
    }
    return attempted;
  }

  async function sendEmail(row: DeliveryRow, mailer: Mailer): Promise<void> {
    const token = await claim(row);
    if (!token) return;
    const started = performance.now();
    let outcome: AttemptOutcome;
    try {
      const reply = await mailer.send(JSON.parse(row.payload) as MailMessage);
      const code = Number(/^\d{3}/.exec(reply.response)?.[0] ?? 250);
      outcome = { ok: true, statusCode: code, error: null, durationMs: 0 };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode ?? null;
      outcome = {
        ok: false,
        statusCode: code,
        error: String(error instanceof Error ? error.message : error).slice(0, 1_000),
        durationMs: 0,
      };
    }
    outcome.durationMs = performance.now() - started;
    await record(row, token, outcome);
  }

  /** Queues yesterday's digests (UTC), once per process per day; the unique key does the rest. */
  async function makeDigests(): Promise<void> {
    const now = context.clock.now();
    const today = now.toISOString().slice(0, 10);
    if (digestsMadeFor === today) return;
    const dayStart = new Date(`${today}T00:00:00.000Z`);
    const yesterdayStart = new Date(dayStart.getTime() - 86_400_000);
    const day = yesterdayStart.toISOString().slice(0, 10);
    const rows = await db.kysely.selectFrom("notifications")
      .innerJoin("users", "users.id", "notifications.user_id")
      .select([
        "notifications.user_id",
        "users.email",
        "notifications.title",
        "notifications.severity",
        "notifications.body",
        "notifications.link",
        "notifications.created_at",
      ])
      .where("notifications.emailed", "=", 2)
      .where("notifications.created_at", ">=", toDbTimestamp(yesterdayStart))
      .where("notifications.created_at", "<", toDbTimestamp(dayStart))
      .orderBy("notifications.created_at").execute();
    const byUser = Map.groupBy(rows, (row) => row.user_id);
    for (const [userId, items] of byUser) {
      if (!(await readSettings(db.kysely, userId)).emailDigest) continue;
      const lines = [`Your AAE notifications of ${day} (UTC): ${items.length}`, ""];
      for (const item of items) {
        lines.push(`- [${item.severity}] ${item.title}`);
        if (item.body) lines.push(`  ${item.body.replaceAll("\n", "\n  ")}`);
        if (item.link) lines.push(`  ${options.absoluteLink(item.link)}`);
      }
      const stamp = nowForDb(context);
      try {
        await db.kysely.insertInto("notification_deliveries").values({
          ...newDelivery(stamp),
          id: context.ids(),
          user_id: userId,
          channel: "email",
          dedupe_key: `digest:${userId}:${day}`,
          payload: JSON.stringify({
            to: items[0].email,
            subject: `[AAE] Daily digest ${day}: ${countOf(items.length, "notification")}`,
            text: lines.join("\n"),
          }),
        }).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error; // another instance made it
      }
    }
    digestsMadeFor = today;
  }

  return {
    async runOnce() {
      const now = nowForDb(context);
      let attempted = 0;
      if (options.mailer) await makeDigests();
      const endpoints = await db.kysely.selectFrom("notification_deliveries")
        .select("endpoint_id").distinct()
        .where("channel", "=", "webhook").where("status", "=", "pending")
        .where("next_attempt_at", "<=", now).limit(BATCH).execute();
      for (const { endpoint_id } of endpoints) {
        if (endpoint_id) attempted += await workEndpoint(endpoint_id);
      }
      if (options.mailer) {
        const emails = await db.kysely.selectFrom("notification_deliveries").selectAll()
          .where("channel", "=", "email").where("status", "=", "pending")
          .where("next_attempt_at", "<=", now).orderBy("created_at").limit(BATCH).execute();
        for (const row of emails) {
          await sendEmail(row, options.mailer);
          attempted++;
        }
      }
      return attempted;
    },
  };
}
