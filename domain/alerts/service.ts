/**
 * `domain.alerts`: runs the detector on an ad account's stored metrics (after each metric sync,
 * or on a schedule), stores what it finds as alerts, and lets people list, acknowledge, resolve
 * and mute.
 *
 * Deduplication: at most one unresolved alert per type and campaign (or account), enforced by
 * the unique `open_key` — two instances detecting at once both try to insert, one wins, the
 * other's insert fails on the key and is skipped. A later detection that finds the anomaly still
 * there refreshes the open alert; one that finds the metric back in range resolves it; a
 * campaign no longer active has its alerts resolved (`inactive`). Muting stops new alerts on a
 * campaign (resolution still happens).
 *
 * Notifications are not sent here: `onAlertRaised` receives every alert raised (once, by the
 * instance whose insert won), for the notification service to fan out.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { isUniqueViolation } from "../../db/errors.ts";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import type {
  AdAccountsTable,
  AlertResolution,
  AlertsTable,
  AlertStatus,
  CampaignsTable,
} from "../../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../../db/time.ts";
import { upsert } from "../../db/upsert.ts";
import type { Actor } from "../actor.ts";
import { loadAdAccount } from "../ad_accounts.ts";
import { type ChangeRecord, changeRecordOf } from "../change_history.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { addDays, dateOf, fractionOfDayElapsed } from "../dates.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { countsFromColumns } from "../metric_sums.ts";
import { type Page, pageSchema, paginate } from "../pagination.ts";
import { parseInput } from "../validation.ts";
import {
  type AlertCause,
  causeChanges,
  CHANGE_LOOKBACK_DAYS,
  decompose,
  nextSteps,
} from "./cause.ts";
import { type CampaignFacts, detect, type Finding, type Verdict } from "./detect.ts";
import {
  ALERT_SEVERITIES,
  ALERT_TYPES,
  type AlertSeverity,
  type AlertThresholds,
  alertThresholdsSchema,
  type AlertType,
  type DayCounts,
  DEFAULT_ALERT_THRESHOLDS,
} from "./types.ts";

/** Days of metrics a detection reads: 8 weeks of baseline before yesterday, and today. */
const HISTORY_DAYS = 8 * 7 + 2;
/**
 * Complete days an account's first detection judges, oldest first (yesterday included), so the
 * alert list starts with the recent anomalies rather than empty.
 */
export const BACKFILL_DAYS = 14;
/** Longest mute. */
export const MAX_MUTE_DAYS = 90;
const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const satisfies AlertStatus[];

/** An alert as services and REST show it. */
export interface Alert {
  id: string;
  adAccountId: string;
  /** Null for an alert on the account's totals. */
  campaignId: string | null;
  type: AlertType;
  severity: AlertSeverity;
  status: AlertStatus;
  /** The day the anomaly was seen on, in the account's zone. */
  metricDate: string;
  finding: Finding;
  cause: AlertCause;
  createdAt: string;
  lastDetectedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: AlertResolution | null;
}

/** Filters of `list`. */
export const listAlertsSchema = pageSchema.extend({
  type: z.enum(ALERT_TYPES).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
});
/** Filters of `list`. */
export type ListAlertsQuery = z.input<typeof listAlertsSchema>;

/** Input of `mute`. */
export const muteCampaignSchema = z.strictObject({
  days: z.number().int().min(1).max(MAX_MUTE_DAYS),
});

/** A campaign's mute. */
export interface CampaignMute {
  campaignId: string;
  mutedUntil: string;
}

/** What one detection did. */
export interface DetectionReport {
  raised: Alert[];
  /** Open alerts found again (refreshed, not raised anew). */
  refreshed: number;
  resolved: number;
}

