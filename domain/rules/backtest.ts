/**
 * The backtest engine, pure: replays a rule over stored daily metrics as its schedule would have
 * run it, carrying forward its own effects, its cooldowns and the account's autopilot limits.
 *
 * How the replay reads history (an estimate, and labelled so):
 * - A daily rule is evaluated once per day at its time; hourly and 15-minute rules at every slot.
 *   Stored metrics are daily, so "today so far" at a slot is the day's counts prorated by the
 *   share of the day elapsed (delivery assumed even over the day).
 * - Effects change what follows: a paused campaign delivers nothing for the rest of the replay
 *   (until a rule resumes it, or the next midnight for `pause_until_tomorrow`); a budget change
 *   scales the counts of a day whose spend reached the original budget (capped) by new / old
 *   budget, and of an uncapped day only when the new budget is below what it spent.
 * - Each change is reviewed with the account's autopilot limits as software (`reviewLimits`):
 *   a refusal or a change that would need a person's approval is reported and not applied. Any
 *   firing, applied or blocked, starts the cooldown of the rule's action on that campaign.
 * - Days are 24 hours of the account's time zone; the starting budget is each campaign's
 *   budget now, and campaigns start the replay active.
 *
 * @module
 */
import {
  type AutopilotLimits,
  type BudgetHistoryEntry,
  reviewLimits,
} from "../autopilot_limits.ts";
import { addDays, daysBetween } from "../dates.ts";
import {
  compileConditions,
  type GateWindowResult,
  type RuleEvaluation,
  type WindowCounts,
} from "./conditions.ts";
import type { DailyHistory } from "./history.ts";
import type { RuleAction, RuleDefinition, RuleSchedule } from "./model.ts";

/** Default and longest replayed period, in days. */
export const DEFAULT_BACKTEST_DAYS = 30;
/** Longest replayed period. */
export const MAX_BACKTEST_DAYS = 90;
/** Most firings and gate-blocked entries listed (the counts are always complete). */
export const MAX_LISTED = 5_000;

/** A campaign the rule watches, as it is now. */
export interface BacktestCampaign {
  id: string;
  name: string;
  /** Its daily budget now (the replay's starting budget); null for a lifetime budget. */
  dailyBudgetMinor: number | null;
}

/** What the engine replays. */
export interface BacktestInput {
  rule: Pick<RuleDefinition, "conditions" | "gate" | "action" | "schedule" | "cooldownHours">;
  /** The campaigns in scope, in the order of `history.campaignIds`. */
  campaigns: readonly BacktestCampaign[];
  /** Their stored daily metrics, from early enough for the rule's windows. */
  history: DailyHistory;
  /** First and last replayed day (inclusive), within the history. */
  from: string;
  to: string;
  limits: AutopilotLimits;
  currency: string;
  /** Sum of the daily budgets of the account's active campaigns outside the scope. */
  otherActiveDailyMinor: number;
}

/** One firing in the replay. */
export interface BacktestFiring {
  /** Local time of the account, `YYYY-MM-DDTHH:MM`. */
  at: string;
  campaignId: string;
  campaignName: string;
  action: RuleAction["type"];
  /** For budget actions: the budget before and the one asked for. */
  budgetBeforeMinor: number | null;
  budgetAfterMinor: number | null;
  /** The values that made it fire. */
  evaluation: RuleEvaluation;
  /** Set when the account's limits stopped the change (it was then not applied). */
  blocked: { limit: string; message: string; needsApproval: boolean } | null;
}

/** A campaign-day where the conditions held but the minimum-data gate stopped the rule. */
export interface GateBlocked {
  /** The first slot of the day this happened. */
  at: string;
  campaignId: string;
  campaignName: string;
  windows: GateWindowResult[];
}

/** A point of a campaign's path: its budget and status from `at` on. */
export interface PathPoint {
  at: string;
  budgetMinor: number | null;
  status: "active" | "paused";
}

/** Spend and conversions over the period. */
export interface OutcomeTotals {
  spendMinor: number;
  conversions: number;
}

