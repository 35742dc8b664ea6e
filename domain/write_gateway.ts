/**
 * The one write path for campaigns. Every change — a person on the web pages or REST, an API
 * token, the assistant's run, an outside MCP client, an automated rule, a rollback — is a
 * `WriteRequest` naming its actor and source. The gateway, holding the ad account's lock:
 *
 * 1. reviews the change: the account's freeze and hard caps (for everyone; a refusal names the
 *    limit), then, for software only, the approval policy (`approval.ts`) and the autopilot
 *    limits (`autopilot_limits.ts`), cumulative ones included;
 * 2. when a person's approval is needed and none is presented, holds the change as an approval
 *    record (`approvals.ts`) and answers `approval_required` — nothing is changed;
 * 3. otherwise makes the platform call once (with the caller's request key, so a retried attempt
 *    changes nothing more there), then commits the campaign's rows, the change history entry and
 *    the approval's use in one transaction — the caller's, when it passes `commit` (an
 *    idempotency record completing with the change).
 *
 * The lock serializes changes per ad account across instances, so two actors can never both
 * pass a cumulative limit that only one of them fits under.
 *
 * @module
 */
import type { Queryable } from "../db/database.ts";
import type { ChangeActorKind } from "../db/schema.ts";
import type { Actor } from "./actor.ts";
import {
  type ApprovalPreview,
  type ApprovalRequest,
  canonicalJson,
  decideApproval,
} from "./approval.ts";
import type { Selectable } from "kysely";
import type { AdAccountsTable } from "../db/schema.ts";
import { type Approval, type ApprovalLedger, type ApprovalsService } from "./approvals.ts";
import { limitsOf } from "./ad_account_limits.ts";
import {
  type BudgetState,
  type LimitsReview,
  reviewLimits,
  type SoftLimit,
} from "./autopilot_limits.ts";
import type { CampaignWrites, StagedCampaignChange } from "./campaign_writes.ts";
import {
  type Campaign,
  type CampaignStatus,
  type CreateCampaignInput,
  createCampaignSchema,
  toCampaign,
  type UpdateCampaignInput,
} from "./campaigns.ts";
import {
  type ChangeHistory,
  type ChangeRecord,
  type FieldChange,
  isAutomated,
} from "./change_history.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import {
  type AdAccount,
  disconnectAdAccountRows,
  loadAdAccount,
  renameAdAccountRow,
} from "./ad_accounts.ts";
import { AccountFrozenError, ConflictError, LimitExceededError, NotFoundError } from "./errors.ts";
import type { PlatformRequestKey } from "./platforms/adapter.ts";
import { sha256Hex } from "./secrets.ts";
import { parseInput } from "./validation.ts";

/** Who asks for a change, and on whose behalf it is recorded. */
export type ChangeSource =
  | { kind: "user" }
  | { kind: "api_token"; tokenId: string }
  | { kind: "assistant"; runId: string }
  | { kind: "mcp_client"; clientId: string | null }
  | { kind: "rule"; ruleId: string }
  | { kind: "rollback"; rollbackId: string };

/** A signed-in person acting directly: the person is the approval. */
export const PERSON: ChangeSource = { kind: "user" };

/** The id recorded with a source (run, rule, token, client, rollback), null for a person. */
export function sourceIdOf(source: ChangeSource): string | null {
  switch (source.kind) {
    case "user":
      return null;
    case "api_token":
      return source.tokenId;
    case "assistant":
      return source.runId;
    case "mcp_client":
      return source.clientId;
    case "rule":
      return source.ruleId;
    case "rollback":
      return source.rollbackId;
  }
}

/** A change to one campaign, in the gateway's terms. */
export type CampaignOperation =
  | { type: "create"; input: CreateCampaignInput }
  | { type: "update"; campaignId: string; input: UpdateCampaignInput }
  | { type: "set_status"; campaignId: string; status: CampaignStatus }
  | { type: "delete"; campaignId: string };