/** The alerts service. */
export interface AlertsService {
  /**
   * Judges every campaign of the account and its totals on the last complete day (and today's
   * partial row where defensible); raises, refreshes and resolves alerts. Not actor-scoped: it
   * runs after syncs and on schedules.
   */
  detect(adAccountId: string): Promise<DetectionReport>;
  /** The actor's alerts, newest first. */
  list(actor: Actor, query?: ListAlertsQuery): Promise<Page<Alert>>;
  get(actor: Actor, id: string): Promise<Alert>;
  /** How many of the actor's alerts are open (neither acknowledged nor resolved): the badge. */
  countOpen(actor: Actor): Promise<number>;
  /** Marks an open alert seen; still unresolved (and still deduplicating). */
  acknowledge(actor: Actor, id: string): Promise<Alert>;
  /** Resolves an alert by hand (idempotent). */
  resolve(actor: Actor, id: string): Promise<Alert>;
  /** Raises nothing new on the campaign for `days` days. */
  mute(actor: Actor, campaignId: string, input: { days: number }): Promise<CampaignMute>;
  /** Ends a campaign's mute (no-op when none). */
  unmute(actor: Actor, campaignId: string): Promise<void>;
  /** The account's thresholds (the defaults until edited). */
  thresholds(actor: Actor, adAccountId: string): Promise<AlertThresholds>;
  /** The account's thresholds and whether they are still the defaults (nobody saved any). */
  accountThresholds(actor: Actor, adAccountId: string): Promise<AccountAlertThresholds>;
  /** Replaces the account's thresholds; omitted fields take the defaults. */
  setThresholds(
    actor: Actor,
    adAccountId: string,
    input: z.input<typeof alertThresholdsSchema>,
  ): Promise<AlertThresholds>;
}

/** An account's thresholds as REST shows them. */
export interface AccountAlertThresholds extends AlertThresholds {
  adAccountId: string;
  /** True until someone saves thresholds for the account. */
  isDefault: boolean;
}

/** Options of the service. */
export interface AlertsOptions {
  /** Called with the alerts a detection raised (not those it refreshed), when there are any. */
  onAlertRaised?: (alerts: readonly Alert[]) => void | Promise<void>;
}

