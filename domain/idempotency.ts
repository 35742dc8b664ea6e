/**
 * Replay records for side-effecting operations: REST `Idempotency-Key` requests (scope = method
 * and route) and agent tool-call effects (scope = tool, key = `run id:tool call id`). The first
 * caller `begin`s, performs the effect and `complete`s with its response; a later caller with the
 * same key gets the stored response instead of a second effect.
 *
 * @module
 */
import { z } from "zod";
import { isUniqueViolation } from "../db/errors.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { sha256Hex } from "./secrets.ts";
import { parseInput } from "./validation.ts";

/** How long a completed record replays. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** An operation still `in_progress` after this long is presumed dead and may be retried. */
export const IN_PROGRESS_TIMEOUT_MS = 5 * 60_000;

const recordKeySchema = z.object({
  scope: z.string().min(1).max(128),
  key: z.string().min(1).max(255),
});

/** Input of `idempotency.begin`. */
export const beginIdempotentSchema = recordKeySchema.extend({
  /** `requestHash(...)` of the request; the same key with another hash is a conflict. */
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
});
/** Input of `idempotency.begin`. */
export type BeginIdempotentInput = z.input<typeof beginIdempotentSchema>;

/** Input of `idempotency.complete`. */
export const completeIdempotentSchema = recordKeySchema.extend({
  responseStatus: z.number().int().min(100).max(599),
  responseBody: z.unknown(),
});
/** Input of `idempotency.complete`. */
export type CompleteIdempotentInput = z.input<typeof completeIdempotentSchema>;

/** Input of `idempotency.abandon`. */
export type IdempotencyRecordKey = z.input<typeof recordKeySchema>;

/** Outcome of `begin`: go ahead, or replay what the first request answered. */
export type IdempotentStart =
  | { state: "started" }
  | { state: "replay"; responseStatus: number; responseBody: unknown; completedAt: string };

/** Idempotency service. */
export interface IdempotencyService {
  /**
   * Claims `key` for this request. `ConflictError` when the key was used with a different
   * request or the first request is still running.
   */
  begin(actor: Actor, input: BeginIdempotentInput): Promise<IdempotentStart>;
  /** Stores the response of a started operation. */
  complete(actor: Actor, input: CompleteIdempotentInput): Promise<void>;
  /** Releases a started operation that failed without effect, so a retry may run it. */
  abandon(actor: Actor, input: IdempotencyRecordKey): Promise<void>;
}

/** SHA-256 hex of a request's identifying parts (method, path, body…), for `begin`. */
export function requestHash(parts: unknown): Promise<string> {
  return sha256Hex(JSON.stringify(parts));
}

/** Builds the idempotency service. */
export function createIdempotencyService(
  context: DomainContext,
  { ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS }: { ttlMs?: number } = {},
): IdempotencyService {
  const { db } = context;

  function recordOf(actor: Actor, scope: string, key: string) {
    return db.kysely.selectFrom("idempotency_keys").selectAll()
      .where("user_id", "=", actor.userId).where("scope", "=", scope)
      .where("idempotency_key", "=", key);
  }

  async function insert(actor: Actor, input: z.output<typeof beginIdempotentSchema>) {
    const now = context.clock.now();
    await db.kysely.insertInto("idempotency_keys").values({
      id: context.ids(),
      user_id: actor.userId,
      scope: input.scope,
      idempotency_key: input.key,
      request_hash: input.requestHash,
      status: "in_progress",
      response_status: null,
      response_body: null,
      expires_at: toDbTimestamp(new Date(now.getTime() + ttlMs)),
      created_at: toDbTimestamp(now),
      updated_at: toDbTimestamp(now),
    }).execute();
  }

  return {
    async begin(actor, input) {
      const parsed = parseInput(beginIdempotentSchema, input);
      try {
        await insert(actor, parsed);
        return { state: "started" };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await recordOf(actor, parsed.scope, parsed.key).executeTakeFirstOrThrow();
      const now = context.clock.now();
      const expired = existing.expires_at <= toDbTimestamp(now);
      const abandoned = existing.status === "in_progress" &&
        existing.updated_at <= toDbTimestamp(new Date(now.getTime() - IN_PROGRESS_TIMEOUT_MS));
      if (expired || abandoned) {
        // Take over only if nobody else did in the meantime (same row version).
        const taken = await db.kysely.updateTable("idempotency_keys")
          .set({
            request_hash: parsed.requestHash,
            status: "in_progress",
            response_status: null,
            response_body: null,
            expires_at: toDbTimestamp(new Date(now.getTime() + ttlMs)),
            updated_at: toDbTimestamp(now),
          })
          .where("id", "=", existing.id).where("updated_at", "=", existing.updated_at)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) return { state: "started" };
        throw new ConflictError("a request with this idempotency key is in progress");
      }
      if (existing.request_hash !== parsed.requestHash) {
        throw new ConflictError("idempotency key was already used for a different request");
      }
      if (existing.status === "in_progress" || existing.response_status === null) {
        throw new ConflictError("a request with this idempotency key is in progress");
      }
      return {
        state: "replay",
        responseStatus: existing.response_status,
        responseBody: fromDbJson(existing.response_body),
        completedAt: isoFromDb(existing.updated_at),
      };
    },

    async complete(actor, input) {
      const parsed = parseInput(completeIdempotentSchema, input);
      const result = await db.kysely.updateTable("idempotency_keys")
        .set({
          status: "completed",
          response_status: parsed.responseStatus,
          response_body: toDbJson(parsed.responseBody),
          updated_at: nowForDb(context),
        })
        .where("user_id", "=", actor.userId).where("scope", "=", parsed.scope)
        .where("idempotency_key", "=", parsed.key).where("status", "=", "in_progress")
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new NotFoundError("idempotent operation");
    },

    async abandon(actor, input) {
      const { scope, key } = parseInput(recordKeySchema, input);
      await db.kysely.deleteFrom("idempotency_keys")
        .where("user_id", "=", actor.userId).where("scope", "=", scope)
        .where("idempotency_key", "=", key).where("status", "=", "in_progress")
        .execute();
    },
  };
}
