/**
 * The offline assistant's next move for an intent, given the tool results of this turn so far:
 * call tools (reading first: campaigns are found by name through `list_campaigns`, accounts
 * through `list_ad_accounts`), ask for what is missing, or answer from the results. Pure: the
 * same intent and results always give the same step.
 *
 * @module
 */
import { currencyExponent, toMinorUnits } from "../../domain/money.ts";
import type { ParsedAmount } from "./offline_amounts.ts";
import { type BudgetChange, scaleMinor } from "./offline_budget.ts";
import { structuredFromText } from "./offline_text.ts";
import { defaultPeriod } from "./offline_dates.ts";
import type { Intent, StatusAction } from "./offline_intents.ts";
import { OBJECTIVES, rankByName, resolveByName } from "./offline_parse.ts";
import {
  type AccountView,
  budgetText,
  campaignTable,
  type CampaignView,
  DONE_VERB,
  helpReply,
  performanceReply,
  writeOutcome,
} from "./offline_replies.ts";
import { isRecord, type ParsedToolResult } from "./tool_result.ts";

/** A tool call this turn already made, with its result. */
export interface DoneCall {
  name: string;
  args: Record<string, unknown>;
  result: ParsedToolResult;
}

/** What to do next. */
export type Step =
  | { kind: "call"; calls: { name: string; args: Record<string, unknown> }[] }
  | { kind: "reply"; text: string };

/** Page size for name lookups: the tools' maximum. */
const LOOKUP_LIMIT = 100;

const reply = (text: string): Step => ({ kind: "reply", text });
const call = (name: string, args: Record<string, unknown> = {}): Step => ({
  kind: "call",
  calls: [{ name, args }],
});

/** The next step for `intent` after `done` (this turn's calls so far); `today` is YYYY-MM-DD. */
export function nextStep(intent: Intent, done: readonly DoneCall[], today: string): Step {
  switch (intent.kind) {
    case "help":
      return reply(helpReply(false));
    case "thanks":
      return reply("You're welcome! Anything else about your campaigns?");
    case "unknown":
      return reply(helpReply(true));
    case "credits":
      return credits(done);
    case "list_accounts":
      return listAccounts(done);
    case "list_campaigns":
      return listCampaigns(intent.status, done);
    case "performance":
      return performance(intent, done, today);
    case "create":
      return create(intent, done);
    case "status":
      return changeStatus(intent.action, intent.phrase, done);
    case "budget":
      return changeBudget(intent, done);
  }
}

function last(done: readonly DoneCall[], name: string): DoneCall | undefined {
  return done.findLast((item) => item.name === name);
}

/** A read result's data, or the reply that reports why there is none. */
type Read = { ok: true; data: Record<string, unknown> } | { ok: false; step: Step };

function read(found: DoneCall): Read {
  const fallback = found.result.isError || found.result.structured
    ? null
    : structuredFromText(found.name, found.result.text);
  if (fallback) return { ok: true, data: fallback };
  if (found.result.isError || !found.result.structured) {
    const why = found.result.text || "no data returned";
    return { ok: false, step: reply(`Sorry, I couldn't read that (${found.name}): ${why}.`) };
  }
  return { ok: true, data: found.result.structured };
}

function itemsOf<T>(data: Record<string, unknown>): { items: T[]; total: number } {
  const items = Array.isArray(data.items) ? data.items.filter(isRecord) as T[] : [];
  const total = typeof data.total === "number" ? data.total : items.length;
  return { items, total };
}

function credits(done: readonly DoneCall[]): Step {
  const found = last(done, "credit_balance");
  if (!found) return call("credit_balance");
  const outcome = read(found);
  if (!outcome.ok) return outcome.step;
  const data = outcome.data;
  const balance = typeof data.balance === "number" ? data.balance : null;
  if (balance === null) return reply(`Your credit balance: ${found.result.text}`);
  return reply(`You have ${balance} credit${balance === 1 ? "" : "s"} left.`);
}

function listAccounts(done: readonly DoneCall[]): Step {
  const found = last(done, "list_ad_accounts");
  if (!found) return call("list_ad_accounts", { limit: LOOKUP_LIMIT });
  const outcome = read(found);
  if (!outcome.ok) return outcome.step;
  const data = outcome.data;
  const { items } = itemsOf<AccountView>(data);
  if (items.length === 0) return reply("No ad accounts are connected yet.");
  return reply(
    `Your ad accounts:\n\n| Account | Platform | Currency | Status |\n|---|---|---|---|\n` +
      items.map((item) => `| ${item.name} | ${item.platform} | ${item.currency} | ${item.status} |`)
        .join("\n"),
  );
}

