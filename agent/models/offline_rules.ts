/**
 * The offline assistant's automated rules: reading "pause any campaign with CPA over $40 after
 * 1,000 impressions, check hourly" as a rule draft, and "what did my rules do this week?" as a
 * question about rule activity; and the steps for each (find the account, backtest the draft,
 * check the draft, save it disabled, backtest it, ask for approval to enable it — or read the activity). Pure and
 * deterministic, like the rest of the offline assistant.
 *
 * @module
 */
import type { ParsedToolResult } from "./tool_result.ts";
import { isRecord } from "./tool_result.ts";

/** A rule the user described, in the draft's terms (money in major units). */
export interface RuleRequest {
  metric: "cpa" | "cpc" | "ctr" | "roas" | "spend" | "conversions" | "clicks";
  operator: ">" | "<";
  value: number;
  window: { kind: "today" } | { kind: "yesterday" } | { kind: "last_n_days"; n: number };
  action:
    | { type: "pause" }
    | { type: "pause_until_tomorrow" }
    | { type: "resume" }
    | { type: "notify_only" }
    | { type: "adjust_budget"; percent: number };
  schedule: { frequency: "every_15_minutes" } | { frequency: "hourly" } | {
    frequency: "daily";
    at: string;
  };
  minImpressions: number | null;
  minClicks: number | null;
}

const METRICS: [RegExp, RuleRequest["metric"]][] = [
  [/\b(?:cpa|cost\s+per\s+(?:acquisition|conversion|action|result))\b/iu, "cpa"],
  [/\b(?:cpc|cost\s+per\s+click)\b/iu, "cpc"],
  [/\b(?:ctr|click[-\s]?through(?:\s+rate)?)\b/iu, "ctr"],
  [/\broas\b|\breturn\s+on\s+ad\s+spend\b/iu, "roas"],
  [/\bspend\b|\bspent\b|\bspending\b/iu, "spend"],
  [/\bconversions\b/iu, "conversions"],
  [/\bclicks\b/iu, "clicks"],
];
const ABOVE = /\b(?:over|above|more\s+than|greater\s+than|higher\s+than|exceeds?|exceeding|>)\s*/iu;
const BELOW = /\b(?:under|below|less\s+than|lower\s+than|fewer\s+than|<)\s*/iu;
const NUMBER = /[$€£]?\s*(\d[\d,]*(?:\.\d+)?)\s*(k\b)?\s*%?/iu;
/** A rule request names campaigns in general and a condition, or says "rule". */
const RULE_CUE =
  /\b(?:any|every|all|each)\s+(?:\w+\s+){0,2}campaigns?\b|\bwhenever\b|\b(?:a|new|automated|automatic)\s+rules?\b|\bautomatically\b/iu;
const ACTIVITY =
  /\bwhat\s+(?:did|have|has)\s+(?:my|the|our)\s+(?:automated\s+)?rules?\s+(?:do|done|been\s+doing|change[ds]?)\b|\brules?\s+activity\b|\bwhat\s+(?:are\s+)?my\s+rules\s+(?:doing|up\s+to)\b|\bdid\s+(?:my|any)\s+rules?\s+(?:fire|do|change|act)\b/iu;

function numberAfter(text: string, cue: RegExp): number | null {
  const found = cue.exec(text);
  if (!found) return null;
  const match = NUMBER.exec(
    text.slice(found.index + found[0].length, found.index + found[0].length + 24),
  );
  if (!match) return null;
  const value = Number(match[1].replace(/,/g, "")) * (match[2] ? 1_000 : 1);
  return Number.isFinite(value) ? value : null;
}

/** Whether `text` asks what rules did. */
export function isRuleActivityQuestion(text: string): boolean {
  return ACTIVITY.test(text);
}

