/**
 * What rules did: per rule its last run, next run and firings this week, and its recent
 * evaluations, for the rule pages, the chat's "what did my rules do this week?" and MCP.
 *
 * `RuleActivitySource` is the seam between those readers and where the facts are stored. The
 * implementation here, `ruleActivityFromHistory`, reads the change history (changes a rule made:
 * `actor_kind = rule`, `source_id` = the rule's id) and the approvals rules asked for, so it
 * knows firings that changed something or were held, not evaluations that fired nothing: its
 * "last run" is the last such firing and its evaluations carry no condition values. Once
 * evaluations are stored per run, another implementation of the same interface reads them
 * instead; nothing that shows activity needs to change.
 *
 * @module
 */
import type { Actor } from "../actor.ts";
import type { ApprovalsService } from "../approvals.ts";
import type { ChangeHistory } from "../change_history.ts";
import type { Clock } from "../clock.ts";
import { addDays, dateOf, startOfDay } from "../dates.ts";
import { MAX_PAGE_SIZE } from "../pagination.ts";
import { slotMinutes } from "./backtest.ts";
import type { ConditionResult, GateWindowResult } from "./conditions.ts";
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

/** Reads rule activity from the change history and the approvals rules asked for. */
export function ruleActivityFromHistory(
  history: Pick<ChangeHistory, "list">,
  approvals: Pick<ApprovalsService, "list">,
  clock: Clock,
): RuleActivitySource {
  async function heldApprovals(actor: Actor, since: string) {
    const page = await approvals.list(actor, { limit: MAX_PAGE_SIZE });
    return page.items.filter((approval) =>
      approval.requester.kind === "rule" && approval.requester.id !== null &&
      approval.createdAt >= since
    );
  }

  function fromChange(change: {
    id: string;
    createdAt: string;
    campaignId: string | null;
    operation: string;
    fields: Record<string, { before: unknown; after: unknown }>;
  }): RuleEvaluationEntry {
    return {
      at: change.createdAt,
      campaignId: change.campaignId,
      outcome: "applied",
      action: describeChange(change.operation, change.fields),
      conditions: [],
      gate: [],
      link: { kind: "change", id: change.id },
    };
  }

  return {
    async summaries(actor, rules) {
      const now = clock.now();
      const weekAgo = new Date(now.getTime() - 7 * DAY_MS).toISOString();
      const out = new Map<string, RuleRunSummary>();
      // One after another: a page lists few rules, and SQLite has one connection anyway.
      for (const rule of rules) {
        const latest = await history.list(actor, {
          actorKind: "rule",
          sourceId: rule.id,
          limit: 1,
        });
        const week = await history.list(actor, {
          actorKind: "rule",
          sourceId: rule.id,
          from: weekAgo,
          limit: 1,
        });
        out.set(rule.id, {
          ruleId: rule.id,
          lastRunAt: latest.items[0]?.createdAt ?? null,
          nextRunAt: rule.enabled
            ? nextRunAfter(rule.schedule, rule.timeZone, now).toISOString()
            : null,
          firingsThisWeek: week.total,
        });
      }
      return out;
    },

    async recentEvaluations(actor, ruleId, limit = 20) {
      const changes = await history.list(actor, {
        actorKind: "rule",
        sourceId: ruleId,
        limit: Math.min(limit, MAX_PAGE_SIZE),
      });
      const held = (await heldApprovals(actor, "")).filter((approval) =>
        approval.requester.id === ruleId
      );
      return [
        ...changes.items.map(fromChange),
        ...held.map((approval) => heldEntry(approval)),
      ].sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
    },

    async firingsSince(actor, since) {
      const changes = await history.list(actor, {
        actorKind: "rule",
        from: since,
        limit: MAX_PAGE_SIZE,
      });
      const held = await heldApprovals(actor, since);
      return [
        ...changes.items.map((change) => ({
          ...fromChange(change),
          ruleId: change.sourceId ?? "",
        })),
        ...held.map((approval) => ({
          ...heldEntry(approval),
          ruleId: approval.requester.id ?? "",
        })),
      ].sort((a, b) => b.at.localeCompare(a.at));
    },
  };
}

function heldEntry(approval: {
  id: string;
  createdAt: string;
  operation: Record<string, unknown>;
  reason: string;
}): RuleEvaluationEntry {
  const campaignId = approval.operation.campaignId;
  return {
    at: approval.createdAt,
    campaignId: typeof campaignId === "string" ? campaignId : null,
    outcome: "held",
    action: `${
      String(approval.operation.type ?? "change")
    } (waits for approval: ${approval.reason})`,
    conditions: [],
    gate: [],
    link: { kind: "approval", id: approval.id },
  };
}

/** A change in a few words: `status: active → paused`. */
function describeChange(
  operation: string,
  fields: Record<string, { before: unknown; after: unknown }>,
): string {
  const parts = Object.entries(fields).map(([field, change]) =>
    `${field}: ${String(change.before)} → ${String(change.after)}`
  );
  return parts.length === 0 ? operation : parts.join(", ");
}