/** A change to an ad account itself. */
export type AdAccountOperation =
  | { type: "rename_ad_account"; adAccountId: string; name: string }
  | { type: "disconnect_ad_account"; adAccountId: string };

/** What the gateway found about a change before making it. */
export interface ChangeReview {
  /** Set when the account's limits refuse the change outright. */
  refusal: { limit: string; message: string } | null;
  /** A person must approve it first (software only). */
  required: boolean;
  reason: string | null;
  rules: string[];
  preview: ApprovalPreview;
  /** Binds an approval to this exact preview: a campaign that changed since makes it stale. */
  previewDigest: string;
  /**
   * What the approval policy finds whoever asks: a person needs no approval, but the pages
   * confirm some of these changes with the person first (`change_confirmation.ts`).
   */
  policy: { rules: string[]; reason: string | null };
  allowance: LimitsReview["allowance"];
}

/** One change asked of the gateway. */
export interface WriteRequest {
  actor: Actor;
  source: ChangeSource;
  operation: CampaignOperation;
  /** The caller's idempotency key: recorded, and how a retry finds its approval. */
  idempotencyKey?: string;
  /** What the ad platform deduplicates this change's attempts by. */
  requestKey?: PlatformRequestKey;
  /** The approval a retry completes (otherwise found by `idempotencyKey`). */
  approvalId?: string;
  /**
   * The preview digest a person approved through a verified approval grant (the chat's gate);
   * the change is made only if the preview is still exactly that.
   */
  grantedPreviewDigest?: string;
  /** Runs the database writes in the caller's transaction (default: one of the gateway's). */
  commit?: (work: (trx: Queryable) => Promise<AppliedChange>) => Promise<AppliedChange>;
}

/** A change made. */
export interface AppliedChange {
  status: "applied";
  campaign: Campaign;
  /** Its entry in the change history. */
  changeId: string;
  /** The approval it was made under, if it needed one. */
  approvalId: string | null;
}

/** What came of a write. */
export type WriteOutcome =
  | AppliedChange
  | { status: "approval_required"; review: ChangeReview; approval: Approval };

/** One change to an ad account asked of the gateway (no platform call: the rows alone change). */
export interface AdAccountWriteRequest
  extends Pick<WriteRequest, "actor" | "source" | "idempotencyKey" | "approvalId"> {
  operation: AdAccountOperation;
  /** As `WriteRequest.commit`. */
  commit?: (
    work: (trx: Queryable) => Promise<AppliedAdAccountChange>,
  ) => Promise<AppliedAdAccountChange>;
}

/** An ad account change made. */
export interface AppliedAdAccountChange {
  status: "applied";
  adAccount: AdAccount;
  changeId: string;
  approvalId: string | null;
}

/** What came of an ad account change. */
export type AdAccountWriteOutcome =
  | AppliedAdAccountChange
  | { status: "approval_required"; review: ChangeReview; approval: Approval };

/** A change other than one campaign's (a rollback) as a person is asked to approve it. */
export interface HeldChange {
  adAccountId: string | null;
  /** Plain JSON naming exactly what runs once approved. */
  operation: Record<string, unknown>;
  preview: ApprovalPreview;
  previewDigest: string;
  reason: string;
  rules: string[];
}

/** Whether a change may go ahead; `consume` marks its approval used in the change's transaction. */
export type AuthorizeOutcome =
  | { status: "approved"; consume: (on: Queryable) => Promise<string | null> }
  | { status: "approval_required"; approval: Approval };

