/**
 * Batch rollback: undo chosen changes from the history — one run's, one rule's, a time range's,
 * or hand-picked ones.
 *
 * The plan (a dry run) says, per campaign and field, what a rollback would do:
 * - `will_restore`: the field still holds what the selected changes left, so it goes back to
 *   what it was before the earliest of them;
 * - `changed_since`: someone changed it after (the current value and who are shown), so it is
 *   left alone;
 * - `already_restored`: it already holds the value it would get;
 * - `not_reversible`: the change cannot be undone (a creation — pause or archive the campaign
 *   instead —, a deletion, leaving `archived`, or a status the state machine cannot return to).
 * With each campaign it reports the spend incurred since the first selected change: money a
 * rollback cannot return.
 *
 * Applying stores the plan with the rollback record and then restores campaign by campaign
 * through the write gateway (actor `rollback`: hard caps and the freeze apply), each campaign's
 * change exactly once: an idempotency claim per campaign commits with the change, and the ad
 * platform deduplicates repeated attempts by the request key. A rollback cut off by a crash is
 * resumed (`resumeInterrupted`) from its stored plan once its lease lapses. A rollback is itself
 * a set of changes in the history (source: the rollback's id), so it can be rolled back too:
 * that returns the campaigns to the state after the original changes.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { ChangeActorKind, RollbacksTable } from "../db/schema.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { isoFromDb, isoFromDbOrNull, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { canonicalJson } from "./approval.ts";
import { canTransition } from "./campaign_status.ts";
import {
  type Campaign,
  type CampaignStatus,
  toCampaign,
  type UpdateCampaignInput,
  updateCampaignSchema,
} from "./campaigns.ts";
import type { ChangeHistory, ChangeRecord } from "./change_history.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { dateOf } from "./dates.ts";
import { DomainError, NotFoundError, ValidationError } from "./errors.ts";
import type { IdempotencyService } from "./idempotency.ts";
import { platformRequestKey, requestHash } from "./idempotency.ts";
import { totalsByCampaign } from "./metrics.ts";
import { parseInput } from "./validation.ts";
import type {
  AppliedChange,
  CampaignOperation,
  ChangeSource,
  WriteGateway,
  WriteRequest,
} from "./write_gateway.ts";
import type { ApprovalPreview } from "./approval.ts";
import type { Approval } from "./approvals.ts";
import type { Queryable } from "../db/database.ts";
import { sha256Hex } from "./secrets.ts";
import { countOf } from "./counts.ts";

/** The fields of a selection (REST builds its body from them; `rollbackSelectionSchema` checks). */
export const rollbackSelectionFields = z.strictObject({
  /** Hand-picked change ids. */
  changeIds: z.array(z.uuid()).min(1).max(1_000).optional(),
  /** Every change of one run, rule, API token, MCP client or rollback. */
  sourceId: z.string().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
});

/** Which changes to undo; at least one of `changeIds`, `sourceId`, or a time range. */
export const rollbackSelectionSchema = rollbackSelectionFields.refine(
  (selection) =>
    selection.changeIds !== undefined || selection.sourceId !== undefined ||
    selection.from !== undefined,
  { message: "choose changeIds, a sourceId or a time range (from)", path: ["changeIds"] },
);
/** Which changes to undo. */
export type RollbackSelection = z.input<typeof rollbackSelectionSchema>;

/** What a rollback does to one field. */
export type FieldPlan =
  & { campaignId: string; campaignName: string; field: string; before: unknown }
  & (
    | { outcome: "will_restore"; current: unknown }
    | { outcome: "already_restored" }
    | {
      outcome: "changed_since";
      current: unknown;
      changedBy: { actorKind: ChangeActorKind; sourceId: string | null; at: string };
    }
    | { outcome: "not_reversible"; reason: string }
  );

/** A rollback's plan: every field's outcome and the spend it cannot return. */
export interface RollbackPlan {
  changeIds: string[];
  fields: FieldPlan[];
  /**
   * Selected changes to ad accounts themselves (renamed, disconnected): left as they are — a
   * rollback restores campaigns, and a disconnected account is connected again as a new one.
   */
  accountChangeIds: string[];
  /** Per campaign, spend since the first selected change on it (minor units). */
  spendSince: { campaignId: string; currency: string; since: string; spendMinor: number }[];
}

/** How one campaign's restoration went. */
export interface CampaignOutcome {
  campaignId: string;
  status: "restored" | "refused";
  /** Why it was refused (a limit, a conflict). */
  message?: string;
}

