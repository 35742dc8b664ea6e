/**
 * The change history: every change the write gateway applied, with who made it (a person or
 * which software: run, rule, API token, MCP client, rollback), the fields before and after, what
 * the ad platform answered, and the idempotency key. Written in the same transaction as the change
 * itself, so history and campaigns never disagree.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { CampaignChangesTable, ChangeActorKind } from "../db/schema.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import type { BudgetHistoryEntry } from "./autopilot_limits.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { type Page, pageSchema, paginate } from "./pagination.ts";
import { parseInput } from "./validation.ts";

/** Every actor kind, people first. */
export const CHANGE_ACTOR_KINDS = [
  "user",
  "api_token",
  "assistant",
  "mcp_client",
  "rule",
  "rollback",
] as const satisfies readonly ChangeActorKind[];

/**
 * Actor kinds that are software acting on its own: subject to approvals and the autopilot
 * limits. A rollback is not: a person asked for it (a rollback software asks for is approved
 * before it starts).
 */
export function isAutomated(kind: ChangeActorKind): boolean {
  return kind !== "user" && kind !== "rollback";
}

/** A field's value before and after a change (`null` before a creation). */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** One applied change. */
export interface ChangeRecord {
  id: string;
  adAccountId: string;
  /** Null for a change to the ad account itself (renamed, disconnected). */
  campaignId: string | null;
  /** 1, 2, … per campaign (or per ad account, for its own changes), in the order made. */
  seq: number;
  operation: string;
  actorKind: ChangeActorKind;
  /** Run id, rule id, API token id, rollback id; null for a person. */
  sourceId: string | null;
  approvalId: string | null;
  fields: Record<string, FieldChange>;
  platformResponse: Record<string, unknown>;
  idempotencyKey: string | null;
  createdAt: string;
}

/** A campaign named in the history. */
export interface ChangedCampaign {
  id: string;
  adAccountId: string;
  name: string;
  deleted: boolean;
}

/** What `record` stores (id, sequence and time are assigned). */
export type NewChange = Omit<ChangeRecord, "id" | "seq" | "createdAt">;