/** The write gateway. */
export interface WriteGateway {
  /**
   * The approval step alone, for changes made elsewhere in the domain (rollbacks): people go
   * ahead; software needs a person's approval of exactly `held`, found as `write` finds it.
   */
  authorize(
    request:
      & Pick<
        WriteRequest,
        "actor" | "source" | "approvalId" | "idempotencyKey" | "grantedPreviewDigest"
      >
      & { held: HeldChange },
  ): Promise<AuthorizeOutcome>;
  /** A campaign and its account as a change would see them (`NotFoundError` otherwise). */
  load: CampaignWrites["load"];
  /** Reviews without changing anything (previews, dry runs, the approval gate). */
  review(request: Omit<WriteRequest, "commit">): Promise<ChangeReview>;
  /** Reviews and, when allowed, makes the change once and records it. */
  write(request: WriteRequest): Promise<WriteOutcome>;
  /**
   * The same for a change to an ad account itself: refused while it is frozen (it would stop
   * or touch all its campaigns), held for a person when software asks what the approval policy
   * reserves (disconnecting), and recorded in the history without a campaign.
   */
  changeAdAccount(request: AdAccountWriteRequest): Promise<AdAccountWriteOutcome>;
}

/**
 * The account lock's lease. Never extended: a process that dies or hangs holding it blocks the
 * account for at most this long, and a change slower than this (its platform call hung) is
 * refused at its commit rather than committed outside the lock.
 */
const LOCK_TTL_MS = 10_000;
/** How long a change waits for another one on the same account before giving up. */
const LOCK_WAIT_MS = 25_000;
const DAY_MS = 86_400_000;

/**
 * Whether a rule's activation of a campaign only restores the state that rule itself changed,
 * and so needs no person's approval: activating a campaign by software is held because it
 * starts spending that nobody chose, but a rule's pause-until-tomorrow resume at midnight puts
 * back the spending that was running before the rule's own pause. That holds exactly when
 *
 * - the change is a rule's `set_status → active` and activation is all the policy flags, and
 * - the campaign's latest status change is a pause (`active → paused`) by that same rule —
 *   nobody (a person, the assistant, another rule) changed its status since.
 *
 * Anything else (a person paused it, resumed and paused it again, another rule paused it, the
 * campaign was a draft) still needs approval; the freeze, hard caps and soft limits still apply.
 */
export function resumesOwnPause(
  source: ChangeSource,
  operation: CampaignOperation,
  flaggedRules: readonly string[],
  latestStatusChange: Pick<ChangeRecord, "actorKind" | "sourceId" | "fields"> | null,
): boolean {
  if (source.kind !== "rule") return false;
  if (operation.type !== "set_status" || operation.status !== "active") return false;
  if (flaggedRules.length !== 1 || flaggedRules[0] !== "activate_campaign") return false;
  if (latestStatusChange === null) return false;
  const status = latestStatusChange.fields.status;
  return latestStatusChange.actorKind === "rule" &&
    latestStatusChange.sourceId === source.ruleId &&
    status?.before === "active" && status?.after === "paused";
}

/** What the gateway is built from. */
export interface WriteGatewayParts {
  writes: CampaignWrites;
  history: ChangeHistory;
  approvals: { service: ApprovalsService; ledger: ApprovalLedger };
}