/** Builds the alerts service. */
export function createAlertsService(
  context: DomainContext,
  options: AlertsOptions = {},
): AlertsService {
  const { db } = context;

  async function loadOwned(actor: Actor, id: string): Promise<Selectable<AlertsTable>> {
    const row = await db.kysely.selectFrom("alerts").selectAll()
      .where("id", "=", id).where("user_id", "=", actor.userId).executeTakeFirst();
    if (!row) throw new NotFoundError("alert");
    return row;
  }

  async function accountThresholds(adAccountId: string): Promise<AlertThresholds> {
    const row = await db.kysely.selectFrom("alert_thresholds").select("thresholds")
      .where("ad_account_id", "=", adAccountId).executeTakeFirst();
    if (!row) return { ...DEFAULT_ALERT_THRESHOLDS };
    const parsed = alertThresholdsSchema.safeParse(fromDbJson(row.thresholds));
    return parsed.success ? parsed.data : { ...DEFAULT_ALERT_THRESHOLDS };
  }

  async function detectAccount(adAccountId: string): Promise<DetectionReport> {
    const found = await db.kysely.selectFrom("ad_accounts").selectAll()
      .where("id", "=", adAccountId).where("deleted_at", "is", null).executeTakeFirst();
    if (!found) return { raised: [], refreshed: 0, resolved: 0 };
    const account = found;
    const now = context.clock.now();
    const today = dateOf(now, account.timezone);
    const date = addDays(today, -1);
    const firstDetection = (await db.kysely.selectFrom("alert_detections").select("id")
      .where("ad_account_id", "=", account.id).executeTakeFirst()) === undefined;
    // A first detection judges older days too, each with its own baseline weeks before it.
    const from = addDays(today, -HISTORY_DAYS - (firstDetection ? BACKFILL_DAYS : 0));
    const thresholds = await accountThresholds(account.id);

    const campaigns = await db.kysely.selectFrom("campaigns").selectAll()
      .where("ad_account_id", "=", account.id).where("deleted_at", "is", null).execute();
    const metricRows = await db.kysely.selectFrom("campaign_metrics")
      .select([
        "campaign_id",
        "metric_date",
        "impressions",
        "clicks",
        "spend_minor",
        "conversions",
        "revenue_minor",
      ])
      .where("ad_account_id", "=", account.id).where("metric_date", ">=", from).execute();
    const lifetime = await db.kysely.selectFrom("campaign_metrics")
      .select((eb) => ["campaign_id", eb.fn.sum<number>("spend_minor").as("spend")])
      .where("ad_account_id", "=", account.id).groupBy("campaign_id").execute();
    const accountRows = await db.kysely.selectFrom("ad_account_daily_metrics")
      .selectAll().where("ad_account_id", "=", account.id).where("metric_date", ">=", from)
      .execute();
    const changeRows = await db.kysely.selectFrom("campaign_changes").selectAll()
      .where("ad_account_id", "=", account.id)
      .where((eb) =>
        eb.or([
          eb("operation", "=", "resume"),
          eb(
            "created_at",
            ">=",
            toDbTimestamp(
              new Date(now.getTime() - (9 + (firstDetection ? BACKFILL_DAYS : 0)) * 86_400_000),
            ),
          ),
        ])
      )
      .orderBy("seq").execute();
    const mutes = await db.kysely.selectFrom("alert_mutes").select("campaign_id")
      .where("ad_account_id", "=", account.id).where("muted_until", ">", toDbTimestamp(now))
      .execute();
    const open = await db.kysely.selectFrom("alerts").selectAll()
      .where("ad_account_id", "=", account.id).where("open_key", "is not", null).execute();

    const muted = new Set(mutes.map((row) => row.campaign_id));
    const openByKey = new Map(open.map((row) => [row.open_key!, row]));
    /** Alerts this detection resolved (a replayed anomaly may be raised, then resolved). */
    const resolvedIds = new Set<string>();
    const spentByCampaign = new Map(lifetime.map((row) => [row.campaign_id, Number(row.spend)]));
    const daysByCampaign = new Map<string, DayCounts[]>();
    for (const row of metricRows) {
      const list = daysByCampaign.get(row.campaign_id) ?? [];
      list.push({ date: row.metric_date, ...countsFromColumns(row) });
      daysByCampaign.set(row.campaign_id, list);
    }
    const changesByCampaign = new Map<string, (typeof changeRows)[number][]>();
    for (const row of changeRows) {
      // The account's own changes (renamed, disconnected) are no campaign's cause.
      if (row.campaign_id === null) continue;
      const list = changesByCampaign.get(row.campaign_id) ?? [];
      list.push(row);
      changesByCampaign.set(row.campaign_id, list);
    }

    const report: DetectionReport = { raised: [], refreshed: 0, resolved: 0 };
    const seenKeys = new Set<string>();
    const fraction = fractionOfDayElapsed(now, account.timezone);
    const accountDays = accountRows.map((row) => ({
      date: row.metric_date,
      ...countsFromColumns(row),
    }));

    // An account judged for the first time replays its recent complete days in order, so the
    // alert list shows the anomalies of the last two weeks at once (those already back in range
    // end up resolved by the later days' verdicts); then the usual pass judges yesterday.
    const backfill = firstDetection
      ? Array.from(
        { length: BACKFILL_DAYS - 1 },
        (_, index) => addDays(date, index - BACKFILL_DAYS + 1),
      )
      : [];
    for (const judged of [...backfill, date]) await judgeDay(judged, judged === date);

    async function judgeDay(judged: string, latest: boolean) {
      /** Types some campaign is anomalous in: the account's totals do not repeat them. */
      const campaignAnomalies = new Set<string>();
      for (const campaign of campaigns) {
        const days = (daysByCampaign.get(campaign.id) ?? []).filter((day) => day.date <= judged);
        const changes = changesByCampaign.get(campaign.id) ?? [];
        const facts = campaignFacts(campaign, account, changes, spentByCampaign);
        const todayRow = latest
          ? (daysByCampaign.get(campaign.id) ?? []).find((day) => day.date === today)
          : undefined;
        const verdicts = detect({
          days,
          date: judged,
          today: todayRow ? { counts: todayRow, fractionElapsed: fraction } : undefined,
          thresholds,
          campaign: facts,
        });
        const history = changes.map(changeRecordOf);
        for (const verdict of verdicts) {
          if (verdict.state === "anomaly") campaignAnomalies.add(verdict.type);
        }
        await apply(account, campaign, verdicts, days, history, {
          muted: muted.has(campaign.id),
          inactive: facts.status !== "active",
        });
      }

      // The account's totals.
      const totals = accountDays.filter((day) => day.date <= judged);
      const accountVerdicts = detect({
        days: totals,
        date: judged,
        thresholds,
      }).map((verdict): Verdict =>
        verdict.state === "anomaly" && campaignAnomalies.has(verdict.type)
          ? { type: verdict.type, state: "not_evaluated", reason: "a campaign's alert says it" }
          : verdict
      );
      await apply(account, null, accountVerdicts, totals, [], { muted: false, inactive: false });
    }

    // Alerts of campaigns deleted since: nothing left to watch.
    for (const row of open) {
      if (seenKeys.has(row.open_key!)) continue;
      await resolveRow(row, null, "inactive", now);
      report.resolved += 1;
    }
    await markDetected(account, now);
    // Only what is still unresolved is news (a replayed anomaly already over is history).
    report.raised = report.raised.filter((alert) => !resolvedIds.has(alert.id));
    if (report.raised.length > 0 && options.onAlertRaised) {
      await options.onAlertRaised(report.raised);
    }
    return report;

    async function apply(
      account: Selectable<AdAccountsTable>,
      campaign: Selectable<CampaignsTable> | null,
      verdicts: Verdict[],
      days: DayCounts[],
      history: ChangeRecord[],
      flags: { muted: boolean; inactive: boolean },
    ) {
      for (const verdict of verdicts) {
        const key = openKey(verdict.type, account.id, campaign?.id ?? null);
        seenKeys.add(key);
        const existing = openByKey.get(key);
        if (flags.inactive || verdict.state === "normal") {
          if (existing) {
            await resolveRow(existing, null, flags.inactive ? "inactive" : "auto", now);
            openByKey.delete(key);
            resolvedIds.add(existing.id);
            report.resolved += 1;
          }
          continue;
        }
        if (verdict.state !== "anomaly") continue;
        const cause = causeOf(verdict.finding, campaign, days, history, account.timezone);
        if (existing) {
          await db.kysely.updateTable("alerts").set({
            severity: verdict.finding.severity,
            metric_date: verdict.finding.date,
            finding: toDbJson(verdict.finding),
            cause: toDbJson(cause),
            last_detected_at: toDbTimestamp(now),
            updated_at: toDbTimestamp(now),
          }).where("id", "=", existing.id).where("open_key", "=", key).execute();
          report.refreshed += 1;
          continue;
        }
        if (flags.muted) continue;
        const raised = await insertAlert(account, campaign, key, verdict.finding, cause, now);
        if (raised) {
          report.raised.push(toAlert(raised));
          openByKey.set(key, raised);
        }
      }
    }
  }

  /** Records that the account was judged now (the scheduler reads it; a first time replays). */
  async function markDetected(account: Selectable<AdAccountsTable>, now: Date) {
    const stamp = toDbTimestamp(now);
    await upsert(db.kysely, db.dialect, {
      table: "alert_detections",
      rows: [{
        id: context.ids(),
        user_id: account.user_id,
        ad_account_id: account.id,
        detected_at: stamp,
        created_at: stamp,
        updated_at: stamp,
      }],
      conflictColumns: ["ad_account_id"],
      updateColumns: ["detected_at", "updated_at"],
    });
  }

  function causeOf(
    finding: Finding,
    campaign: Selectable<CampaignsTable> | null,
    days: DayCounts[],
    history: ChangeRecord[],
    timeZone: string,
  ): AlertCause {
    const byDate = new Map(days.map((day) => [day.date, day]));
    // A sustained shift is broken down over its average day: ratios as over its sum, volumes
    // (clicks, impressions) per day, comparable with the baseline's days.
    const span = finding.shift?.days ?? 1;
    const summed = Array.from(
      { length: span },
      (_, index) => byDate.get(addDays(finding.date, -index)),
    ).reduce<DayCounts>((total, day) =>
      day
        ? {
          date: finding.date,
          impressions: total.impressions + day.impressions,
          clicks: total.clicks + day.clicks,
          spendMinor: total.spendMinor + day.spendMinor,
          conversions: total.conversions + day.conversions,
          revenueMinor: total.revenueMinor + day.revenueMinor,
        }
        : total, {
      date: finding.date,
      impressions: 0,
      clicks: 0,
      spendMinor: 0,
      conversions: 0,
      revenueMinor: 0,
    });
    const observed: DayCounts = {
      date: finding.date,
      impressions: summed.impressions / span,
      clicks: summed.clicks / span,
      spendMinor: summed.spendMinor / span,
      conversions: summed.conversions / span,
      revenueMinor: summed.revenueMinor / span,
    };
    const baselineDates = finding.baseline?.dates ??
      Array.from({ length: 7 }, (_, index) => addDays(finding.date, -1 - index));
    const baseline = baselineDates.flatMap((date) => byDate.get(date) ?? []);
    const { parts, movedPart } = decompose(finding, observed, baseline);
    // Changes in the days before the anomaly, up to the end of its day.
    const since = addDays(finding.date, -CHANGE_LOOKBACK_DAYS);
    const before = history.filter((record) => {
      const day = dateOf(new Date(record.createdAt), timeZone);
      return day >= since && day <= finding.date;
    });
    const changes = causeChanges(before);
    return {
      parts,
      movedPart,
      changes,
      nextSteps: campaign
        ? nextSteps(
          finding,
          { id: campaign.id, budgetAmountMinor: campaign.budget_amount_minor },
          changes,
        )
        : [],
    };
  }

  async function insertAlert(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable> | null,
    key: string,
    finding: Finding,
    cause: AlertCause,
    now: Date,
  ): Promise<Selectable<AlertsTable> | null> {
    const stamp = toDbTimestamp(now);
    const row: Selectable<AlertsTable> = {
      id: context.ids(),
      user_id: account.user_id,
      ad_account_id: account.id,
      campaign_id: campaign?.id ?? null,
      type: finding.type,
      severity: finding.severity,
      status: "open",
      open_key: key,
      metric_date: finding.date,
      finding: toDbJson(finding),
      cause: toDbJson(cause),
      last_detected_at: stamp,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      resolution: null,
      created_at: stamp,
      updated_at: stamp,
    };
    try {
      await db.kysely.insertInto("alerts").values(row).execute();
    } catch (error) {
      // Another instance raised it first: one alert, raised once.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return row;
  }

  async function resolveRow(
    row: Selectable<AlertsTable>,
    by: string | null,
    resolution: AlertResolution,
    now: Date,
  ): Promise<void> {
    const stamp = toDbTimestamp(now);
    await db.kysely.updateTable("alerts").set({
      status: "resolved",
      open_key: null,
      resolved_at: stamp,
      resolved_by: by,
      resolution,
      updated_at: stamp,
    }).where("id", "=", row.id).where("status", "!=", "resolved").execute();
  }

  return {
    detect: detectAccount,

    async list(actor, input = {}) {
      const query = parseInput(listAlertsSchema, input);
      const scoped = db.kysely.selectFrom("alerts").where("user_id", "=", actor.userId)
        .$if(query.type !== undefined, (q) => q.where("type", "=", query.type!))
        .$if(query.severity !== undefined, (q) => q.where("severity", "=", query.severity!))
        .$if(query.status !== undefined, (q) => q.where("status", "=", query.status!))
        .$if(
          query.adAccountId !== undefined,
          (q) => q.where("ad_account_id", "=", query.adAccountId!),
        )
        .$if(query.campaignId !== undefined, (q) => q.where("campaign_id", "=", query.campaignId!));
      return await paginate(
        scoped,
        query,
        (q) => q.selectAll().orderBy("created_at", "desc").orderBy("id"),
        toAlert,
      );
    },

    async get(actor, id) {
      return toAlert(await loadOwned(actor, id));
    },

    async countOpen(actor) {
      const row = await db.kysely.selectFrom("alerts")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("user_id", "=", actor.userId).where("status", "=", "open")
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },

    async acknowledge(actor, id) {
      const row = await loadOwned(actor, id);
      if (row.status === "resolved") throw new ConflictError("the alert is already resolved");
      if (row.status === "open") {
        const stamp = nowForDb(context);
        await db.kysely.updateTable("alerts").set({
          status: "acknowledged",
          acknowledged_at: stamp,
          acknowledged_by: actor.userId,
          updated_at: stamp,
        }).where("id", "=", id).where("status", "=", "open").execute();
      }
      return toAlert(await loadOwned(actor, id));
    },

    async resolve(actor, id) {
      const row = await loadOwned(actor, id);
      if (row.status !== "resolved") {
        await resolveRow(row, actor.userId, "manual", context.clock.now());
      }
      return toAlert(await loadOwned(actor, id));
    },

    async mute(actor, campaignId, input) {
      const { days } = parseInput(muteCampaignSchema, input);
      const campaign = await db.kysely.selectFrom("campaigns")
        .select(["id", "ad_account_id"])
        .where("id", "=", campaignId).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null).executeTakeFirst();
      if (!campaign) throw new NotFoundError("campaign");
      const now = context.clock.now();
      const until = toDbTimestamp(new Date(now.getTime() + days * 86_400_000));
      const stamp = toDbTimestamp(now);
      const updated = await db.kysely.updateTable("alert_mutes")
        .set({ muted_until: until, updated_at: stamp })
        .where("campaign_id", "=", campaignId).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        try {
          await db.kysely.insertInto("alert_mutes").values({
            id: context.ids(),
            user_id: actor.userId,
            ad_account_id: campaign.ad_account_id,
            campaign_id: campaignId,
            muted_until: until,
            created_at: stamp,
            updated_at: stamp,
          }).execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          await db.kysely.updateTable("alert_mutes")
            .set({ muted_until: until, updated_at: stamp })
            .where("campaign_id", "=", campaignId).execute();
        }
      }
      return { campaignId, mutedUntil: isoFromDb(until) };
    },

    async unmute(actor, campaignId) {
      await db.kysely.deleteFrom("alert_mutes")
        .where("campaign_id", "=", campaignId).where("user_id", "=", actor.userId).execute();
    },

    async thresholds(actor, adAccountId) {
      const account = await loadAdAccount(db.kysely, actor, adAccountId);
      return await accountThresholds(account.id);
    },

    async accountThresholds(actor, adAccountId) {
      const account = await loadAdAccount(db.kysely, actor, adAccountId);
      const saved = await db.kysely.selectFrom("alert_thresholds").select("id")
        .where("ad_account_id", "=", account.id).executeTakeFirst();
      return {
        ...await accountThresholds(account.id),
        adAccountId: account.id,
        isDefault: saved === undefined,
      };
    },

    async setThresholds(actor, adAccountId, input) {
      const account = await loadAdAccount(db.kysely, actor, adAccountId);
      const thresholds = parseInput(alertThresholdsSchema, input);
      const stamp = nowForDb(context);
      const updated = await db.kysely.updateTable("alert_thresholds")
        .set({ thresholds: toDbJson(thresholds), updated_at: stamp })
        .where("ad_account_id", "=", account.id).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        try {
          await db.kysely.insertInto("alert_thresholds").values({
            id: context.ids(),
            user_id: actor.userId,
            ad_account_id: account.id,
            thresholds: toDbJson(thresholds),
            created_at: stamp,
            updated_at: stamp,
          }).execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          await db.kysely.updateTable("alert_thresholds")
            .set({ thresholds: toDbJson(thresholds), updated_at: stamp })
            .where("ad_account_id", "=", account.id).execute();
        }
      }
      return thresholds;
    },
  };
}