/** A rollback as stored. */
export interface Rollback {
  id: string;
  status: "applying" | "completed";
  requestedBy: ChangeActorKind;
  plan: RollbackPlan;
  outcomes: CampaignOutcome[];
  createdAt: string;
  completedAt: string | null;
}

/** What a person sees and approves before software rolls back: the plan as a preview. */
export interface RollbackReview {
  plan: RollbackPlan;
  preview: ApprovalPreview;
  /** What an approval (grant or record) binds. */
  previewDigest: string;
}

/** How a request for a rollback ended. */
export type RollbackRequestOutcome =
  | { status: "applied"; rollback: Rollback }
  | { status: "approval_required"; approval: Approval; review: RollbackReview };

/** Rolling back. */
export interface RollbacksService {
  /** The dry run. */
  plan(actor: Actor, selection: RollbackSelection): Promise<RollbackPlan>;
  /** The dry run as the preview a person approves. */
  review(actor: Actor, selection: RollbackSelection): Promise<RollbackReview>;
  /**
   * A rollback asked for by `source`: a person's is applied; software's (the assistant, an MCP
   * client, an API token) waits for a person's approval of exactly this plan, held and found as
   * the write gateway holds and finds any change.
   */
  request(
    actor: Actor,
    source: ChangeSource,
    selection: RollbackSelection,
    approval?: Pick<WriteRequest, "approvalId" | "idempotencyKey" | "grantedPreviewDigest">,
  ): Promise<RollbackRequestOutcome>;
  /** Plans, stores, and applies to completion; `requestedBy` is who asked (a person, …). */
  apply(
    actor: Actor,
    selection: RollbackSelection,
    requestedBy: ChangeActorKind,
  ): Promise<Rollback>;
  get(actor: Actor, rollbackId: string): Promise<Rollback>;
  /** Finishes rollbacks whose worker died (lease lapsed); returns how many it resumed. */
  resumeInterrupted(): Promise<number>;
}

/** How long a worker owns a rollback unless configured: then another instance may resume it. */
export const DEFAULT_ROLLBACK_LEASE_MS = 30_000;
/** Fields a rollback can restore with an update: the editable ones. */
const EDITABLE_FIELDS: ReadonlySet<string> = new Set(Object.keys(updateCampaignSchema.shape));

/** What the rollbacks service needs. */
export interface RollbackParts {
  history: ChangeHistory;
  gateway: WriteGateway;
  idempotency: IdempotencyService;
  /** How long a worker owns a rollback before another instance may resume it (ms). */
  leaseMs?: number;
  /** TEST ONLY: the crash tests' pause points (`rollback_before_campaign:<index>`). */
  pause?: (point: string) => Promise<void>;
}