/** Builds the gateway. */
export function createWriteGateway(context: DomainContext, parts: WriteGatewayParts): WriteGateway {
  const { db } = context;
  const { writes, history } = parts;
  const { ledger } = parts.approvals;

  /** The campaign (if any) and account a change applies to. */
  async function targetOf(actor: Actor, operation: CampaignOperation) {
    if (operation.type === "create") {
      const input = parseInput(createCampaignSchema, operation.input);
      return { account: await loadAdAccount(db.kysely, actor, input.adAccountId), campaign: null };
    }
    return await writes.load(actor, operation.campaignId);
  }

  /** The review of a change, with the campaign before it and its account. */
  async function inspect(request: Omit<WriteRequest, "commit">) {
    const { actor, source, operation } = request;
    const { account, campaign } = await targetOf(actor, operation);
    const before = campaign ? toCampaign(campaign, account.currency) : null;
    const automated = isAutomated(source.kind);
    const now = context.clock.now();
    const [limits, others, budgetHistory] = await Promise.all([
      limitsOf(db.kysely, account),
      otherActiveDailyBudgets(account.id, campaign?.id ?? null),
      campaign
        ? history.budgetHistory(db.kysely, campaign.id, new Date(now.getTime() - 7 * DAY_MS))
        : Promise.resolve([]),
    ]);
    const limitsReview = reviewLimits({
      limits,
      currency: account.currency,
      automated,
      before: before && budgetState(before),
      after: afterState(operation, before),
      otherActiveDailyMinor: others,
      history: budgetHistory,
      now,
    });
    const policy = operation.type === "delete"
      ? deletionPreview(before!)
      : decideApproval(approvalRequestOf(operation, before, account));
    const softRules: { limit: SoftLimit | "automated_delete"; message: string }[] = [
      ...limitsReview.exceeded,
    ];
    if (automated && operation.type === "delete") {
      softRules.push({
        limit: "automated_delete",
        message: "deleting a campaign by software needs a person's approval",
      });
    }
    // A rule undoing its own pause asks nothing of a person that the person had not already
    // let the rule do (see `resumesOwnPause`); the limits above still apply to it.
    const restoring = policy.required && source.kind === "rule" && campaign !== null &&
      resumesOwnPause(
        source,
        operation,
        policy.rules,
        (await history.latestByField(db.kysely, campaign.id)).get("status") ?? null,
      );
    const policyRequired = policy.required && !restoring;
    const required = automated && (policyRequired || softRules.length > 0);
    const reasons = [
      ...(automated && policyRequired && policy.reason ? [policy.reason] : []),
      ...softRules.map((rule) => rule.message),
    ];
    const review: ChangeReview = {
      refusal: limitsReview.refusal,
      required,
      reason: required ? reasons.join("; ") : null,
      rules: required
        ? [...(policyRequired ? policy.rules : []), ...softRules.map((rule) => rule.limit)]
        : [],
      preview: policy.preview,
      previewDigest: await sha256Hex(canonicalJson(policy.preview)),
      policy: { rules: policy.rules, reason: policy.reason },
      allowance: limitsReview.allowance,
    };
    return { review, before, account };
  }

  async function otherActiveDailyBudgets(accountId: string, exceptId: string | null) {
    const row = await db.kysely.selectFrom("campaigns")
      .select((eb) => eb.fn.sum<number | string | null>("budget_amount_minor").as("total"))
      .where("ad_account_id", "=", accountId).where("status", "=", "active")
      .where("budget_type", "=", "daily").where("deleted_at", "is", null)
      .$if(exceptId !== null, (q) => q.where("id", "!=", exceptId!))
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  function stage(request: WriteRequest): Promise<StagedCampaignChange> {
    const { actor, operation, requestKey } = request;
    switch (operation.type) {
      case "create":
        return writes.create(actor, operation.input, requestKey);
      case "update":
        return writes.update(actor, operation.campaignId, operation.input, requestKey);
      case "set_status":
        return writes.changeStatus(actor, operation.campaignId, operation.status, requestKey);
      case "delete":
        return writes.remove(actor, operation.campaignId);
    }
  }

  /**
   * Runs `work` holding the lock of account `accountId`; `work` calls its argument
   * before committing, which throws a `ConflictError` once the lock has lapsed.
   */
  async function withAccountLock<Result>(
    accountId: string,
    work: (stillLocked: () => Promise<void>) => Promise<Result>,
  ): Promise<Result> {
    const key = `write-gateway:account:${accountId}`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    let wait = 5;
    for (;;) {
      const { leases } = context.coordination;
      const lease = await leases.acquire(key, LOCK_TTL_MS);
      if (lease) {
        try {
          const stillLocked = () =>
            leases.assertCurrent(lease).catch(() => {
              throw new ConflictError("the change took too long and was not recorded; retry it");
            });
          return await work(stillLocked);
        } finally {
          await leases.release(lease).catch(() => {
            // Lost or unreachable: it expires on its own.
          });
        }
      }
      if (Date.now() > deadline) {
        throw new ConflictError("another change to this ad account is in progress; retry");
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 100);
    }
  }

  /**
   * A held change's approval: a verified grant (the chat's gate), or the approved record the
   * retry names (by id or idempotency key) — else the change is held as a pending record.
   * `consume` marks the approval used, in the transaction that makes the change.
   */
  async function settle(
    request: Pick<
      WriteRequest,
      "actor" | "source" | "approvalId" | "idempotencyKey" | "grantedPreviewDigest"
    >,
    held: HeldChange,
  ): Promise<AuthorizeOutcome> {
    const { actor, source } = request;
    const requester = { kind: source.kind as ChangeActorKind, id: sourceIdOf(source) };
    const hold = {
      ...held,
      requester,
      operationDigest: await sha256Hex(canonicalJson(held.operation)),
      idempotencyKey: request.idempotencyKey ?? null,
    };
    if (request.grantedPreviewDigest !== undefined) {
      if (request.grantedPreviewDigest !== held.previewDigest) {
        throw new ConflictError("the change's preview changed since the approval; ask again");
      }
      return { status: "approved", consume: (on) => ledger.closeGranted(on, actor, hold) };
    }
    const found = await ledger.find(db.kysely, actor, {
      approvalId: request.approvalId,
      requester,
      idempotencyKey: request.idempotencyKey,
    });
    if (!found && request.approvalId !== undefined) throw new NotFoundError("approval");
    const status = found && ledger.statusOf(found);
    if (!found || status === "pending" || status === "expired") {
      const pending = found && status === "pending"
        ? found
        : await ledger.hold(db.kysely, actor, hold);
      return {
        status: "approval_required",
        approval: await parts.approvals.service.get(actor, pending.id),
      };
    }
    if (status !== "approved") {
      throw new ConflictError(`approval ${found.id} is ${status}; the change was not made`);
    }
    if (found.requester_kind !== requester.kind) {
      throw new ConflictError(`approval ${found.id} was asked for by someone else`);
    }
    if (found.operation_digest !== hold.operationDigest) {
      throw new ConflictError(`approval ${found.id} is for a different change`);
    }
    if (found.preview_digest !== held.previewDigest) {
      throw new ConflictError(
        `what approval ${found.id} would change has changed since; ask again`,
      );
    }
    return {
      status: "approved",
      consume: async (on) => {
        await ledger.use(on, found.id);
        return found.id;
      },
    };
  }

  async function write(request: WriteRequest): Promise<WriteOutcome> {
    const { actor, source, operation } = request;
    const { account: target } = await targetOf(actor, operation);
    return await withAccountLock(target.id, async (stillLocked) => {
      const { review, before, account } = await inspect(request);
      if (review.refusal?.limit === "frozen") throw new AccountFrozenError(review.refusal.message);
      if (review.refusal) {
        throw new LimitExceededError(review.refusal.limit, review.refusal.message);
      }
      const approval = review.required
        ? await settle(request, {
          adAccountId: account.id,
          operation: operationRecord(operation),
          preview: review.preview,
          previewDigest: review.previewDigest,
          reason: review.reason ?? "",
          rules: review.rules,
        })
        : null;
      if (approval?.status === "approval_required") {
        return { status: "approval_required", review, approval: approval.approval };
      }
      const staged = await stage(request);
      await stillLocked();
      const commit = request.commit ??
        ((work: (trx: Queryable) => Promise<AppliedChange>) =>
          db.kysely.transaction().execute(work));
      return await commit(async (trx) => {
        const campaign = await staged.change.commit(trx);
        const approvalId = approval ? await approval.consume(trx) : null;
        const changeId = await history.record(trx, actor, {
          adAccountId: campaign.adAccountId,
          campaignId: campaign.id,
          operation: operationName(operation),
          actorKind: source.kind,
          sourceId: sourceIdOf(source),
          approvalId,
          fields: fieldChanges(before, campaign, operation.type === "delete"),
          platformResponse: staged.platformResponse,
          idempotencyKey: request.idempotencyKey ?? null,
        });
        return { status: "applied", campaign, changeId, approvalId };
      });
    });
  }

  async function changeAdAccount(request: AdAccountWriteRequest): Promise<AdAccountWriteOutcome> {
    const { actor, source, operation } = request;
    const { adAccountId } = operation;
    await loadAdAccount(db.kysely, actor, adAccountId);
    return await withAccountLock(adAccountId, async (stillLocked) => {
      const account = await loadAdAccount(db.kysely, actor, adAccountId);
      if ((await limitsOf(db.kysely, account)).frozen) {
        throw new AccountFrozenError(
          "the ad account is frozen: no changes are made to it until it is unfrozen",
        );
      }
      const state = { id: account.id, name: account.name, status: account.status };
      const decision = decideApproval(
        operation.type === "rename_ad_account"
          ? { operation: operation.type, adAccount: state, name: operation.name }
          : { operation: operation.type, adAccount: state },
      );
      const required = isAutomated(source.kind) && decision.required;
      const review: ChangeReview = {
        refusal: null,
        required,
        reason: required ? decision.reason : null,
        rules: required ? decision.rules : [],
        preview: decision.preview,
        previewDigest: await sha256Hex(canonicalJson(decision.preview)),
        policy: { rules: decision.rules, reason: decision.reason },
        allowance: null,
      };
      const approval = required
        ? await settle(request, {
          adAccountId,
          operation: operationRecord(operation),
          preview: review.preview,
          previewDigest: review.previewDigest,
          reason: review.reason ?? "",
          rules: review.rules,
        })
        : null;
      if (approval?.status === "approval_required") {
        return { status: "approval_required", review, approval: approval.approval };
      }
      await stillLocked();
      const platformResponse = operation.type === "disconnect_ad_account"
        ? await revokeGrant(account)
        : {};
      const commit = request.commit ??
        ((work: (trx: Queryable) => Promise<AppliedAdAccountChange>) =>
          db.kysely.transaction().execute(work));
      return await commit(async (trx) => {
        const now = nowForDb(context);
        const adAccount = operation.type === "rename_ad_account"
          ? await renameAdAccountRow(trx, account, operation.name, now)
          : await disconnectAdAccountRows(trx, account, now);
        const approvalId = approval ? await approval.consume(trx) : null;
        const fields: Record<string, FieldChange> = operation.type === "rename_ad_account"
          ? { name: { before: account.name, after: adAccount.name } }
          : { status: { before: account.status, after: adAccount.status } };
        const changeId = await history.record(trx, actor, {
          adAccountId,
          campaignId: null,
          operation: operation.type,
          actorKind: source.kind,
          sourceId: sourceIdOf(source),
          approvalId,
          fields,
          platformResponse,
          idempotencyKey: request.idempotencyKey ?? null,
        });
        return { status: "applied", adAccount, changeId, approvalId };
      });
    });
  }

  /**
   * Revokes a disconnected account's grant at its platform (unless the person's other accounts
   * there share it). The disconnection goes ahead whatever the platform answers; the history
   * records whether the grant was revoked.
   */
  async function revokeGrant(
    account: Selectable<AdAccountsTable>,
  ): Promise<Record<string, unknown>> {
    const adapter = context.platforms[account.platform];
    if (!adapter?.revokeCredentials || account.credentials_encrypted === null) return {};
    const others = await db.kysely.selectFrom("ad_accounts").select("credentials_encrypted")
      .where("user_id", "=", account.user_id).where("platform", "=", account.platform)
      .where("id", "!=", account.id).where("deleted_at", "is", null)
      .where("credentials_encrypted", "is not", null).execute();
    try {
      return await adapter.revokeCredentials(
        account.credentials_encrypted,
        others.map((other) => other.credentials_encrypted!),
      );
    } catch (error) {
      return {
        revoked: false,
        revokeError: error instanceof Error ? error.message : String(error),
      };
    }
  }

  return {
    load: (actor, campaignId) => writes.load(actor, campaignId),
    changeAdAccount,
    async authorize(request) {
      if (!isAutomated(request.source.kind)) {
        return { status: "approved", consume: () => Promise.resolve(null) };
      }
      return await settle(request, request.held);
    },
    review: async (request) => (await inspect(request)).review,
    write,
  };
}

/** The fields history records. */
const RECORDED_FIELDS = [
  "name",
  "status",
  "budgetType",
  "budgetAmountMinor",
  "startDate",
  "endDate",
  "targeting",
  "landingUrl",
] as const satisfies readonly (keyof Campaign)[];

/** Each recorded field that differs between `before` and `after` (all of them for a creation). */
function fieldChanges(
  before: Campaign | null,
  after: Campaign,
  deleted: boolean,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of RECORDED_FIELDS) {
    const old = before ? before[field] : null;
    if (before && canonicalJson(old) === canonicalJson(after[field])) continue;
    changes[field] = { before: old, after: after[field] };
  }
  if (deleted) changes.deleted = { before: false, after: true };
  return changes;
}