/** The backtest's answer. */
export interface BacktestResult {
  from: string;
  to: string;
  days: number;
  frequency: RuleSchedule["frequency"];
  /** Why the figures are estimates. */
  estimateNote: string;
  currency: string;
  campaignsEvaluated: number;
  firingCount: number;
  blockedCount: number;
  firings: BacktestFiring[];
  gateBlockedCount: number;
  gateBlocked: GateBlocked[];
  /** Campaigns the rule changed: budget and status from the start, at each change. */
  paths: { campaignId: string; campaignName: string; points: PathPoint[] }[];
  outcome: { estimate: true; withoutRule: OutcomeTotals; withRule: OutcomeTotals };
}

const MINUTES_PER_DAY = 1_440;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** A day whose spend reached this share of the budget was limited by it. */
const CAPPED_SHARE = 0.95;

const ACTIVE = 0;
const PAUSED = 1;
const PAUSED_UNTIL_TOMORROW = 2;

/** Minutes of the day at which the schedule evaluates. */
export function slotMinutes(schedule: RuleSchedule): number[] {
  switch (schedule.frequency) {
    case "every_15_minutes":
      return Array.from({ length: 96 }, (_, index) => index * 15);
    case "hourly":
      return Array.from({ length: 24 }, (_, index) => index * 60);
    case "daily": {
      const [hours, minutes] = schedule.at.split(":").map(Number);
      return [hours * 60 + minutes];
    }
  }
}

function estimateNote(schedule: RuleSchedule): string {
  const base = "Estimated from stored daily metrics: paused campaigns stop delivering, budget " +
    "changes scale days that spent their budget, starting from today's budgets.";
  return schedule.frequency === "daily" ? base : `${base} Stored metrics are daily, so each ` +
    `${schedule.frequency === "hourly" ? "hour" : "15 minutes"}'s "today so far" prorates the ` +
    "day's counts evenly over the day.";
}

function localTime(date: string, minute: number): string {
  const hours = String(Math.floor(minute / 60)).padStart(2, "0");
  const minutes = String(minute % 60).padStart(2, "0");
  return `${date}T${hours}:${minutes}`;
}

