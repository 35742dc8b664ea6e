/**
 * Replay records for side-effecting operations: REST `Idempotency-Key` requests (scope = method
 * and route) and MCP tool-call effects (scope = tool, key = the caller's key; the agent's is
 * `run id:tool call id`). The first caller `begin`s and gets a claim (a fresh claim token); a
 * later caller with the same key gets the stored response instead of a second effect. A claim is
 * finished one of two ways:
 *
 * - `runOnce` (MCP tool calls): the operation's database writes and the completion of the record
 *   commit in one transaction, and only while the claim is still the caller's (`in_progress`,
 *   same claim token) — otherwise the writes roll back. So an `in_progress` record never hides an
 *   applied database effect, and such callers `begin` with `takeOverInProgress`: a retry after a
 *   crash, or a second attempt racing a first, takes the claim over at once, and the superseded
 *   attempt can no longer commit. What happens outside the database (the ad platform call) runs
 *   before that transaction and is repeated by a retry under the same `platformRequestKey`,
 *   which the platform deduplicates. Callers that must not run twice concurrently (REST) claim
 *   with an owner lease instead (`leaseMs`, extended by `heartbeat`): the claim is taken over
 *   only once its lease has lapsed, i.e. when its owner crashed or hangs.
 * - `complete` (REST requests whose handlers commit their effects on their own first): a crash
 *   between the effect and `complete` leaves the record `in_progress` with the effect applied and
 *   its response lost. With a lease, a retry takes such a claim over once it lapsed and runs the
 *   operation again, so only operations that are idempotent on their own may finish this way
 *   with a lease. Without one (claims made before leases existed) nothing takes the claim over
 *   before it expires — the same key answers 409 until then.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { forUpdate, lockingTransaction } from "../db/locking.ts";
import type { DB, IdempotencyKeysTable } from "../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { sha256Hex } from "./secrets.ts";
import { parseInput } from "./validation.ts";

/** How long a record replays; after that its key counts as new (any claim on it is dropped). */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** Why a key is refused while another caller holds its claim (a `ConflictError`, 409). */
export const CLAIM_HELD_MESSAGE = "a request with this idempotency key is in progress";

const recordKeySchema = z.object({
  scope: z.string().min(1).max(128),
  key: z.string().min(1).max(255),
});
/** Which record: scope and key (per user). */
export type IdempotencyRecordKey = z.input<typeof recordKeySchema>;

/** Input of `idempotency.begin`. */
export const beginIdempotentSchema = recordKeySchema.extend({
  /** `requestHash(...)` of the request; the same key with another hash is a conflict. */
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
});
/** Input of `idempotency.begin`. */
export type BeginIdempotentInput = z.input<typeof beginIdempotentSchema>;

/** Options of `idempotency.begin`. */
export interface BeginIdempotentOptions {
  /**
   * Take over a claim still `in_progress` for the same request instead of answering 409. Only for
   * callers that finish with `runOnce`, whose effects commit together with their completion.
   */
  takeOverInProgress?: boolean;
  /**
   * Gives the claim an owner lease of this many ms, which the owner extends with `heartbeat`
   * while it works; once it has lapsed a later `begin` of the same request takes the claim over
   * (its owner is gone). Only for callers that finish with `runOnce`, or whose operation is
   * idempotent on its own (running it again applies nothing twice).
   */
  leaseMs?: number;
}

const claimSchema = recordKeySchema.extend({ claimToken: z.string().min(1).max(36) });
/** A claim `begin` handed out: the record plus the token proving who holds it. */
export type IdempotencyClaim = z.input<typeof claimSchema>;

const storedResponseSchema = z.object({
  responseStatus: z.number().int().min(100).max(599),
  responseBody: z.unknown(),
});
/** A response as stored for replays. */
export interface StoredResponse<Body = unknown> {
  responseStatus: number;
  responseBody: Body;
}

/** Input of `idempotency.complete`. */
export const completeIdempotentSchema = claimSchema.extend(storedResponseSchema.shape);
/** Input of `idempotency.complete`. */
export type CompleteIdempotentInput = z.input<typeof completeIdempotentSchema>;

/** What the first request answered, to be returned instead of running again. */
export interface IdempotentReplay {
  state: "replay";
  responseStatus: number;
  responseBody: unknown;
  completedAt: string;
}

/** Outcome of `begin`: go ahead holding `claimToken`, or replay what the first request answered. */
export type IdempotentStart = { state: "started"; claimToken: string } | IdempotentReplay;

/** Outcome of `runOnce`: committed with this caller's response, or another attempt's to replay. */
export type RunOnceOutcome<Body> =
  | { state: "completed"; response: StoredResponse<Body> }
  | IdempotentReplay;