/** Query of `list`. */
export const listChangesSchema = pageSchema.extend({
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  actorKind: z.enum(CHANGE_ACTOR_KINDS).optional(),
  /** A run, rule, token or rollback id. */
  sourceId: z.string().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
/** Query of `list`. */
export type ListChangesQuery = z.input<typeof listChangesSchema>;

/** Reading and writing the history. */
export interface ChangeHistory {
  /** Stores one change of `actor`'s on `on` (the change's own transaction); returns its id. */
  record(on: Queryable, actor: Actor, change: NewChange): Promise<string>;
  /** The actor's changes, newest first. */
  list(actor: Actor, query?: ListChangesQuery): Promise<Page<ChangeRecord>>;
  /**
   * The actor's campaigns by name, deleted ones too (marked), for the history page's campaign
   * filter and the names of its rows: those with `ids`, else the first `limit` (default 500).
   * Read from the campaigns table alone, so its cost does not grow with the history.
   */
  historyCampaigns(
    actor: Actor,
    options?: { ids?: readonly string[]; limit?: number },
  ): Promise<ChangedCampaign[]>;
  /** The actor's changes with these ids, oldest first (unknown ids are left out). */
  byIds(actor: Actor, ids: readonly string[], on?: Queryable): Promise<ChangeRecord[]>;
  /** The latest change of each field of `campaignId`, for "changed since by whom". */
  latestByField(on: Queryable, campaignId: string): Promise<Map<string, ChangeRecord>>;
  /** Budget amount changes of `campaignId` applied after `since`. */
  budgetHistory(on: Queryable, campaignId: string, since: Date): Promise<BudgetHistoryEntry[]>;
  /** The same for several campaigns in one query, by campaign id (absent: no changes). */
  budgetHistories(
    on: Queryable,
    campaignIds: readonly string[],
    since: Date,
  ): Promise<Map<string, BudgetHistoryEntry[]>>;
}

/** Builds the history. */
export function createChangeHistory(context: DomainContext): ChangeHistory {
  const { db } = context;

  async function byIds(actor: Actor, ids: readonly string[], on: Queryable = db.kysely) {
    if (ids.length === 0) return [];
    const rows = await on.selectFrom("campaign_changes").selectAll()
      .where("user_id", "=", actor.userId).where("id", "in", [...ids])
      .orderBy("created_at", "asc").orderBy("seq", "asc").execute();
    return rows.map(changeRecordOf);
  }

  return {
    async record(on, actor, change) {
      const id = context.ids();
      const now = nowForDb(context);
      // The writer holds its account's lock, so no other change of this campaign interleaves.
      const last = await on.selectFrom("campaign_changes")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .$if(change.campaignId !== null, (q) => q.where("campaign_id", "=", change.campaignId))
        .$if(
          change.campaignId === null,
          (q) => q.where("campaign_id", "is", null).where("ad_account_id", "=", change.adAccountId),
        )
        .executeTakeFirst();
      await on.insertInto("campaign_changes").values({
        id,
        user_id: actor.userId,
        ad_account_id: change.adAccountId,
        campaign_id: change.campaignId,
        seq: Number(last?.seq ?? 0) + 1,
        operation: change.operation,
        actor_kind: change.actorKind,
        source_id: change.sourceId,
        approval_id: change.approvalId,
        fields: toDbJson(change.fields),
        platform_response: toDbJson(change.platformResponse),
        idempotency_key: change.idempotencyKey,
        created_at: now,
        updated_at: now,
      }).execute();
      return id;
    },

    async list(actor, input = {}) {
      const query = parseInput(listChangesSchema, input);
      const scoped = db.kysely.selectFrom("campaign_changes")
        .where("user_id", "=", actor.userId)
        .$if(
          query.adAccountId !== undefined,
          (q) => q.where("ad_account_id", "=", query.adAccountId!),
        )
        .$if(query.campaignId !== undefined, (q) => q.where("campaign_id", "=", query.campaignId!))
        .$if(query.actorKind !== undefined, (q) => q.where("actor_kind", "=", query.actorKind!))
        .$if(query.sourceId !== undefined, (q) => q.where("source_id", "=", query.sourceId!))
        .$if(
          query.from !== undefined,
          (q) => q.where("created_at", ">=", toDbTimestamp(new Date(query.from!))),
        )
        .$if(
          query.to !== undefined,
          (q) => q.where("created_at", "<", toDbTimestamp(new Date(query.to!))),
        );
      return await paginate(
        scoped,
        query,
        (q) => q.selectAll().orderBy("created_at", "desc").orderBy("seq", "desc").orderBy("id"),
        changeRecordOf,
      );
    },

    byIds,

    async historyCampaigns(actor, options = {}) {
      if (options.ids?.length === 0) return [];
      const rows = await db.kysely.selectFrom("campaigns")
        .select(["id", "ad_account_id", "name", "deleted_at"])
        .where("user_id", "=", actor.userId)
        .$if(options.ids !== undefined, (q) => q.where("id", "in", [...options.ids!]))
        .orderBy("name").orderBy("id").limit(options.ids?.length ?? options.limit ?? 500)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        adAccountId: row.ad_account_id,
        name: row.name,
        deleted: row.deleted_at !== null,
      }));
    },

    async latestByField(on, campaignId) {
      const rows = await on.selectFrom("campaign_changes").selectAll()
        .where("campaign_id", "=", campaignId).orderBy("seq", "asc").execute();
      const latest = new Map<string, ChangeRecord>();
      for (const record of rows.map(changeRecordOf)) {
        for (const field of Object.keys(record.fields)) latest.set(field, record);
      }
      return latest;
    },

    async budgetHistory(on, campaignId, since) {
      const rows = await on.selectFrom("campaign_changes").selectAll()
        .where("campaign_id", "=", campaignId)
        .where("created_at", ">", toDbTimestamp(since)).orderBy("seq").execute();
      // In the order made: a stable sort by time keeps it for changes in the same millisecond.
      return rows.map(changeRecordOf).flatMap(budgetEntry);
    },

    async budgetHistories(on, campaignIds, since) {
      const histories = new Map<string, BudgetHistoryEntry[]>();
      if (campaignIds.length === 0) return histories;
      const rows = await on.selectFrom("campaign_changes").selectAll()
        .where("campaign_id", "in", [...campaignIds])
        .where("created_at", ">", toDbTimestamp(since))
        .orderBy("campaign_id").orderBy("seq").execute();
      for (const record of rows.map(changeRecordOf)) {
        const entries = budgetEntry(record);
        if (entries.length === 0 || record.campaignId === null) continue;
        const list = histories.get(record.campaignId) ?? [];
        list.push(...entries);
        histories.set(record.campaignId, list);
      }
      return histories;
    },
  };
}

/** A change's budget amount change as history the cumulative limits read (none otherwise). */
function budgetEntry(record: ChangeRecord): BudgetHistoryEntry[] {
  const budget = record.fields.budgetAmountMinor;
  if (!budget || typeof budget.before !== "number" || typeof budget.after !== "number") {
    return [];
  }
  return [{
    at: new Date(record.createdAt),
    automated: isAutomated(record.actorKind),
    beforeMinor: budget.before,
    afterMinor: budget.after,
  }];
}

/** A history row as a `ChangeRecord`. */
export function changeRecordOf(row: Selectable<CampaignChangesTable>): ChangeRecord {
  return {
    id: row.id,
    adAccountId: row.ad_account_id,
    campaignId: row.campaign_id,
    seq: row.seq,
    operation: row.operation,
    actorKind: row.actor_kind,
    sourceId: row.source_id,
    approvalId: row.approval_id,
    fields: fromDbJson(row.fields) as Record<string, FieldChange>,
    platformResponse: fromDbJson(row.platform_response) as Record<string, unknown>,
    idempotencyKey: row.idempotency_key,
    createdAt: isoFromDb(row.created_at),
  };
}
