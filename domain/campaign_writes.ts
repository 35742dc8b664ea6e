/**
 * The campaign changes themselves, in two steps: the ad platform call now, made with
 * `requestKey` so that a repeat with the same key changes nothing more there (see
 * `PlatformRequestKey`), and the database writes when the returned change is committed —
 * re-checking, in that commit, that the campaign still has the status it was read with. A failed
 * platform call leaves the database unchanged.
 *
 * Only the write gateway (`write_gateway.ts`) uses this: it decides whether a change may be made
 * and records it; everything else changes campaigns through the gateway.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { Queryable } from "../db/database.ts";
import type { CampaignsTable, CampaignStatus } from "../db/schema.ts";
import { toDbJson } from "../db/json.ts";
import type { Actor } from "./actor.ts";
import { loadAdAccount } from "./ad_accounts.ts";
import { assertTransition } from "./campaign_status.ts";
import {
  type Campaign,
  type CreateCampaignInput,
  createCampaignSchema,
  toCampaign,
  type UpdateCampaignInput,
  updateCampaignSchema,
} from "./campaigns.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from "./errors.ts";
import type { MetricsSync } from "./metrics_sync.ts";
import {
  adapterFor,
  platformCall,
  toPlatformAccount,
  toPlatformCampaign,
} from "./platform_calls.ts";
import type { PlatformRequestKey } from "./platforms/adapter.ts";
import { sha256Hex } from "./secrets.ts";
import { type StagedChange, stagedWrites } from "./staged_change.ts";
import { parseInput } from "./validation.ts";

/** A stored campaign row. */
export type CampaignRow = Selectable<CampaignsTable>;

/** A staged change and what the ad platform answered for it. */
export interface StagedCampaignChange {
  change: StagedChange<Campaign>;
  /** Recorded in the change history. */
  platformResponse: Record<string, unknown>;
}

/** Campaign changes in two steps (platform now, database on commit). */
export interface CampaignWrites {
  /** The campaign and its account, or `NotFoundError`. */
  load(actor: Actor, campaignId: string): Promise<{
    campaign: CampaignRow;
    account: Awaited<ReturnType<typeof loadAdAccount>>;
  }>;
  create(
    actor: Actor,
    input: CreateCampaignInput,
    requestKey?: PlatformRequestKey,
  ): Promise<StagedCampaignChange>;
  update(
    actor: Actor,
    campaignId: string,
    input: UpdateCampaignInput,
    requestKey?: PlatformRequestKey,
  ): Promise<StagedCampaignChange>;
  changeStatus(
    actor: Actor,
    campaignId: string,
    status: CampaignStatus,
    requestKey?: PlatformRequestKey,
  ): Promise<StagedCampaignChange>;
  /** Soft delete; `ConflictError` while active. Nothing to tell the platform. */
  remove(actor: Actor, campaignId: string): Promise<StagedCampaignChange>;
}

const ACKNOWLEDGED = { acknowledged: true };

