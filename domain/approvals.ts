/**
 * Approvals as first-class records. When software (the assistant, an MCP client, an API token,
 * a rule) asks the write gateway for a change that needs a person's approval, the gateway holds
 * the change here instead of making it. A signed-in person approves or rejects it — in the web
 * app, never through anything software can call — and the requester completes it by retrying
 * (with the same idempotency key, or naming the approval id). The approved change runs at most
 * once: the record is marked used in the change's own transaction.
 *
 * An approval binds the exact operation (a digest of it) and the preview the person saw (a
 * digest too): if the campaign changed since, the retry is refused and asks again. Pending
 * requests expire (default 24 hours).
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { ApprovalsTable, ApprovalStatus, ChangeActorKind } from "../db/schema.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { isoFromDb, isoFromDbOrNull, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import type { ApprovalPreview } from "./approval.ts";
import { announceAttention } from "./attention.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { type Page, pageSchema, paginate } from "./pagination.ts";
import { parseInput } from "./validation.ts";

/** How long a request waits for a person unless configured otherwise. */
export const DEFAULT_APPROVAL_TTL_MS = 24 * 3_600_000;

/** Every status. */
export const APPROVAL_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "expired",
  "used",
] as const satisfies readonly ApprovalStatus[];

/** An approval request as people and clients see it. */
export interface Approval {
  id: string;
  /** Where a person approves it, relative to the app's public URL. */
  path: string;
  status: ApprovalStatus;
  requester: { kind: ChangeActorKind; id: string | null };
  adAccountId: string | null;
  /** The operation that runs once approved (the gateway's own terms). */
  operation: Record<string, unknown>;
  reason: string;
  rules: string[];
  preview: ApprovalPreview;
  idempotencyKey: string | null;
  createdAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  usedAt: string | null;
}

/** What the gateway holds. */
export interface HoldRequest {
  requester: { kind: ChangeActorKind; id: string | null };
  adAccountId: string | null;
  operation: Record<string, unknown>;
  operationDigest: string;
  preview: ApprovalPreview;
  previewDigest: string;
  reason: string;
  rules: string[];
  idempotencyKey: string | null;
}

/** Query of `list`. */
export const listApprovalsSchema = pageSchema.extend({
  status: z.enum(APPROVAL_STATUSES).optional(),
});
/** Query of `list`. */
export type ListApprovalsQuery = z.input<typeof listApprovalsSchema>;

/** A stored approval row. */
export type ApprovalRow = Selectable<ApprovalsTable>;

/** People's side: list, read, decide. */
export interface ApprovalsService {
  /**
   * Newest first; with `pendingFirst`, the requests still waiting for a decision come before
   * all others (the approvals page).
   */
  list(
    actor: Actor,
    query?: ListApprovalsQuery,
    options?: { pendingFirst?: boolean },
  ): Promise<Page<Approval>>;
  /** Pending requests not yet expired, for the badge. */
  countPending(actor: Actor): Promise<number>;
  get(actor: Actor, approvalId: string): Promise<Approval>;
  /**
   * A signed-in person's decision. Callers must make sure `actor` is a person (a browser
   * session), never an API token or MCP client. `ConflictError` unless pending and unexpired.
   */
  decide(actor: Actor, approvalId: string, decision: "approve" | "reject"): Promise<Approval>;
}

/** The gateway's side: hold, find for a retry, use once. */
export interface ApprovalLedger {
  /** The pending request for the same requester and operation, or a new one. */
  hold(on: Queryable, actor: Actor, request: HoldRequest): Promise<ApprovalRow>;
  /** The request a retry refers to: by id, else by the requester's idempotency key. */
  find(
    on: Queryable,
    actor: Actor,
    by: { approvalId?: string; requester: HoldRequest["requester"]; idempotencyKey?: string },
  ): Promise<ApprovalRow | undefined>;
  /** Marks an approved request used, in the change's transaction; `ConflictError` if it was. */
  use(on: Queryable, approvalId: string): Promise<void>;
  /**
   * Closes the requester's open request for this operation (pending, or approved by the same
   * person's answer in the chat) as used now, approved by `actor`; its id, or null.
   */
  closeGranted(on: Queryable, actor: Actor, request: HoldRequest): Promise<string | null>;
  /** Effective status: a pending request past its expiry is expired. */
  statusOf(row: ApprovalRow): ApprovalStatus;
}

