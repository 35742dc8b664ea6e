/**
 * A user's webhook endpoints and their delivery log. The signing secret is generated here and
 * shown once, at creation; afterwards only its first characters are. Re-enabling an endpoint
 * that was disabled after repeated failures resets its failure count, and its waiting
 * deliveries go out again in order.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type {
  DeliveryStatus,
  NotificationDeliveriesTable,
  WebhookEndpointsTable,
} from "../../db/schema.ts";
import { isoFromDb, isoFromDbOrNull } from "../../db/time.ts";
import type { Actor } from "../actor.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { type Page, pageSchema, paginate } from "../pagination.ts";
import { randomSecret } from "../secrets.ts";
import { parseInput, plainText } from "../validation.ts";

/** Most endpoints one user may have. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

/** A new endpoint. */
export const createWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2_000),
  description: plainText().trim().max(200).default(""),
});

/** An endpoint as shown (never with its secret). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** The secret's first characters, to tell secrets apart. */
  secretPrefix: string;
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: string;
}

/** One attempt in the log. */
export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

/** A delivery and its attempts. */
export interface WebhookDelivery {
  id: string;
  notificationId: string | null;
  seq: number;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** Webhook endpoints of the actor. */
export interface WebhooksService {
  list(actor: Actor): Promise<WebhookEndpoint[]>;
  /** Creates an endpoint; the answer is the only time the secret is shown. */
  create(
    actor: Actor,
    input: z.input<typeof createWebhookSchema>,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  /** Deletes it; its waiting deliveries are cancelled. */
  remove(actor: Actor, endpointId: string): Promise<void>;
  /** Turns it on (resetting failures) or off. */
  setEnabled(actor: Actor, endpointId: string, enabled: boolean): Promise<WebhookEndpoint>;
  /** The delivery log, newest first. */
  deliveries(
    actor: Actor,
    endpointId: string,
    query?: z.input<typeof pageSchema>,
  ): Promise<Page<WebhookDelivery>>;
}

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    secretPrefix: row.secret.slice(0, 10),
    enabled: row.enabled === 1,
    consecutiveFailures: row.consecutive_failures,
    disabledReason: row.disabled_reason,
    createdAt: isoFromDb(row.created_at),
  };
}

/** Builds the service. */
export function createWebhooksService(context: DomainContext): WebhooksService {
  const { db } = context;

  async function owned(actor: Actor, endpointId: string) {
    if (!z.uuid().safeParse(endpointId).success) throw new NotFoundError("webhook");
    const row = await db.kysely.selectFrom("webhook_endpoints").selectAll()
      .where("id", "=", endpointId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("webhook");
    return row;
  }

  return {
    async list(actor) {
      const rows = await db.kysely.selectFrom("webhook_endpoints").selectAll()
        .where("user_id", "=", actor.userId).where("deleted_at", "is", null)
        .orderBy("created_at").execute();
      return rows.map(toEndpoint);
    },

    async create(actor, input) {
      const fields = parseInput(createWebhookSchema, input);
      const count = await db.kysely.selectFrom("webhook_endpoints")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("user_id", "=", actor.userId).where("deleted_at", "is", null)
        .executeTakeFirstOrThrow();
      if (Number(count.count) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new ValidationError([{
          field: "url",
          message: `at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints`,
        }]);
      }
      const now = nowForDb(context);
      const secret = `whsec_${randomSecret(32)}`;
      const row = {
        id: context.ids(),
        user_id: actor.userId,
        url: fields.url,
        description: fields.description,
        secret,
        enabled: 1,
        consecutive_failures: 0,
        disabled_reason: null,
        next_seq: 1,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await db.kysely.insertInto("webhook_endpoints").values(row).execute();
      return { endpoint: toEndpoint(row), secret };
    },

    async remove(actor, endpointId) {
      await owned(actor, endpointId);
      const now = nowForDb(context);
      await db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable("webhook_endpoints").set({ deleted_at: now, updated_at: now })
          .where("id", "=", endpointId).execute();
        await trx.updateTable("notification_deliveries")
          .set({ status: "cancelled", updated_at: now })
          .where("endpoint_id", "=", endpointId).where("status", "=", "pending").execute();
      });
    },

    async setEnabled(actor, endpointId, enabled) {
      await owned(actor, endpointId);
      await db.kysely.updateTable("webhook_endpoints")
        .set({
          enabled: enabled ? 1 : 0,
          consecutive_failures: 0,
          disabled_reason: enabled ? null : "turned off",
          updated_at: nowForDb(context),
        })
        .where("id", "=", endpointId).execute();
      return toEndpoint(await owned(actor, endpointId));
    },

    async deliveries(actor, endpointId, query = {}) {
      await owned(actor, endpointId);
      const page = parseInput(pageSchema, query);
      const result = await paginate(
        db.kysely.selectFrom("notification_deliveries").where("endpoint_id", "=", endpointId),
        page,
        (q) => q.selectAll().orderBy("seq", "desc"),
        (row: Selectable<NotificationDeliveriesTable>) => row,
      );
      const ids = result.items.map((row) => row.id);
      const attempts = ids.length === 0 ? [] : await db.kysely
        .selectFrom("notification_delivery_attempts").selectAll()
        .where("delivery_id", "in", ids).orderBy("attempt").execute();
      return {
        ...result,
        items: result.items.map((row) => ({
          id: row.id,
          notificationId: row.notification_id,
          seq: Number(row.seq),
          status: row.status,
          attempts: attempts.filter((attempt) => attempt.delivery_id === row.id).map((a) => ({
            attempt: a.attempt,
            statusCode: a.status_code,
            error: a.error,
            durationMs: a.duration_ms,
            at: isoFromDb(a.created_at),
          })),
          nextAttemptAt: row.status === "pending" ? isoFromDb(row.next_attempt_at) : null,
          deliveredAt: isoFromDbOrNull(row.delivered_at),
          createdAt: isoFromDb(row.created_at),
        })),
      };
    },
  };
}