/** The dedup key of an unresolved alert. */
export function openKey(type: AlertType, adAccountId: string, campaignId: string | null): string {
  return campaignId ? `${type}:${campaignId}` : `${type}:account:${adAccountId}`;
}

/** What the detector needs of a campaign row, its resumes and its spend so far. */
function campaignFacts(
  campaign: Selectable<CampaignsTable>,
  account: Selectable<AdAccountsTable>,
  changes: readonly { operation: string; created_at: string }[],
  spent: Map<string, number>,
): CampaignFacts {
  const resumes = changes.filter((change) => change.operation === "resume");
  const since = resumes.length > 0 ? resumes[resumes.length - 1].created_at : campaign.created_at;
  return {
    status: campaign.status,
    budgetType: campaign.budget_type,
    budgetAmountMinor: campaign.budget_amount_minor,
    startDate: campaign.start_date,
    endDate: campaign.end_date,
    activeSince: campaign.status === "active"
      ? dateOf(new Date(isoFromDb(since)), account.timezone)
      : null,
    lifetimeSpentMinor: spent.get(campaign.id) ?? 0,
  };
}

function toAlert(row: Selectable<AlertsTable>): Alert {
  const iso = (value: string | null) => value === null ? null : isoFromDb(value);
  return {
    id: row.id,
    adAccountId: row.ad_account_id,
    campaignId: row.campaign_id,
    type: row.type as AlertType,
    severity: row.severity as AlertSeverity,
    status: row.status,
    metricDate: row.metric_date,
    finding: fromDbJson(row.finding) as Finding,
    cause: fromDbJson(row.cause) as AlertCause,
    createdAt: isoFromDb(row.created_at),
    lastDetectedAt: isoFromDb(row.last_detected_at),
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}