/** The history's name of an operation. */
function operationName(operation: CampaignOperation): string {
  if (operation.type !== "set_status") return operation.type;
  return { active: "resume", paused: "pause", archived: "archive", draft: "to_draft" }[
    operation.status
  ];
}

/** The operation as stored with an approval: plain JSON the retry is compared against. */
function operationRecord(
  operation: CampaignOperation | AdAccountOperation,
): Record<string, unknown> {
  return JSON.parse(JSON.stringify(operation));
}

function budgetState(campaign: Pick<Campaign, "status" | "budgetType" | "budgetAmountMinor">) {
  return {
    status: campaign.status,
    dailyBudgetMinor: campaign.budgetType === "daily" ? campaign.budgetAmountMinor : null,
  } satisfies BudgetState;
}

/** The spending-relevant state after `operation` (null once deleted). */
function afterState(operation: CampaignOperation, before: Campaign | null): BudgetState | null {
  switch (operation.type) {
    case "create":
      return budgetState({
        status: operation.input.status ?? "draft",
        budgetType: operation.input.budgetType,
        budgetAmountMinor: operation.input.budgetAmountMinor,
      });
    case "update":
      return before && budgetState({
        status: before.status,
        budgetType: operation.input.budgetType ?? before.budgetType,
        budgetAmountMinor: operation.input.budgetAmountMinor ?? before.budgetAmountMinor,
      });
    case "set_status":
      return before && budgetState({ ...before, status: operation.status });
    case "delete":
      return null;
  }
}

