/**
 * What rules did: per rule its last run, next run and firings this week, and its recent
 * evaluations, for the rule pages, the chat's "what did my rules do this week?" and MCP.
 *
 * `RuleActivitySource` is the seam between those readers and where the facts are stored:
 * `ruleActivityFromEvaluations` reads the evaluation records each scheduled run writes (every
 * campaign's condition values, the gate, what stopped it, the change or approval it led to).
 *
 * @module
 */
import type { Actor } from "../actor.ts";
import type { Database } from "../../db/database.ts";
import { fromDbJson } from "../../db/json.ts";
import type { RuleEvaluationOutcome } from "../../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../../db/time.ts";
import { formatMinor } from "../money.ts";
import type { Clock } from "../clock.ts";
import { addDays, dateOf, startOfDay } from "../dates.ts";
import { MAX_PAGE_SIZE } from "../pagination.ts";
import { slotMinutes } from "./backtest.ts";
import type { ConditionResult, GateWindowResult, RuleEvaluation } from "./conditions.ts";
import type { RuleSchedule } from "./model.ts";

/** A rule as activity needs it. */
export interface ActivityRule {
  id: string;
  enabled: boolean;
  schedule: RuleSchedule;
  /** The ad account's time zone, which the schedule runs in. */
  timeZone: string;
}

/** A rule's runs at a glance. */
export interface RuleRunSummary {
  ruleId: string;
  /** When it last ran (ISO), or null when it never has (or nothing records it). */
  lastRunAt: string | null;
  /** When it runs next (ISO); null while it is disabled. */
  nextRunAt: string | null;
  /** Firings over the last 7 days. */
  firingsThisWeek: number;
}

/** What one evaluation of a rule on one campaign came to. */
export type EvaluationOutcome =
  /** It fired and its action was applied. */
  | "applied"
  /** It fired, and the change waits for a person's approval (or the limits refused it). */
  | "held"
  /** The conditions did not hold. */
  | "not_met"
  /** The conditions held but the minimum-data gate stopped it. */
  | "gate_blocked"
  /** It fired but a cooldown stopped it. */
  | "cooldown";

/** One evaluation of a rule on one campaign: "why did / didn't it fire?". */
export interface RuleEvaluationEntry {
  /** When it happened (ISO). */
  at: string;
  campaignId: string | null;
  outcome: EvaluationOutcome;
  /** What it did or asked for, in words (`pause`, `budget 40.00 → 30.00`). */
  action: string;
  /** Each condition's value; empty when the source does not record them. */
  conditions: ConditionResult[];
  /** The gate's windows; empty when not recorded. */
  gate: GateWindowResult[];
  /** Where to see more: a change in the history or an approval request. */
  link: { kind: "change" | "approval"; id: string } | null;
}