/** Builds the staged campaign writes. */
export function createCampaignWrites(context: DomainContext, sync: MetricsSync): CampaignWrites {
  const { db } = context;

  async function load(actor: Actor, campaignId: string) {
    const campaign = await db.kysely.selectFrom("campaigns").selectAll()
      .where("id", "=", campaignId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!campaign) throw new NotFoundError("campaign");
    const account = await loadAdAccount(db.kysely, actor, campaign.ad_account_id)
      .catch((error) => {
        throw error instanceof NotFoundError ? new NotFoundError("campaign") : error;
      });
    return { campaign, account };
  }

  /** Writes `changes` if the row still has the status it was read with (guards races). */
  async function save(
    actor: Actor,
    campaign: CampaignRow,
    changes: Partial<CampaignRow>,
    on: Queryable,
  ): Promise<CampaignRow> {
    const updated = { ...campaign, ...changes, updated_at: nowForDb(context) };
    const result = await on.updateTable("campaigns")
      .set({ ...changes, updated_at: updated.updated_at })
      .where("id", "=", campaign.id).where("user_id", "=", actor.userId)
      .where("status", "=", campaign.status).where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new ConflictError("campaign was changed concurrently; retry");
    }
    return updated;
  }

  function staged(
    write: (on: Queryable) => Promise<Campaign>,
    platformResponse: Record<string, unknown> = ACKNOWLEDGED,
  ): StagedCampaignChange {
    return { change: stagedWrites(db.kysely, write), platformResponse };
  }

  return {
    load,

    async create(actor, input, requestKey) {
      const parsed = parseInput(createCampaignSchema, input);
      throwIfInvalidSchedule(parsed);
      const account = await loadAdAccount(db.kysely, actor, parsed.adAccountId);
      const spec = {
        name: parsed.name,
        objective: parsed.objective,
        budgetType: parsed.budgetType,
        budgetAmountMinor: parsed.budgetAmountMinor,
        startDate: parsed.startDate,
        endDate: parsed.endDate,
        targeting: parsed.targeting,
        landingUrl: parsed.landingUrl,
      };
      const adapter = adapterFor(context, account.platform);
      const { externalId } = await platformCall(() =>
        adapter.createCampaign(toPlatformAccount(account), spec, requestKey)
      );
      const now = nowForDb(context);
      const row: CampaignRow = {
        id: context.ids(),
        user_id: actor.userId,
        ad_account_id: account.id,
        external_id: externalId,
        name: spec.name,
        objective: spec.objective,
        status: parsed.status,
        budget_type: spec.budgetType,
        budget_amount_minor: spec.budgetAmountMinor,
        start_date: spec.startDate,
        end_date: spec.endDate,
        targeting: toDbJson(spec.targeting),
        landing_url: spec.landingUrl,
        metrics_synced_through: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      if (parsed.status === "active") {
        // Created paused on the platform, then launched: its own key, so a repeat of the whole
        // change launches the campaign the first attempt created, once.
        const launchKey = requestKey && await sha256Hex(`${requestKey}\nlaunch`);
        await platformCall(() =>
          adapter.resumeCampaign(toPlatformAccount(account), toPlatformCampaign(row), launchKey)
        );
      }
      return staged(async (on) => {
        await on.insertInto("campaigns").values(row).execute();
        return toCampaign(row, account.currency);
      }, { externalId, ...(parsed.status === "active" ? { launched: true } : {}) });
    },

    async update(actor, campaignId, input, requestKey) {
      const changes = parseInput(updateCampaignSchema, input);
      const { campaign, account } = await load(actor, campaignId);
      if (campaign.status === "archived") {
        throw new ConflictError("archived campaigns cannot change");
      }
      const defined = campaignColumns(changes);
      const merged = { ...campaign, ...defined };
      throwIfInvalidSchedule({
        budgetType: merged.budget_type,
        startDate: merged.start_date,
        endDate: merged.end_date,
      });
      await platformCall(() =>
        adapterFor(context, account.platform).updateCampaign(
          toPlatformAccount(account),
          toPlatformCampaign(merged),
          requestKey,
        )
      );
      return staged(async (on) =>
        toCampaign(await save(actor, campaign, defined, on), account.currency)
      );
    },

    async changeStatus(actor, campaignId, status, requestKey) {
      const { campaign, account } = await load(actor, campaignId);
      assertTransition(campaign.status, status);
      await sync.syncCampaign(account, campaign);
      const adapter = adapterFor(context, account.platform);
      const platformCampaign = toPlatformCampaign(campaign);
      const platformAccount = toPlatformAccount(account);
      if (status === "active") {
        await platformCall(() =>
          adapter.resumeCampaign(platformAccount, platformCampaign, requestKey)
        );
      } else if (status === "archived") {
        // The platform ends it for good too (a draft exists there as a paused campaign).
        await platformCall(() =>
          adapter.archiveCampaign(platformAccount, platformCampaign, requestKey)
        );
      } else if (campaign.status === "active") {
        await platformCall(() =>
          adapter.pauseCampaign(platformAccount, platformCampaign, requestKey)
        );
      }
      return staged(async (on) =>
        toCampaign(await save(actor, campaign, { status }, on), account.currency)
      );
    },

    async remove(actor, campaignId) {
      const { campaign, account } = await load(actor, campaignId);
      if (campaign.status === "active") {
        throw new ConflictError("pause or archive the campaign before deleting it");
      }
      return staged(async (on) =>
        toCampaign(
          await save(actor, campaign, { deleted_at: nowForDb(context) }, on),
          account.currency,
        ), { platformCall: "none" });
    },
  };
}

/** The columns an update sets (fields left out of the input stay). */
function campaignColumns(
  changes: ReturnType<typeof updateCampaignSchema.parse>,
): Partial<CampaignRow> {
  const columns: Partial<CampaignRow> = {
    name: changes.name,
    budget_type: changes.budgetType,
    budget_amount_minor: changes.budgetAmountMinor,
    start_date: changes.startDate,
    end_date: changes.endDate,
    targeting: changes.targeting === undefined ? undefined : toDbJson(changes.targeting),
    landing_url: changes.landingUrl,
  };
  return Object.fromEntries(
    Object.entries(columns).filter(([, value]) => value !== undefined),
  ) as Partial<CampaignRow>;
}

/** Lifetime budgets need an end date; the schedule must not end before it starts. */
function throwIfInvalidSchedule(
  schedule: { budgetType: string; startDate: string | null; endDate: string | null },
): void {
  const issues: FieldIssue[] = [];
  if (schedule.budgetType === "lifetime" && schedule.endDate === null) {
    issues.push({ field: "endDate", message: "is required for a lifetime budget" });
  }
  if (schedule.startDate && schedule.endDate && schedule.endDate < schedule.startDate) {
    issues.push({ field: "endDate", message: "must not be before startDate" });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