/** Idempotency service. */
export interface IdempotencyService {
  /**
   * Claims `key` for this request. `ConflictError` when the key was used with a different
   * request, or the first request still holds it (unless `takeOverInProgress`).
   */
  begin(
    actor: Actor,
    input: BeginIdempotentInput,
    options?: BeginIdempotentOptions,
  ): Promise<IdempotentStart>;
  /**
   * Runs `effect` (database writes through `trx` only, returning the response to store) and
   * completes `claim` with its response in one transaction, if the claim is still held: else
   * nothing commits, and the outcome is the response of whoever completed the record meanwhile,
   * or `ConflictError` while another attempt still holds it. An effect that throws rolls back
   * and the error propagates; the claim stays held (`abandon` releases it).
   */
  runOnce<Body>(
    actor: Actor,
    claim: IdempotencyClaim,
    effect: (trx: Transaction<DB>) => Promise<StoredResponse<Body>>,
  ): Promise<RunOnceOutcome<Body>>;
  /** Stores the response of a claimed operation; `NotFoundError` if the claim is not held. */
  complete(actor: Actor, input: CompleteIdempotentInput): Promise<void>;
  /** Releases a claimed operation that failed without effect, so a retry may run it. */
  abandon(actor: Actor, claim: IdempotencyClaim): Promise<void>;
  /**
   * Extends the owner lease of a claim `begin` gave one to `leaseMs` from now. False when the
   * claim is no longer held (completed, released or taken over).
   */
  heartbeat(actor: Actor, claim: IdempotencyClaim, leaseMs: number): Promise<boolean>;
}

/** SHA-256 hex of a request's identifying parts (method, path, body…), for `begin`. */
export function requestHash(parts: unknown): Promise<string> {
  return sha256Hex(JSON.stringify(parts));
}

/**
 * The request key an operation recorded under `record` passes to the ad platform: the same for
 * every attempt of it, distinct across users, scopes and keys (the agent reuses a key across
 * tools), 64 hex characters to fit platforms' request-id fields.
 */
export function platformRequestKey(actor: Actor, record: IdempotencyRecordKey): Promise<string> {
  return sha256Hex(JSON.stringify([actor.userId, record.scope, record.key]));
}

type RecordRow = Selectable<IdempotencyKeysTable>;

/** Thrown inside `runOnce`'s transaction to roll it back when the claim is no longer held. */
class ClaimLost extends Error {}