/** Builds the service. */
export function createRollbacksService(
  context: DomainContext,
  parts: RollbackParts,
): RollbacksService {
  const { db } = context;
  const { history, gateway, idempotency } = parts;
  const leaseMs = parts.leaseMs ?? DEFAULT_ROLLBACK_LEASE_MS;

  async function selectedChanges(
    actor: Actor,
    selection: z.output<typeof rollbackSelectionSchema>,
  ) {
    if (selection.changeIds) {
      const found = await history.byIds(actor, selection.changeIds);
      if (found.length !== new Set(selection.changeIds).size) throw new NotFoundError("change");
      return found;
    }
    const rows: ChangeRecord[] = [];
    for (let skip = 0;; skip += 100) {
      const page = await history.list(actor, {
        sourceId: selection.sourceId,
        from: selection.from,
        to: selection.to,
        adAccountId: selection.adAccountId,
        campaignId: selection.campaignId,
        skip,
        limit: 100,
      });
      rows.push(...page.items);
      if (skip + 100 >= page.total || rows.length >= 1_000) break;
    }
    return rows.reverse();
  }

  async function plan(actor: Actor, input: RollbackSelection): Promise<RollbackPlan> {
    const selection = parseInput(rollbackSelectionSchema, input);
    const changes = await selectedChanges(actor, selection);
    if (changes.length === 0) {
      throw new ValidationError([{ field: "changeIds", message: "no changes match" }]);
    }
    const byCampaign = new Map<string, ChangeRecord[]>();
    const accountChangeIds: string[] = [];
    for (const change of [...changes].sort((left, right) => left.seq - right.seq)) {
      if (change.campaignId === null) accountChangeIds.push(change.id);
      else byCampaign.set(change.campaignId, [...byCampaign.get(change.campaignId) ?? [], change]);
    }
    const fields: FieldPlan[] = [];
    const spendSince: RollbackPlan["spendSince"] = [];
    for (const [campaignId, own] of byCampaign) {
      const current = await currentCampaign(actor, campaignId);
      const name = current?.name ?? String(own[0].fields.name?.after ?? campaignId);
      const latest = await history.latestByField(db.kysely, campaignId);
      fields.push(...planCampaign(campaignId, name, own, current, latest));
      if (current) {
        spendSince.push({
          campaignId,
          currency: current.currency,
          since: own[0].createdAt,
          spendMinor: await spendSinceMinor(actor, current, own[0].createdAt),
        });
      }
    }
    return { changeIds: changes.map((change) => change.id), fields, accountChangeIds, spendSince };
  }

  async function currentCampaign(actor: Actor, campaignId: string): Promise<Campaign | null> {
    try {
      const { campaign, account } = await gateway.load(actor, campaignId);
      return toCampaign(campaign, account.currency);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  async function spendSinceMinor(actor: Actor, campaign: Campaign, since: string) {
    const today = dateOf(context.clock.now(), "UTC");
    const from = since.slice(0, 10);
    const totals = await totalsByCampaign(db.kysely, actor, [campaign.id], { from, to: today });
    return totals.get(campaign.id)?.spendMinor ?? 0;
  }

  function toRollback(row: Selectable<RollbacksTable>): Rollback {
    const stored = fromDbJson(row.result) as { plan: RollbackPlan; outcomes: CampaignOutcome[] };
    return {
      id: row.id,
      status: row.status,
      requestedBy: row.requested_by,
      // Plans stored before ad account changes were recorded have no such list.
      plan: { ...stored.plan, accountChangeIds: stored.plan.accountChangeIds ?? [] },
      outcomes: stored.outcomes,
      createdAt: isoFromDb(row.created_at),
      completedAt: isoFromDbOrNull(row.completed_at),
    };
  }

  /** Restores every campaign of a stored rollback that is not restored yet, then completes it. */
  async function execute(actor: Actor, row: Selectable<RollbacksTable>): Promise<Rollback> {
    const rollback = toRollback(row);
    const operations = operationsOf(rollback.plan);
    const outcomes: CampaignOutcome[] = [];
    let index = 0;
    for (const [campaignId, steps] of operations) {
      await parts.pause?.(`rollback_before_campaign:${index++}`);
      try {
        for (const [step, operation] of steps.entries()) {
          await applyOnce(actor, rollback.id, `${campaignId}:${step}`, operation);
        }
        outcomes.push({ campaignId, status: "restored" });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push({ campaignId, status: "refused", message: error.message });
      }
      await extendLease(rollback.id);
    }
    const now = nowForDb(context);
    await db.kysely.updateTable("rollbacks").set({
      status: "completed",
      result: toDbJson({ plan: rollback.plan, outcomes }),
      lease_expires_at: null,
      completed_at: now,
      updated_at: now,
    }).where("id", "=", rollback.id).execute();
    return { ...rollback, status: "completed", outcomes, completedAt: isoFromDb(now) };
  }

  /** One restoring change, at most once whatever crashes: claimed, then committed with its claim. */
  async function applyOnce(
    actor: Actor,
    rollbackId: string,
    key: string,
    operation: CampaignOperation,
  ): Promise<void> {
    const record = { scope: `rollback:${rollbackId}`, key };
    const start = await idempotency.begin(actor, {
      ...record,
      requestHash: await requestHash(operation),
    }, { takeOverInProgress: true });
    if (start.state === "replay") return;
    const claim = { ...record, claimToken: start.claimToken };
    try {
      await gateway.write({
        actor,
        source: { kind: "rollback", rollbackId },
        operation,
        idempotencyKey: `${record.scope}:${key}`,
        requestKey: await platformRequestKey(actor, claim),
        commit: async (work) => {
          let applied: AppliedChange | undefined;
          await idempotency.runOnce(actor, claim, async (trx) => {
            applied = await work(trx);
            return { responseStatus: 200, responseBody: { changeId: applied.changeId } };
          });
          return applied!;
        },
      });
    } catch (error) {
      await idempotency.abandon(actor, claim).catch(() => {});
      throw error;
    }
  }

  async function extendLease(rollbackId: string) {
    await db.kysely.updateTable("rollbacks")
      .set({ lease_expires_at: toDbTimestamp(new Date(context.clock.now().getTime() + leaseMs)) })
      .where("id", "=", rollbackId).where("status", "=", "applying").execute();
  }

  /** Stores the rollback (and uses its approval) in one transaction, then applies it. */
  async function start(
    actor: Actor,
    planned: RollbackPlan,
    requestedBy: ChangeActorKind,
    consumeApproval?: (on: Queryable) => Promise<string | null>,
  ): Promise<Rollback> {
    const now = context.clock.now();
    const row: Selectable<RollbacksTable> = {
      id: context.ids(),
      user_id: actor.userId,
      status: "applying",
      change_ids: toDbJson(planned.changeIds),
      requested_by: requestedBy,
      result: toDbJson({ plan: planned, outcomes: [] }),
      lease_expires_at: toDbTimestamp(new Date(now.getTime() + leaseMs)),
      completed_at: null,
      created_at: toDbTimestamp(now),
      updated_at: toDbTimestamp(now),
    };
    await db.kysely.transaction().execute(async (trx) => {
      await consumeApproval?.(trx);
      await trx.insertInto("rollbacks").values(row).execute();
    });
    return await execute(actor, row);
  }

  return {
    plan,

    async apply(actor, selection, requestedBy) {
      return await start(actor, await plan(actor, selection), requestedBy);
    },

    review: async (actor, selection) => reviewOf(await plan(actor, selection)),

    async request(actor, source, selection, approval = {}) {
      const planned = await plan(actor, selection);
      const review = await reviewOf(planned);
      const authorized = await gateway.authorize({
        actor,
        source,
        ...approval,
        held: {
          adAccountId: null,
          operation: { type: "rollback", changeIds: planned.changeIds },
          preview: review.preview,
          previewDigest: review.previewDigest,
          reason: "rolling back changes needs a person's approval when software asks",
          rules: ["rollback"],
        },
      });
      if (authorized.status === "approval_required") {
        return { status: "approval_required", approval: authorized.approval, review };
      }
      return {
        status: "applied",
        rollback: await start(actor, planned, source.kind, authorized.consume),
      };
    },

    async get(actor, rollbackId) {
      if (!z.uuid().safeParse(rollbackId).success) throw new NotFoundError("rollback");
      const row = await db.kysely.selectFrom("rollbacks").selectAll()
        .where("id", "=", rollbackId).where("user_id", "=", actor.userId).executeTakeFirst();
      if (!row) throw new NotFoundError("rollback");
      return toRollback(row);
    },

    async resumeInterrupted() {
      const now = context.clock.now();
      const lapsed = await db.kysely.selectFrom("rollbacks").selectAll()
        .where("status", "=", "applying")
        .where("lease_expires_at", "<", toDbTimestamp(now)).execute();
      let resumed = 0;
      for (const row of lapsed) {
        // Taking the lease over is one conditional update: only one instance wins it.
        const taken = await db.kysely.updateTable("rollbacks")
          .set({ lease_expires_at: toDbTimestamp(new Date(now.getTime() + leaseMs)) })
          .where("id", "=", row.id).where("status", "=", "applying")
          .where("lease_expires_at", "=", row.lease_expires_at).executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) continue;
        const user = await db.kysely.selectFrom("users").select("role")
          .where("id", "=", row.user_id).executeTakeFirst();
        await execute({ userId: row.user_id, role: user?.role ?? "user" }, row);
        resumed++;
      }
      return resumed;
    },
  };
}

/** A plan as the preview a person approves. */
async function reviewOf(plan: RollbackPlan): Promise<RollbackReview> {
  const count = (outcome: FieldPlan["outcome"]) =>
    plan.fields.filter((field) => field.outcome === outcome);
  const restoring = count("will_restore");
  const campaigns = new Set(restoring.map((field) => field.campaignId)).size;
  const sentences = [
    `Roll back ${countOf(plan.changeIds.length, "change")}: restore ${
      countOf(restoring.length, "field")
    } on ${countOf(campaigns, "campaign")}.`,
  ];
  const since = count("changed_since").length;
  if (since > 0) sentences.push(`${countOf(since, "field")} changed since and will be left alone.`);
  const stuck = count("not_reversible").length;
  if (stuck > 0) sentences.push(`Cannot be undone: ${countOf(stuck, "change")}.`);
  const accountChanges = plan.accountChangeIds.length;
  if (accountChanges > 0) {
    sentences.push(
      `Not rolled back: ${countOf(accountChanges, "change")} to ad accounts themselves.`,
    );
  }
  const preview: ApprovalPreview = {
    summary: sentences.join(" "),
    changes: restoring.map((field) => ({
      resource: "campaign",
      id: field.campaignId,
      name: field.campaignName,
      field: field.field,
      before: field.outcome === "will_restore" ? field.current : null,
      after: field.before,
    })),
  };
  return { plan, preview, previewDigest: await sha256Hex(canonicalJson(preview)) };
}

/** The plan of one campaign's fields, from its selected changes (oldest first). */
function planCampaign(
  campaignId: string,
  campaignName: string,
  changes: readonly ChangeRecord[],
  current: Campaign | null,
  latest: ReadonlyMap<string, ChangeRecord>,
): FieldPlan[] {
  const base = { campaignId, campaignName };
  if (changes.some((change) => change.operation === "create")) {
    return [{
      ...base,
      field: "campaign",
      before: null,
      outcome: "not_reversible",
      reason: "a created campaign cannot be uncreated; pause or archive it instead",
    }];
  }
  if (current === null || changes.some((change) => change.operation === "delete")) {
    return [{
      ...base,
      field: "campaign",
      before: null,
      outcome: "not_reversible",
      reason: "the campaign was deleted",
    }];
  }
  const plans: FieldPlan[] = [];
  const fieldNames = [...new Set(changes.flatMap((change) => Object.keys(change.fields)))];
  const selectedIds = new Set(changes.map((change) => change.id));
  for (const field of fieldNames) {
    const touching = changes.filter((change) => field in change.fields);
    const before = touching[0].fields[field].before;
    const leftBehind = touching.at(-1)!.fields[field].after;
    const now = current[field as keyof Campaign];
    if (same(now, before)) {
      plans.push({ ...base, field, before, outcome: "already_restored" });
      continue;
    }
    const lastWriter = latest.get(field);
    if (!same(now, leftBehind) || (lastWriter && !selectedIds.has(lastWriter.id))) {
      plans.push({
        ...base,
        field,
        before,
        outcome: "changed_since",
        current: now,
        changedBy: {
          actorKind: lastWriter?.actorKind ?? "user",
          sourceId: lastWriter?.sourceId ?? null,
          at: lastWriter?.createdAt ?? current.updatedAt,
        },
      });
      continue;
    }
    const reason = irreversible(field, now, before);
    plans.push(
      reason
        ? { ...base, field, before, outcome: "not_reversible", reason }
        : { ...base, field, before, outcome: "will_restore", current: now },
    );
  }
  return plans;
}

/** Why restoring `field` from `now` to `before` is impossible, or null. */
function irreversible(field: string, now: unknown, before: unknown): string | null {
  if (field === "status") {
    if (now === "archived") return "archived campaigns stay archived";
    if (!canTransition(now as CampaignStatus, before as CampaignStatus)) {
      return `a campaign cannot go from ${now} back to ${before}`;
    }
    return null;
  }
  return EDITABLE_FIELDS.has(field) ? null : `${field} cannot be restored`;
}

/** Per campaign, the gateway operations restoring its `will_restore` fields. */
function operationsOf(plan: RollbackPlan): Map<string, CampaignOperation[]> {
  const operations = new Map<string, CampaignOperation[]>();
  const restoring = plan.fields.filter((field) => field.outcome === "will_restore");
  for (const campaignId of new Set(restoring.map((field) => field.campaignId))) {
    const own = restoring.filter((field) => field.campaignId === campaignId);
    const input: Record<string, unknown> = {};
    for (const field of own) {
      if (EDITABLE_FIELDS.has(field.field)) input[field.field] = field.before;
    }
    const steps: CampaignOperation[] = [];
    // A lower budget before a resume, a pause before a higher budget: never spend more meanwhile.
    const status = own.find((field) => field.field === "status");
    const update: CampaignOperation | null = Object.keys(input).length > 0
      ? { type: "update", campaignId, input: input as UpdateCampaignInput }
      : null;
    const statusChange: CampaignOperation | null = status
      ? { type: "set_status", campaignId, status: status.before as CampaignStatus }
      : null;
    if (statusChange && status?.before !== "active") steps.push(statusChange);
    if (update) steps.push(update);
    if (statusChange && status?.before === "active") steps.push(statusChange);
    operations.set(campaignId, steps);
  }
  return operations;
}

function same(left: unknown, right: unknown): boolean {
  return canonicalJson(left ?? null) === canonicalJson(right ?? null);
}