/** Builds both sides. */
export function createApprovals(
  context: DomainContext,
  options: { ttlMs?: number } = {},
): { service: ApprovalsService; ledger: ApprovalLedger } {
  const { db } = context;
  const ttlMs = options.ttlMs ?? DEFAULT_APPROVAL_TTL_MS;

  function statusOf(row: ApprovalRow): ApprovalStatus {
    if (
      row.status === "pending" && isoFromDb(row.expires_at) <= context.clock.now().toISOString()
    ) {
      return "expired";
    }
    return row.status;
  }

  function toApproval(row: ApprovalRow): Approval {
    return {
      id: row.id,
      path: `/approvals/${row.id}`,
      status: statusOf(row),
      requester: { kind: row.requester_kind, id: row.requester_id },
      adAccountId: row.ad_account_id,
      operation: fromDbJson(row.operation) as Record<string, unknown>,
      reason: row.reason,
      rules: fromDbJson(row.rules) as string[],
      preview: fromDbJson(row.preview) as ApprovalPreview,
      idempotencyKey: row.idempotency_key,
      createdAt: isoFromDb(row.created_at),
      expiresAt: isoFromDb(row.expires_at),
      decidedBy: row.decided_by,
      decidedAt: isoFromDbOrNull(row.decided_at),
      usedAt: isoFromDbOrNull(row.used_at),
    };
  }

  async function load(actor: Actor, approvalId: string, on: Queryable = db.kysely) {
    if (!z.uuid().safeParse(approvalId).success) throw new NotFoundError("approval");
    const row = await on.selectFrom("approvals").selectAll()
      .where("id", "=", approvalId).where("user_id", "=", actor.userId).executeTakeFirst();
    if (!row) throw new NotFoundError("approval");
    return row;
  }

  const pendingNow = () => toDbTimestamp(context.clock.now());

  const service: ApprovalsService = {
    async list(actor, input = {}, options = {}) {
      const query = parseInput(listApprovalsSchema, input);
      const now = pendingNow();
      const scoped = db.kysely.selectFrom("approvals").where("user_id", "=", actor.userId)
        .$if(
          query.status === "pending",
          (q) => q.where("status", "=", "pending").where("expires_at", ">", now),
        )
        .$if(query.status === "expired", (q) =>
          q.where((eb) =>
            eb.or([
              eb("status", "=", "expired"),
              eb.and([eb("status", "=", "pending"), eb("expires_at", "<=", now)]),
            ])
          ))
        .$if(
          query.status !== undefined && query.status !== "pending" && query.status !== "expired",
          (q) => q.where("status", "=", query.status!),
        );
      return await paginate(
        scoped,
        query,
        (q) =>
          q.selectAll()
            .$if(options.pendingFirst === true, (ordered) =>
              ordered.orderBy((eb) =>
                eb.case().when(eb.and([eb("status", "=", "pending"), eb("expires_at", ">", now)]))
                  .then(0).else(1).end()
              ))
            .orderBy("created_at", "desc").orderBy("id", "desc"),
        toApproval,
      );
    },

    async countPending(actor) {
      const row = await db.kysely.selectFrom("approvals")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("user_id", "=", actor.userId).where("status", "=", "pending")
        .where("expires_at", ">", pendingNow()).executeTakeFirstOrThrow();
      return Number(row.total);
    },

    async get(actor, approvalId) {
      return toApproval(await load(actor, approvalId));
    },

    async decide(actor, approvalId, decision) {
      const row = await load(actor, approvalId);
      const status = statusOf(row);
      if (status !== "pending") throw new ConflictError(`this approval request is ${status}`);
      const now = nowForDb(context);
      const result = await db.kysely.updateTable("approvals").set({
        status: decision === "approve" ? "approved" : "rejected",
        decided_by: actor.userId,
        decided_at: now,
        updated_at: now,
      }).where("id", "=", row.id).where("status", "=", "pending")
        .where("expires_at", ">", now).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new ConflictError("this approval request was decided meanwhile");
      }
      await announceAttention(context.coordination, actor.userId);
      return toApproval(await load(actor, approvalId));
    },
  };

  const ledger: ApprovalLedger = {
    statusOf,

    async hold(on, actor, request) {
      const existing = await on.selectFrom("approvals").selectAll()
        .where("user_id", "=", actor.userId)
        .where("operation_digest", "=", request.operationDigest)
        .where("requester_kind", "=", request.requester.kind)
        .where("status", "=", "pending").where("expires_at", ">", pendingNow())
        .orderBy("created_at", "desc").executeTakeFirst();
      if (existing && existing.requester_id === request.requester.id) return existing;
      const now = context.clock.now();
      const row: ApprovalRow = {
        id: context.ids(),
        user_id: actor.userId,
        requester_kind: request.requester.kind,
        requester_id: request.requester.id,
        ad_account_id: request.adAccountId,
        operation: toDbJson(request.operation),
        operation_digest: request.operationDigest,
        preview: toDbJson(request.preview),
        preview_digest: request.previewDigest,
        reason: request.reason,
        rules: toDbJson(request.rules),
        idempotency_key: request.idempotencyKey,
        status: "pending",
        expires_at: toDbTimestamp(new Date(now.getTime() + ttlMs)),
        decided_by: null,
        decided_at: null,
        used_at: null,
        created_at: toDbTimestamp(now),
        updated_at: toDbTimestamp(now),
      };
      await on.insertInto("approvals").values(row).execute();
      // The gateway holds outside any transaction, so the request is visible to readers now.
      await announceAttention(context.coordination, actor.userId);
      return row;
    },

    async find(on, actor, by) {
      if (by.approvalId !== undefined) {
        return await load(actor, by.approvalId, on).catch((error) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        });
      }
      if (by.idempotencyKey === undefined) return undefined;
      return await on.selectFrom("approvals").selectAll()
        .where("user_id", "=", actor.userId)
        .where("requester_kind", "=", by.requester.kind)
        .where("idempotency_key", "=", by.idempotencyKey)
        .orderBy("created_at", "desc").executeTakeFirst();
    },

    async use(on, approvalId) {
      const now = nowForDb(context);
      const result = await on.updateTable("approvals")
        .set({ status: "used", used_at: now, updated_at: now })
        .where("id", "=", approvalId).where("status", "=", "approved").executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new ConflictError("this approval was already used");
      }
    },

    async closeGranted(on, actor, request) {
      const pending = await on.selectFrom("approvals").select(["id", "requester_id"])
        .where("user_id", "=", actor.userId)
        .where("operation_digest", "=", request.operationDigest)
        .where("requester_kind", "=", request.requester.kind)
        .where("status", "in", ["pending", "approved"]).execute();
      const own = pending.find((row) => row.requester_id === request.requester.id);
      if (!own) return null;
      const now = nowForDb(context);
      await on.updateTable("approvals").set({
        status: "used",
        decided_by: actor.userId,
        decided_at: now,
        used_at: now,
        updated_at: now,
      }).where("id", "=", own.id).where("status", "in", ["pending", "approved"]).execute();
      return own.id;
    },
  };

  return { service, ledger };
}