/** Builds the idempotency service. */
export function createIdempotencyService(
  context: DomainContext,
  { ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS }: { ttlMs?: number } = {},
): IdempotencyService {
  const { db } = context;

  function recordOf(on: Queryable, actor: Actor, record: IdempotencyRecordKey) {
    return on.selectFrom("idempotency_keys").selectAll()
      .where("user_id", "=", actor.userId).where("scope", "=", record.scope)
      .where("idempotency_key", "=", record.key);
  }

  function expiryFrom(now: Date): string {
    return toDbTimestamp(new Date(now.getTime() + ttlMs));
  }

  function leaseFrom(now: Date, leaseMs: number | undefined): string | null {
    return leaseMs === undefined ? null : toDbTimestamp(new Date(now.getTime() + leaseMs));
  }

  /** Whether an in-progress `row` may be taken over (its effect cannot have committed alone). */
  function mayTakeOver(row: RecordRow, takeOverInProgress: boolean): boolean {
    // NULL token: claimed before effects committed with their completion, so it may hide one.
    if (row.claim_token === null) return false;
    if (takeOverInProgress) return true;
    return row.lease_expires_at !== null && row.lease_expires_at <= nowForDb(context);
  }

  async function insert(
    actor: Actor,
    input: z.output<typeof beginIdempotentSchema>,
    claimToken: string,
    leaseMs: number | undefined,
  ) {
    const now = context.clock.now();
    await db.kysely.insertInto("idempotency_keys").values({
      id: context.ids(),
      user_id: actor.userId,
      scope: input.scope,
      idempotency_key: input.key,
      request_hash: input.requestHash,
      status: "in_progress",
      claim_token: claimToken,
      lease_expires_at: leaseFrom(now, leaseMs),
      response_status: null,
      response_body: null,
      expires_at: expiryFrom(now),
      created_at: toDbTimestamp(now),
      updated_at: toDbTimestamp(now),
    }).execute();
  }

  /**
   * Gives `existing` to a new claimant, if it is unchanged since it was read: every change of a
   * record alters its status (completion) or its claim token (a takeover).
   */
  async function takeOver(
    existing: RecordRow,
    requestHash: string,
    claimToken: string,
    leaseMs: number | undefined,
  ) {
    const now = context.clock.now();
    const result = await db.kysely.updateTable("idempotency_keys")
      .set({
        request_hash: requestHash,
        status: "in_progress",
        claim_token: claimToken,
        lease_expires_at: leaseFrom(now, leaseMs),
        response_status: null,
        response_body: null,
        expires_at: expiryFrom(now),
        updated_at: toDbTimestamp(now),
      })
      .where("id", "=", existing.id).where("status", "=", existing.status)
      .where((eb) =>
        existing.claim_token === null
          ? eb("claim_token", "is", null)
          : eb("claim_token", "=", existing.claim_token)
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The stored response of `row` if it is a live, completed record of the same request. */
  function replayOf(row: RecordRow | undefined, requestHash?: string): IdempotentReplay | null {
    if (
      row?.status !== "completed" || row.response_status === null ||
      row.expires_at <= nowForDb(context) ||
      (requestHash !== undefined && row.request_hash !== requestHash)
    ) {
      return null;
    }
    return {
      state: "replay",
      responseStatus: row.response_status,
      responseBody: fromDbJson(row.response_body),
      completedAt: isoFromDb(row.updated_at),
    };
  }

  return {
    async begin(actor, input, { takeOverInProgress = false, leaseMs } = {}) {
      const parsed = parseInput(beginIdempotentSchema, input);
      const claimToken = context.ids();
      try {
        await insert(actor, parsed, claimToken, leaseMs);
        return { state: "started", claimToken };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await recordOf(db.kysely, actor, parsed).executeTakeFirst();
      // Released (`abandon`) since the insert failed: the caller may simply retry.
      if (!existing) throw new ConflictError(CLAIM_HELD_MESSAGE);
      // An expired record is over, whatever it was: the key counts as new.
      if (existing.expires_at > nowForDb(context)) {
        if (existing.request_hash !== parsed.requestHash) {
          throw new ConflictError("idempotency key was already used for a different request");
        }
        const replay = replayOf(existing);
        if (replay) return replay;
        if (!mayTakeOver(existing, takeOverInProgress)) throw new ConflictError(CLAIM_HELD_MESSAGE);
      }
      if (await takeOver(existing, parsed.requestHash, claimToken, leaseMs)) {
        return { state: "started", claimToken };
      }
      // Changed since read: completed by its holder (replay it), or claimed by someone else.
      const current = await recordOf(db.kysely, actor, parsed).executeTakeFirst();
      const replay = replayOf(current, parsed.requestHash);
      if (replay) return replay;
      throw new ConflictError(CLAIM_HELD_MESSAGE);
    },

    async runOnce(actor, claim, effect) {
      const parsed = parseInput(claimSchema, claim);
      try {
        const response = await lockingTransaction(db, async (trx) => {
          // The record is locked first, so a takeover racing this commit waits for it and then
          // finds the record completed (MySQL; SQLite runs transactions one at a time anyway).
          const held = await forUpdate(
            recordOf(trx, actor, parsed).where("status", "=", "in_progress")
              .where("claim_token", "=", parsed.claimToken),
            db.dialect,
          ).executeTakeFirst();
          if (!held) throw new ClaimLost();
          const result = await effect(trx);
          const stored = parseInput(storedResponseSchema, result);
          await trx.updateTable("idempotency_keys")
            .set({
              status: "completed",
              lease_expires_at: null,
              response_status: stored.responseStatus,
              response_body: toDbJson(stored.responseBody),
              updated_at: nowForDb(context),
            })
            .where("id", "=", held.id).execute();
          return result;
        });
        return { state: "completed", response };
      } catch (error) {
        if (!(error instanceof ClaimLost)) throw error;
      }
      const replay = replayOf(await recordOf(db.kysely, actor, parsed).executeTakeFirst());
      if (replay) return replay;
      throw new ConflictError(CLAIM_HELD_MESSAGE);
    },

    async complete(actor, input) {
      const parsed = parseInput(completeIdempotentSchema, input);
      const result = await db.kysely.updateTable("idempotency_keys")
        .set({
          status: "completed",
          lease_expires_at: null,
          response_status: parsed.responseStatus,
          response_body: toDbJson(parsed.responseBody),
          updated_at: nowForDb(context),
        })
        .where("user_id", "=", actor.userId).where("scope", "=", parsed.scope)
        .where("idempotency_key", "=", parsed.key).where("status", "=", "in_progress")
        .where("claim_token", "=", parsed.claimToken)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new NotFoundError("idempotent operation");
    },

    async abandon(actor, claim) {
      const { scope, key, claimToken } = parseInput(claimSchema, claim);
      await db.kysely.deleteFrom("idempotency_keys")
        .where("user_id", "=", actor.userId).where("scope", "=", scope)
        .where("idempotency_key", "=", key).where("status", "=", "in_progress")
        .where("claim_token", "=", claimToken)
        .execute();
    },

    async heartbeat(actor, claim, leaseMs) {
      const { scope, key, claimToken } = parseInput(claimSchema, claim);
      const result = await db.kysely.updateTable("idempotency_keys")
        .set({ lease_expires_at: leaseFrom(context.clock.now(), leaseMs) })
        .where("user_id", "=", actor.userId).where("scope", "=", scope)
        .where("idempotency_key", "=", key).where("status", "=", "in_progress")
        .where("claim_token", "=", claimToken)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