/** The rule `text` describes, or null when it does not describe one. */
export function findRuleRequest(text: string): RuleRequest | null {
  if (!RULE_CUE.test(text)) return null;
  const metric = METRICS.find(([pattern]) => pattern.test(text))?.[1];
  if (!metric) return null;
  // The comparison that follows the metric's mention.
  const at = text.search(METRICS.find(([, name]) => name === metric)![0]);
  const rest = text.slice(at);
  const above = numberAfter(rest, new RegExp(ABOVE.source, "iu"));
  const below = numberAfter(rest, new RegExp(BELOW.source, "iu"));
  const aboveAt = rest.search(ABOVE);
  const belowAt = rest.search(BELOW);
  const useAbove = above !== null && (below === null || aboveAt < belowAt);
  const value = useAbove ? above : below;
  if (value === null) return null;
  const impressions = /(\d[\d,]*(?:\.\d+)?)\s*(k)?\s+impressions\b/iu.exec(text);
  const clicks = /(\d[\d,]*)\s+clicks\b/iu.exec(text);
  const count = (match: RegExpExecArray | null) =>
    match ? Number(match[1].replace(/,/g, "")) * (match[2] ? 1_000 : 1) : null;
  const days = /\b(?:last|past)\s+(\d{1,2})\s+days\b|\b(\d{1,2})[-\s]day\b/iu.exec(text);
  const window: RuleRequest["window"] = days
    ? { kind: "last_n_days", n: Math.min(90, Number(days[1] ?? days[2])) }
    : /\byesterday\b/iu.test(text)
    ? { kind: "yesterday" }
    : { kind: "today" };
  const percent =
    /\b(lower|cut|reduce|decrease|trim|raise|increase|boost|scale\s+up)\w*\s+(?:the\s+|its\s+|their\s+)?budgets?\s+by\s+(\d{1,3})\s*%/iu
      .exec(text);
  const action: RuleRequest["action"] = percent
    ? {
      type: "adjust_budget",
      percent: (/^(?:lower|cut|reduce|decrease|trim)/iu.test(percent[1]) ? -1 : 1) *
        Number(percent[2]),
    }
    : /\bpause\w*\b[^.]*\buntil\s+tomorrow\b/iu.test(text)
    ? { type: "pause_until_tomorrow" }
    : /\b(?:pause|stop|turn\s+off|switch\s+off)\b/iu.test(text)
    ? { type: "pause" }
    : /\b(?:resume|restart|turn\s+(?:back\s+)?on|unpause)\b/iu.test(text)
    ? { type: "resume" }
    : { type: "notify_only" };
  const daily =
    /\b(?:daily|every\s+day|once\s+a\s+day|each\s+(?:day|morning))\b(?:\s+at\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?)?/iu
      .exec(text);
  let schedule: RuleRequest["schedule"] = { frequency: "hourly" };
  if (/\b(?:every|each)\s+15\s*(?:min|minutes)\b|\bquarter[-\s]hourly\b/iu.test(text)) {
    schedule = { frequency: "every_15_minutes" };
  } else if (daily) {
    let hour = daily[1] ? Number(daily[1]) : 9;
    if (daily[3]?.toLowerCase() === "pm" && hour < 12) hour += 12;
    if (daily[3]?.toLowerCase() === "am" && hour === 12) hour = 0;
    schedule = {
      frequency: "daily",
      at: `${String(Math.min(hour, 23)).padStart(2, "0")}:${daily[2] ?? "00"}`,
    };
  }
  return {
    metric,
    operator: useAbove ? ">" : "<",
    value,
    window,
    action,
    schedule,
    minImpressions: count(impressions),
    minClicks: count(clicks),
  };
}

/** A short name for the rule: "Pause when CPA > 40". */
export function ruleName(request: RuleRequest): string {
  const verb = request.action.type === "adjust_budget"
    ? `${request.action.percent < 0 ? "Lower" : "Raise"} budget`
    : request.action.type === "notify_only"
    ? "Notify"
    : request.action.type === "resume"
    ? "Resume"
    : "Pause";
  return `${verb} when ${request.metric.toUpperCase()} ${request.operator} ${request.value}`;
}

/** The draft `create_rule` and `backtest_rule` take. */
export function ruleDraft(request: RuleRequest, adAccountId: string): Record<string, unknown> {
  const gate = request.minImpressions !== null || request.minClicks !== null
    ? {
      gate: {
        enabled: true,
        minImpressions: request.minImpressions ?? (request.minClicks !== null ? 1e9 : 1_000),
        minClicks: request.minClicks ?? (request.minImpressions !== null ? 1e9 : 10),
      },
    }
    : {};
  return {
    name: ruleName(request),
    adAccountId,
    scope: { kind: "all" },
    conditions: {
      match: "all",
      conditions: [{
        metric: request.metric,
        window: request.window,
        operator: request.operator,
        value: request.value,
      }],
    },
    ...gate,
    action: request.action,
    schedule: request.schedule,
  };
}

/** A tool call made this turn, as the planner sees it. */
interface Done {
  name: string;
  args: Record<string, unknown>;
  result: ParsedToolResult;
}

type Step =
  | { kind: "call"; calls: { name: string; args: Record<string, unknown> }[] }
  | { kind: "reply"; text: string };