/** Replays `input.rule` over `input.from`…`input.to`. */
export function runBacktest(input: BacktestInput): BacktestResult {
  const { rule, campaigns, history, limits, currency } = input;
  const days = history.dayCount;
  const campaignCount = campaigns.length;
  const firstDay = daysBetween(history.firstDate, input.from);
  const lastDay = daysBetween(history.firstDate, input.to);
  const compiled = compileConditions(rule);
  const windows = compiled.windows;
  const slots: WindowCounts[] = windows.map(() => ({
    impressions: 0,
    clicks: 0,
    spendMinor: 0,
    conversions: 0,
    revenueMinor: 0,
    days: 0,
  }));
  const minutes = slotMinutes(rule.schedule);
  const slotCount = minutes.length;
  const shares = minutes.map((minute) => minute / MINUTES_PER_DAY);
  /** The first slot at or after `share` of the day (`slotCount` when none is left). */
  const firstSlotFrom = (share: number): number => {
    let low = 0;
    let high = slotCount;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (shares[middle] >= share) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  const cooldownMs = rule.cooldownHours * 3_600_000;
  const action = rule.action;

  // Effective (replayed) daily counts, and their prefix sums as days complete.
  const { impressions, clicks, spendMinor, conversions, revenueMinor } = history;
  const effective = [
    Float64Array.from(impressions),
    Float64Array.from(clicks),
    Float64Array.from(spendMinor),
    Float64Array.from(conversions),
    Float64Array.from(revenueMinor),
  ];
  const stored = [impressions, clicks, spendMinor, conversions, revenueMinor];
  const stride = days + 1;
  const prefix = stored.map(() => new Float64Array(campaignCount * stride));
  const firstData = new Int32Array(campaignCount).fill(-1);
  for (let c = 0; c < campaignCount; c++) {
    const base = c * days;
    for (let d = 0; d < days; d++) {
      if (firstData[c] < 0 && (impressions[base + d] > 0 || spendMinor[base + d] > 0)) {
        firstData[c] = d;
      }
    }
    // Days before the replay are history as stored.
    for (let metric = 0; metric < 5; metric++) {
      const values = stored[metric];
      const sums = prefix[metric];
      for (let d = 0; d < firstDay; d++) {
        sums[c * stride + d + 1] = sums[c * stride + d] + values[base + d];
      }
    }
  }

  const state = new Uint8Array(campaignCount);
  const budget = new Float64Array(campaignCount);
  const baseBudget = new Float64Array(campaignCount);
  const hasBudget = new Uint8Array(campaignCount);
  const lastFiredMs = new Float64Array(campaignCount).fill(-Infinity);
  // Today so far = what was delivered before the current state began (`todayBase`) plus the
  // stored day prorated from `segmentStart` on at the current state's multiplier: computed
  // when read, so slots that evaluate nothing cost nothing.
  const todayBase = stored.map(() => new Float64Array(campaignCount));
  const segmentStart = new Float64Array(campaignCount);
  // Day on which the conditions that hold still through the day were checked (reset when the
  // campaign changes): when they alone make the rule false, the rest of the day is skipped.
  const checkedDay = new Int32Array(campaignCount).fill(-1);
  const growth = new Float64Array(5);
  const readsToday = windows.some((window) =>
    window.kind === "today" || window.kind === "lifetime"
  );
  const windowKinds = Int32Array.from(
    windows,
    (window) =>
      window.kind === "today"
        ? 0
        : window.kind === "yesterday"
        ? 1
        : window.kind === "last_n_days"
        ? 2
        : 3,
  );
  const windowDays = Int32Array.from(
    windows,
    (window) => window.kind === "last_n_days" ? window.n : 1,
  );
  const budgetChanges = new Map<number, BudgetHistoryEntry[]>();
  const paths = new Map<number, PathPoint[]>();
  let activeInScopeMinor = 0;
  for (let c = 0; c < campaignCount; c++) {
    const amount = campaigns[c].dailyBudgetMinor;
    hasBudget[c] = amount === null ? 0 : 1;
    budget[c] = baseBudget[c] = amount ?? 0;
    activeInScopeMinor += amount ?? 0;
  }

  const firings: BacktestFiring[] = [];
  const gateBlocked: GateBlocked[] = [];
  let firingCount = 0;
  let blockedCount = 0;
  let gateBlockedCount = 0;
  const gateBlockedDay = new Int32Array(campaignCount).fill(-1);

  /** The share of a day's stored counts a campaign delivers in its current state. */
  const multiplier = (c: number, at: number): number => {
    if (state[c] !== ACTIVE) return 0;
    if (!hasBudget[c] || budget[c] === baseBudget[c]) return 1;
    const spent = spendMinor[at];
    if (spent >= CAPPED_SHARE * baseBudget[c]) {
      return baseBudget[c] === 0 ? 1 : budget[c] / baseBudget[c];
    }
    return spent > budget[c] ? budget[c] / spent : 1;
  };

  /** Closes the current state's stretch of today at `share` (before the state changes). */
  const closeSegment = (c: number, at: number, share: number) => {
    const factor = (share - segmentStart[c]) * multiplier(c, at);
    if (factor > 0) {
      for (let metric = 0; metric < 5; metric++) {
        todayBase[metric][c] += stored[metric][at] * factor;
      }
    }
    segmentStart[c] = share;
  };

  const fillSlots = (c: number, d: number, share: number) => {
    const base = c * stride;
    const at = c * days + d;
    const todayFactor = readsToday ? (share - segmentStart[c]) * multiplier(c, at) : 0;
    for (let index = 0; index < windows.length; index++) {
      const kind = windowKinds[index];
      const slot = slots[index];
      const from = kind === 0 ? d : kind === 1 ? d - 1 : kind === 2 ? d - windowDays[index] : 0;
      const start = base + (from < 0 ? 0 : from);
      const end = base + d;
      const withToday = kind === 0 || kind === 3;
      slot.impressions = prefix[0][end] - prefix[0][start] +
        (withToday ? todayBase[0][c] + impressions[at] * todayFactor : 0);
      slot.clicks = prefix[1][end] - prefix[1][start] +
        (withToday ? todayBase[1][c] + clicks[at] * todayFactor : 0);
      slot.spendMinor = prefix[2][end] - prefix[2][start] +
        (withToday ? todayBase[2][c] + spendMinor[at] * todayFactor : 0);
      slot.conversions = prefix[3][end] - prefix[3][start] +
        (withToday ? todayBase[3][c] + conversions[at] * todayFactor : 0);
      slot.revenueMinor = prefix[4][end] - prefix[4][start] +
        (withToday ? todayBase[4][c] + revenueMinor[at] * todayFactor : 0);
      slot.days = kind === 2
        ? windowDays[index]
        : kind !== 3
        ? 1
        : firstData[c] < 0 || firstData[c] > d
        ? 0
        : d - firstData[c] + 1;
    }
  };

  /**
   * The earliest share of the day at which the gate can pass for campaign `c`, from slots
   * filled at `share`: windows that hold still and fail keep failing all day (Infinity); today's
   * counts grow at the day's rate.
   */
  const gatePassesAt = (c: number, at: number, share: number): number => {
    const { minImpressions, minClicks } = rule.gate;
    const rate = multiplier(c, at);
    let wait = share;
    for (const index of compiled.gateSlots) {
      const slot = slots[index];
      if (slot.impressions >= minImpressions || slot.clicks >= minClicks) continue;
      const kind = windowKinds[index];
      if (kind === 1 || kind === 2 || rate === 0) return Infinity;
      const impressionRate = impressions[at] * rate;
      const clickRate = clicks[at] * rate;
      const byImpressions = impressionRate > 0
        ? share + (minImpressions - slot.impressions) / impressionRate
        : Infinity;
      const byClicks = clickRate > 0 ? share + (minClicks - slot.clicks) / clickRate : Infinity;
      wait = Math.max(wait, Math.min(byImpressions, byClicks));
    }
    // A hair early rather than late: rounding must not skip the slot where it passes.
    return wait - 1e-9;
  };

  const record = (c: number, at: string) => {
    const points = paths.get(c) ?? [{
      at: localTime(input.from, 0),
      budgetMinor: hasBudget[c] ? baseBudget[c] : null,
      status: "active" as const,
    }];
    points.push({
      at,
      budgetMinor: hasBudget[c] ? budget[c] : null,
      status: state[c] === ACTIVE ? "active" : "paused",
    });
    paths.set(c, points);
  };

  /** The budget the action asks for, or null when it changes nothing on campaign `c`. */
  const targetBudget = (c: number): number | null => {
    if (!hasBudget[c]) return null;
    let next: number;
    if (action.type === "adjust_budget") {
      next = Math.round(budget[c] * (1 + action.percent / 100));
    } else if (action.type === "set_budget") next = action.amount;
    else return null;
    if (action.minBudget !== undefined) next = Math.max(next, action.minBudget);
    if (action.maxBudget !== undefined) next = Math.min(next, action.maxBudget);
    return next === budget[c] ? null : next;
  };

  /** Whether the action would change campaign `c` at all (no-ops are not firings). */
  const computeApplicable = (c: number): boolean => {
    switch (action.type) {
      case "pause":
      case "pause_until_tomorrow":
        return state[c] === ACTIVE;
      case "resume":
        return state[c] !== ACTIVE;
      case "notify_only":
        return true;
      case "adjust_budget":
      case "set_budget":
        return targetBudget(c) !== null;
    }
  };

  // Cached per campaign, refreshed whenever its state or budget changes.
  const applicable = new Uint8Array(campaignCount);
  for (let c = 0; c < campaignCount; c++) applicable[c] = computeApplicable(c) ? 1 : 0;

  for (let d = firstDay; d <= lastDay; d++) {
    const date = addDays(history.firstDate, d);
    const dayStartMs = Date.parse(`${date}T00:00:00Z`);
    for (let c = 0; c < campaignCount; c++) {
      if (state[c] === PAUSED_UNTIL_TOMORROW) {
        state[c] = ACTIVE;
        activeInScopeMinor += budget[c];
        applicable[c] = computeApplicable(c) ? 1 : 0;
        record(c, localTime(date, 0));
      }
    }
    // Each campaign waits in the bucket of the next slot where something can happen to it: the
    // first slot after its cooldown, the next slot while today's counts may still change the
    // outcome, the slot where the data gate can first pass; none when nothing can that day.
    const buckets: number[][] = minutes.map(() => []);
    // Buckets filled out of campaign order, to be sorted before they are run.
    const unsorted = new Uint8Array(slotCount);
    for (let c = 0; c < campaignCount; c++) {
      if (!applicable[c]) continue;
      const slot = firstSlotFrom((lastFiredMs[c] + cooldownMs - dayStartMs) / DAY_MS);
      if (slot < slotCount) buckets[slot].push(c);
    }
    for (let slot = 0; slot < slotCount; slot++) {
      const queue = buckets[slot];
      if (queue.length === 0) continue;
      // In campaign order, as the scheduled run would go through them.
      if (unsorted[slot]) queue.sort((left, right) => left - right);
      const minute = minutes[slot];
      const share = shares[slot];
      const nowMs = dayStartMs + minute * MINUTE_MS;
      const at = localTime(date, minute);
      const wake = (c: number, next: number) => {
        if (next >= slotCount) return;
        const bucket = buckets[next];
        if (bucket.length > 0 && bucket[bucket.length - 1] > c) unsorted[next] = 1;
        bucket.push(c);
      };
      for (const c of queue) {
        if (!applicable[c]) continue;
        fillSlots(c, d, share);
        const dailyBudget = hasBudget[c] ? budget[c] : null;
        if (readsToday && checkedDay[c] !== d) {
          checkedDay[c] = d;
          if (compiled.outcomeWithoutToday(slots, dailyBudget) === 0) continue;
        }
        if (!compiled.conditionsMet(slots, dailyBudget)) {
          if (readsToday) {
            const cell = c * days + d;
            const rate = multiplier(c, cell);
            for (let metric = 0; metric < 5; metric++) growth[metric] = stored[metric][cell] * rate;
            const change = compiled.nextChangeShare(slots, dailyBudget, share, growth);
            // A hair early rather than late: rounding must not skip the slot where it changes.
            wake(c, Math.max(slot + 1, firstSlotFrom(change - 1e-9)));
          }
          continue;
        }
        if (!compiled.gatePasses(slots)) {
          if (readsToday) {
            wake(c, Math.max(slot + 1, firstSlotFrom(gatePassesAt(c, c * days + d, share))));
          }
          if (gateBlockedDay[c] === d) continue;
          gateBlockedDay[c] = d;
          gateBlockedCount += 1;
          if (gateBlocked.length < MAX_LISTED) {
            gateBlocked.push({
              at,
              campaignId: campaigns[c].id,
              campaignName: campaigns[c].name,
              windows: compiled.explain(slots, dailyBudget).gate.windows,
            });
          }
          continue;
        }
        lastFiredMs[c] = nowMs;
        firingCount += 1;
        const after = targetBudget(c);
        const blocked = reviewFiring(c, after, nowMs);
        if (blocked) blockedCount += 1;
        if (firings.length < MAX_LISTED) {
          firings.push({
            at,
            campaignId: campaigns[c].id,
            campaignName: campaigns[c].name,
            action: action.type,
            budgetBeforeMinor: after === null ? null : dailyBudget,
            budgetAfterMinor: after,
            evaluation: compiled.explain(slots, dailyBudget),
            blocked,
          });
        }
        if (!blocked) {
          closeSegment(c, c * days + d, share);
          apply(c, after, nowMs, at);
          applicable[c] = computeApplicable(c) ? 1 : 0;
          checkedDay[c] = -1;
        }
        wake(c, Math.max(slot + 1, firstSlotFrom((nowMs + cooldownMs - dayStartMs) / DAY_MS)));
      }
    }
    // The rest of the day, then the day joins the history the next day's windows read.
    for (let c = 0; c < campaignCount; c++) {
      const cell = c * days + d;
      closeSegment(c, cell, 1);
      for (let metric = 0; metric < 5; metric++) {
        effective[metric][cell] = todayBase[metric][c];
        prefix[metric][c * stride + d + 1] = prefix[metric][c * stride + d] +
          todayBase[metric][c];
        todayBase[metric][c] = 0;
      }
      segmentStart[c] = 0;
    }
  }

  /** The limits' objection to the firing on `c`, or null when it may be applied. */
  function reviewFiring(
    c: number,
    after: number | null,
    nowMs: number,
  ): BacktestFiring["blocked"] {
    if (action.type === "notify_only") return null;
    const status = state[c] === ACTIVE ? "active" : "paused";
    const dailyBudgetMinor = hasBudget[c] ? budget[c] : null;
    const nextStatus = action.type === "resume"
      ? "active"
      : action.type === "pause" || action.type === "pause_until_tomorrow"
      ? "paused"
      : status;
    const review = reviewLimits({
      limits,
      currency,
      automated: true,
      before: { status, dailyBudgetMinor },
      after: { status: nextStatus, dailyBudgetMinor: after ?? dailyBudgetMinor },
      otherActiveDailyMinor: input.otherActiveDailyMinor + activeInScopeMinor -
        (state[c] === ACTIVE ? budget[c] : 0),
      history: (budgetChanges.get(c) ?? []).filter((entry) => entry.at.getTime() > nowMs - WEEK_MS),
      now: new Date(nowMs),
    });
    if (review.refusal) {
      return { limit: review.refusal.limit, message: review.refusal.message, needsApproval: false };
    }
    if (review.exceeded.length > 0) {
      return {
        limit: review.exceeded[0].limit,
        message: review.exceeded.map((item) => item.message).join("; "),
        needsApproval: true,
      };
    }
    return null;
  }

  function apply(c: number, after: number | null, nowMs: number, at: string): void {
    switch (action.type) {
      case "notify_only":
        return;
      case "pause":
      case "pause_until_tomorrow":
        state[c] = action.type === "pause" ? PAUSED : PAUSED_UNTIL_TOMORROW;
        activeInScopeMinor -= budget[c];
        break;
      case "resume":
        state[c] = ACTIVE;
        activeInScopeMinor += budget[c];
        break;
      case "adjust_budget":
      case "set_budget": {
        if (after === null) return;
        const entries = budgetChanges.get(c) ?? [];
        entries.push({
          at: new Date(nowMs),
          automated: true,
          beforeMinor: budget[c],
          afterMinor: after,
        });
        budgetChanges.set(c, entries);
        if (state[c] === ACTIVE) activeInScopeMinor += after - budget[c];
        budget[c] = after;
        break;
      }
    }
    record(c, at);
  }

  const totals = (values: Float64Array[]): OutcomeTotals => {
    let spend = 0;
    let converted = 0;
    for (let c = 0; c < campaignCount; c++) {
      for (let d = firstDay; d <= lastDay; d++) {
        spend += values[2][c * days + d];
        converted += values[3][c * days + d];
      }
    }
    return { spendMinor: Math.round(spend), conversions: Math.round(converted * 100) / 100 };
  };

  return {
    from: input.from,
    to: input.to,
    days: lastDay - firstDay + 1,
    frequency: rule.schedule.frequency,
    estimateNote: estimateNote(rule.schedule),
    currency,
    campaignsEvaluated: campaignCount,
    firingCount,
    blockedCount,
    firings,
    gateBlockedCount,
    gateBlocked,
    paths: [...paths.entries()].map(([c, points]) => ({
      campaignId: campaigns[c].id,
      campaignName: campaigns[c].name,
      points,
    })),
    outcome: {
      estimate: true,
      withoutRule: totals(stored),
      withRule: totals(effective),
    },
  };
}