function listCampaigns(status: string | null, done: readonly DoneCall[]): Step {
  const found = last(done, "list_campaigns");
  if (!found) {
    return call(
      "list_campaigns",
      status ? { status, limit: LOOKUP_LIMIT } : { limit: LOOKUP_LIMIT },
    );
  }
  const outcome = read(found);
  if (!outcome.ok) return outcome.step;
  const data = outcome.data;
  const { items, total } = itemsOf<CampaignView>(data);
  return reply(campaignTable(items, total, status));
}

function performance(
  intent: Extract<Intent, { kind: "performance" }>,
  done: readonly DoneCall[],
  today: string,
): Step {
  const period = intent.period ?? defaultPeriod(today);
  let scope = "all ad accounts";
  const range: Record<string, unknown> = { from: period.from, to: period.to };
  if (intent.campaignPhrase) {
    const lookup = findCampaign(intent.campaignPhrase, done, "report on");
    if (lookup.kind !== "found") return lookup.step;
    range.campaignId = lookup.campaign.id;
    scope = `“${lookup.campaign.name}”`;
  }
  const summary = last(done, "performance_summary");
  const trend = last(done, "daily_trend");
  if (!summary) {
    return {
      kind: "call",
      calls: [
        { name: "performance_summary", args: range },
        { name: "daily_trend", args: range },
      ],
    };
  }
  const outcome = read(summary);
  if (!outcome.ok) return outcome.step;
  const data = outcome.data;
  if (!isRecord(data.totals)) return reply(summary.result.text);
  const trendData = trend && !trend.result.isError ? trend.result.structured : null;
  return reply(performanceReply(scope, period.label, data, trendData));
}

type Lookup =
  | { kind: "found"; campaign: CampaignView }
  | { kind: "step"; step: Step };

/**
 * Finds the campaign `phrase` names through `list_campaigns` (all campaigns, then a name search
 * if the first page did not have it); asks when it is ambiguous or missing.
 */
function findCampaign(phrase: string, done: readonly DoneCall[], verb: string): Lookup {
  const lists = done.filter((item) => item.name === "list_campaigns");
  if (lists.length === 0) {
    return { kind: "step", step: call("list_campaigns", { limit: LOOKUP_LIMIT }) };
  }
  const latest = lists[lists.length - 1];
  const outcome = read(latest);
  if (!outcome.ok) return { kind: "step", step: outcome.step };
  const data = outcome.data;
  const { items, total } = itemsOf<CampaignView>(data);
  const resolution = resolveByName(phrase, items, (item) => item.name);
  if (resolution.kind === "one") return { kind: "found", campaign: resolution.item };
  if (resolution.kind === "ambiguous") {
    const names = resolution.items.map((item) => `“${item.name}” (${item.status})`);
    return {
      kind: "step",
      step: reply(`Which campaign should I ${verb}: ${names.join(", or ")}?`),
    };
  }
  const searched = lists.some((item) => typeof item.args.search === "string");
  if (total > items.length && !searched) {
    const search = searchTermOf(phrase);
    if (search) {
      return { kind: "step", step: call("list_campaigns", { search, limit: LOOKUP_LIMIT }) };
    }
  }
  if (items.length === 0) {
    return { kind: "step", step: reply("You don't have any campaigns yet.") };
  }
  const close = rankByName(phrase, items, (item) => item.name).slice(0, 3)
    .map((match) => `“${match.item.name}”`);
  const hint = close.length > 0
    ? ` Did you mean ${close.join(" or ")}?`
    : ` Your campaigns: ${items.slice(0, 8).map((item) => `“${item.name}”`).join(", ")}.`;
  return {
    kind: "step",
    step: reply(`I couldn't tell which campaign you want me to ${verb}.${hint}`),
  };
}

/** The longest significant word of a phrase, for the server's substring search. */
function searchTermOf(phrase: string): string | null {
  const words = phrase.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  return words.sort((a, b) => b.length - a.length)[0] ?? null;
}

const ACTION_TOOL = {
  pause: "pause_campaign",
  resume: "resume_campaign",
  archive: "archive_campaign",
} as const;

const TARGET_STATUS = { pause: "paused", resume: "active", archive: "archived" } as const;

function changeStatus(action: StatusAction, phrase: string, done: readonly DoneCall[]): Step {
  const tool = ACTION_TOOL[action];
  const written = last(done, tool);
  const lookup = findCampaign(phrase, done, action);
  if (lookup.kind !== "found") return lookup.step;
  const campaign = lookup.campaign;
  if (written) {
    return reply(writeOutcome(
      written.result,
      `${action} “${campaign.name}”`,
      (after) => `${DONE_VERB[action]} “${after.name}”. It is now ${after.status}.`,
    ));
  }
  if (campaign.status === TARGET_STATUS[action]) {
    return reply(`“${campaign.name}” is already ${campaign.status}; nothing to do.`);
  }
  if (campaign.status === "archived") {
    return reply(`“${campaign.name}” is archived, which is final; it can't be changed.`);
  }
  if (action === "pause" && campaign.status !== "active") {
    return reply(
      `“${campaign.name}” is ${campaign.status}, not active, so there is nothing to pause.`,
    );
  }
  return call(tool, { campaignId: campaign.id });
}