const reply = (text: string): Step => ({ kind: "reply", text });
const call = (name: string, args: Record<string, unknown> = {}): Step => ({
  kind: "call",
  calls: [{ name, args }],
});

/**
 * The steps of a rule request: find the ad account, backtest the draft, save it disabled, then
 * ask to enable it (held for the user's approval, which the chat shows as a card).
 */
export function ruleRequestStep(request: RuleRequest, done: readonly Done[]): Step {
  const accounts = done.findLast((item) => item.name === "list_ad_accounts");
  if (!accounts) return call("list_ad_accounts", { limit: 100 });
  const items = Array.isArray(accounts.result.structured?.items)
    ? (accounts.result.structured.items as unknown[]).filter(isRecord)
    : [];
  if (items.length === 0) return reply("Connect an ad account first: rules watch its campaigns.");
  const account = items[0];
  const draft = ruleDraft(request, String(account.id));
  // Checked first (nothing saved when it is refused), then saved disabled and backtested as
  // the saved rule, so its page shows the same backtest the answer quotes.
  const checked = done.findLast((item) => item.name === "draft_rule");
  if (!checked) return call("draft_rule", { rule: draft });
  if (checked.result.isError) return reply(`I couldn't set up that rule: ${checked.result.text}`);
  const created = done.findLast((item) => item.name === "create_rule");
  if (!created) return call("create_rule", { rule: draft });
  const rule = created.result.structured?.rule;
  if (created.result.isError || !isRecord(rule)) {
    return reply(`I couldn't save the rule: ${created.result.text}`);
  }
  const backtest = done.findLast((item) => item.name === "backtest_rule");
  if (!backtest) return call("backtest_rule", { ruleId: String(rule.id), days: 30 });
  if (backtest.result.isError) {
    return reply(
      `I saved the rule “${String(rule.name)}” (disabled), but its backtest failed: ` +
        backtest.result.text,
    );
  }
  const enabled = done.findLast((item) => item.name === "enable_rule");
  if (!enabled) return call("enable_rule", { ruleId: String(rule.id) });
  const status = enabled.result.structured?.status;
  const saved = `I saved the rule “${String(rule.name)}” for ${String(account.name)}. ` +
    backtestSummary(backtest.result);
  if (status === "applied") return reply(`${saved}\n\nIt is enabled and runs on its schedule.`);
  if (status === "approval_required") {
    return reply(
      `${saved}\n\nIt stays disabled until you approve enabling it — approve or reject it above.`,
    );
  }
  return reply(`${saved}\n\nIt is saved disabled: ${enabled.result.text}`);
}

/** The backtest in a sentence, from its structured result. */
function backtestSummary(result: ParsedToolResult): string {
  const data = result.structured?.backtest;
  if (!isRecord(data)) return result.text;
  const count = (key: string) => Number(data[key] ?? 0);
  return `Backtest over the last ${count("days")} days on ${count("campaignsEvaluated")} ` +
    `campaign(s): it would have fired ${count("firingCount")} time(s), ${
      count("blockedCount")
    } stopped by your account's limits, and the data gate held back ${
      count("gateBlockedCount")
    } more (an estimate from stored daily metrics).`;
}

/** The step of "what did my rules do?": read the activity, then answer with it. */
export function ruleActivityStep(done: readonly Done[]): Step {
  const found = done.findLast((item) => item.name === "rule_activity");
  if (!found) return call("rule_activity", {});
  const data = found.result.structured;
  if (found.result.isError || !data) {
    return reply(`I couldn't read your rules' activity: ${found.result.text}`);
  }
  const since = String(data.since ?? "").slice(0, 10);
  const items = Array.isArray(data.items) ? data.items.filter(isRecord) : [];
  if (items.length === 0) {
    return reply(`Your rules changed nothing since ${since}, and nothing waits for your approval.`);
  }
  const held = items.filter((item) => item.outcome === "held").length;
  const lines = items.slice(0, 20).map((item) =>
    `- ${String(item.at).slice(0, 16).replace("T", " ")} UTC — “${String(item.rule)}”: ${
      String(item.action)
    }${item.outcome === "held" ? " (waits for your approval)" : ""}`
  );
  return reply(
    `Since ${since} your rules acted ${items.length - held} time(s)` +
      (held > 0 ? ` and ${held} change(s) wait for your approval` : "") + ":\n\n" +
      lines.join("\n") + (items.length > 20 ? "\n- …" : ""),
  );
}