/** What a person is shown before software deletes a campaign. */
function deletionPreview(campaign: Campaign) {
  return {
    required: false,
    reason: null,
    rules: [] as string[],
    preview: {
      summary: `Delete campaign "${campaign.name}" (removed from lists; cannot be undone).`,
      changes: [{
        resource: "campaign" as const,
        id: campaign.id,
        name: campaign.name,
        field: "deleted",
        before: false,
        after: true,
      }],
    },
  };
}

/** The approval policy's question for an operation other than a deletion. */
function approvalRequestOf(
  operation: Exclude<CampaignOperation, { type: "delete" }>,
  before: Campaign | null,
  account: { currency: string; name: string },
): ApprovalRequest {
  if (operation.type === "create") {
    return {
      operation: "create_campaign",
      input: operation.input,
      currency: account.currency,
      accountName: account.name,
    };
  }
  const campaigns = [before!];
  switch (operation.type) {
    case "update":
      return { operation: "update_campaign", campaigns, input: operation.input };
    case "set_status": {
      const named = {
        paused: "pause_campaign",
        active: "resume_campaign",
        archived: "archive_campaign",
      } as const;
      return operation.status === "draft"
        ? { operation: "change_campaign_status", campaigns, status: operation.status }
        : { operation: named[operation.status], campaigns };
    }
  }
}