/** An amount in `currency` minor units, or the reply explaining why not. */
function minorOf(amount: ParsedAmount, currency: string): number | string {
  if (amount.currencies && !amount.currencies.includes(currency)) {
    return `That account is billed in ${currency}, and I can't convert currencies. ` +
      `Please give the amount in ${currency}.`;
  }
  const minor = toMinorUnits(amount, currencyExponent(currency));
  if (minor === null) {
    return `That amount has more decimals than ${currency} allows; please round it.`;
  }
  if (minor <= 0) return "The budget must be more than zero.";
  return minor;
}

function changeBudget(
  intent: Extract<Intent, { kind: "budget" }>,
  done: readonly DoneCall[],
): Step {
  if (!intent.change) {
    return reply(
      "What should the new budget be (for example “$80 a day”, “+20%” or “$500 lifetime”)?",
    );
  }
  const lookup = findCampaign(intent.phrase, done, "change the budget of");
  if (lookup.kind !== "found") return lookup.step;
  const campaign = lookup.campaign;
  const written = last(done, "update_campaign");
  if (written) {
    return reply(writeOutcome(
      written.result,
      `change the budget of “${campaign.name}”`,
      (after) =>
        `Updated “${after.name}”: the budget is now ${budgetText(after)} ` +
        `(was ${budgetText(campaign)}).`,
    ));
  }
  const minor = newBudgetOf(intent.change, campaign);
  if (typeof minor === "string") return reply(minor);
  const budgetType = intent.budgetType ?? campaign.budgetType;
  if (minor === campaign.budgetAmountMinor && budgetType === campaign.budgetType) {
    return reply(`“${campaign.name}” already has a budget of ${budgetText(campaign)}.`);
  }
  const args: Record<string, unknown> = { campaignId: campaign.id, budgetAmountMinor: minor };
  if (budgetType !== campaign.budgetType) args.budgetType = budgetType;
  return call("update_campaign", args);
}

/** The new budget in minor units, or the reply explaining why there is none. */
function newBudgetOf(change: BudgetChange, campaign: CampaignView): number | string {
  const current = campaign.budgetAmountMinor;
  if (change.kind === "scale") {
    const scaled = scaleMinor(current, change.numerator, change.denominator);
    return scaled > 0 ? scaled : "The budget must stay above zero.";
  }
  const amount = minorOf(change.amount, campaign.currency);
  if (typeof amount === "string" || change.kind === "set") return amount;
  const next = current + change.sign * amount;
  return next > 0 ? next : "That would take the budget to zero or below.";
}

function create(intent: Extract<Intent, { kind: "create" }>, done: readonly DoneCall[]): Step {
  const missing: string[] = [];
  if (!intent.name) missing.push("a name (e.g. “called Winter Deals”)");
  if (!intent.amount) missing.push("a budget (e.g. “$50 a day” or “$500 total”)");
  if (!intent.objective) missing.push(`an objective (${OBJECTIVES.join(", ")})`);
  if (missing.length > 0 || !intent.name || !intent.amount || !intent.objective) {
    return reply(`To create the campaign I still need ${joinList(missing)}. What should I use?`);
  }
  const accountsCall = last(done, "list_ad_accounts");
  if (!accountsCall) return call("list_ad_accounts", { limit: LOOKUP_LIMIT });
  const outcome = read(accountsCall);
  if (!outcome.ok) return outcome.step;
  const data = outcome.data;
  const accounts = itemsOf<AccountView>(data).items.filter((item) =>
    item.status !== "disconnected"
  );
  if (accounts.length === 0) {
    return reply("You have no connected ad account yet. Connect one under Ad accounts first.");
  }
  let account = accounts[0];
  if (accounts.length > 1) {
    const resolution = resolveByName(intent.rest, accounts, (item) => item.name);
    if (resolution.kind !== "one") {
      const names = accounts.map((item) => `“${item.name}” (${item.currency})`);
      return reply(`Which ad account should “${intent.name}” go on: ${names.join(", or ")}?`);
    }
    account = resolution.item;
  }
  const budgetType = intent.budgetType ?? "daily";
  const written = last(done, "create_campaign");
  if (written) {
    return reply(writeOutcome(
      written.result,
      `create “${intent.name}”`,
      (after) =>
        `Created “${after.name}” on ${account.name}: ${after.objective}, ${budgetText(after)}, ` +
        `status ${after.status}.` +
        (after.status === "draft" ? " Say “resume " + after.name + "” to start it." : ""),
    ));
  }
  const minor = minorOf(intent.amount, account.currency);
  if (typeof minor === "string") return reply(minor);
  return call("create_campaign", {
    adAccountId: account.id,
    name: intent.name,
    objective: intent.objective,
    budgetType,
    budgetAmountMinor: minor,
  });
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