/** Where rule activity is read from. */
export interface RuleActivitySource {
  /** Last run, next run and firings this week of each rule (every rule given gets an entry). */
  summaries(actor: Actor, rules: readonly ActivityRule[]): Promise<Map<string, RuleRunSummary>>;
  /** The rule's latest evaluations, newest first. */
  recentEvaluations(actor: Actor, ruleId: string, limit?: number): Promise<RuleEvaluationEntry[]>;
  /** Every rule's firings since `since` (ISO), newest first, with the rule's id. */
  firingsSince(
    actor: Actor,
    since: string,
  ): Promise<(RuleEvaluationEntry & { ruleId: string })[]>;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * The first slot of `schedule` strictly after `now`, in `timeZone` (slots are minutes after the
 * account's local midnight, as the backtest counts them).
 */
export function nextRunAfter(schedule: RuleSchedule, timeZone: string, now: Date): Date {
  const minutes = slotMinutes(schedule);
  let date = dateOf(now, timeZone);
  for (let day = 0; day < 3; day++) {
    const start = startOfDay(date, timeZone);
    for (const minute of minutes) {
      const at = start + minute * MINUTE_MS;
      if (at > now.getTime()) return new Date(at);
    }
    date = addDays(date, 1);
  }
  // Unreachable: every schedule has a slot each day.
  return new Date(now.getTime() + DAY_MS);
}

/** Outcomes where the rule fired: it changed something, asked for it, was refused or notified. */
const FIRED: readonly RuleEvaluationOutcome[] = [
  "applied",
  "held",
  "refused",
  "notified",
  "pending",
];

/**
 * Reads rule activity from the evaluation records (`rule_evaluations`): every scheduled run writes
 * one per campaign in scope with each condition's value, the gate and what stopped it.
 */
export function ruleActivityFromEvaluations(db: Database, clock: Clock): RuleActivitySource {
  function evaluations(actor: Actor) {
    return db.kysely.selectFrom("rule_evaluations as evaluation")
      .innerJoin("rules", "rules.id", "evaluation.rule_id")
      .innerJoin("ad_accounts", "ad_accounts.id", "rules.ad_account_id")
      .select([
        "evaluation.rule_id",
        "evaluation.campaign_id",
        "evaluation.slot_at",
        "evaluation.action",
        "evaluation.outcome",
        "evaluation.stopped_by",
        "evaluation.change_id",
        "evaluation.approval_id",
        "evaluation.detail",
        "ad_accounts.currency",
      ])
      .where("evaluation.user_id", "=", actor.userId);
  }

  return {
    async summaries(actor, rules) {
      const now = clock.now();
      const out = new Map<string, RuleRunSummary>();
      const ids = rules.map((rule) => rule.id);
      const weekAgo = toDbTimestamp(new Date(now.getTime() - 7 * DAY_MS));
      const [last, fired] = ids.length === 0 ? [[], []] : await Promise.all([
        db.kysely.selectFrom("rule_evaluations")
          .select(["rule_id", (eb) => eb.fn.max("slot_at").as("last")])
          .where("user_id", "=", actor.userId).where("rule_id", "in", ids)
          .groupBy("rule_id").execute(),
        db.kysely.selectFrom("rule_evaluations")
          .select(["rule_id", (eb) => eb.fn.countAll<number | string>().as("count")])
          .where("user_id", "=", actor.userId).where("rule_id", "in", ids)
          .where("outcome", "in", FIRED).where("slot_at", ">=", weekAgo)
          .groupBy("rule_id").execute(),
      ]);
      const lastRun = new Map(last.map((row) => [row.rule_id, row.last]));
      const firings = new Map(fired.map((row) => [row.rule_id, Number(row.count)]));
      for (const rule of rules) {
        const at = lastRun.get(rule.id);
        out.set(rule.id, {
          ruleId: rule.id,
          lastRunAt: at ? isoFromDb(at) : null,
          nextRunAt: rule.enabled
            ? nextRunAfter(rule.schedule, rule.timeZone, now).toISOString()
            : null,
          firingsThisWeek: firings.get(rule.id) ?? 0,
        });
      }
      return out;
    },

    async recentEvaluations(actor, ruleId, limit = 20) {
      const rows = await evaluations(actor).where("evaluation.rule_id", "=", ruleId)
        .orderBy("evaluation.slot_at", "desc").orderBy("evaluation.campaign_name")
        .limit(Math.min(limit, MAX_PAGE_SIZE)).execute();
      return rows.map(entryOf);
    },

    async firingsSince(actor, since) {
      const rows = await evaluations(actor).where("evaluation.outcome", "in", FIRED)
        .where("evaluation.slot_at", ">=", toDbTimestamp(new Date(since)))
        .orderBy("evaluation.slot_at", "desc").limit(MAX_PAGE_SIZE).execute();
      return rows.map((row) => ({ ...entryOf(row), ruleId: row.rule_id }));
    },
  };
}

/** An evaluation record as an entry of the activity. */
function entryOf(row: {
  campaign_id: string;
  slot_at: string;
  action: string;
  outcome: RuleEvaluationOutcome;
  stopped_by: string | null;
  change_id: string | null;
  approval_id: string | null;
  detail: string;
  currency: string;
}): RuleEvaluationEntry {
  const detail = fromDbJson(row.detail) as {
    evaluation?: RuleEvaluation;
    budgetBeforeMinor?: number | null;
    budgetAfterMinor?: number | null;
    message?: string | null;
  };
  const budget = detail.budgetBeforeMinor != null && detail.budgetAfterMinor != null
    ? `budget ${formatMinor(detail.budgetBeforeMinor, row.currency)} → ` +
      formatMinor(detail.budgetAfterMinor, row.currency)
    : null;
  const action = [budget ?? row.action.replaceAll("_", " "), detail.message]
    .filter(Boolean).join(": ");
  return {
    at: isoFromDb(row.slot_at),
    campaignId: row.campaign_id,
    outcome: outcomeOf(row.outcome, row.stopped_by),
    action,
    conditions: detail.evaluation?.conditions ?? [],
    gate: detail.evaluation?.gate.windows ?? [],
    link: row.change_id
      ? { kind: "change", id: row.change_id }
      : row.approval_id
      ? { kind: "approval", id: row.approval_id }
      : null,
  };
}

function outcomeOf(outcome: RuleEvaluationOutcome, stoppedBy: string | null): EvaluationOutcome {
  switch (outcome) {
    case "applied":
    case "notified":
      return "applied";
    case "held":
    case "refused":
    case "pending":
      return "held";
    case "not_fired":
      return stoppedBy === "gate" ? "gate_blocked" : "not_met";
    case "skipped":
      return stoppedBy === "cooldown" ? "cooldown" : "not_met";
  }
}
