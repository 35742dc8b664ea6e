/**
 * The offline assistant's next move for an intent, given the tool results of this turn so far:
 * call tools (reading first: campaigns are found by name through `list_campaigns`, accounts
 * through `list_ad_accounts`), ask for what is missing, or answer from the results. Pure: the
 * same intent and results always give the same step.
 *
 * @module
 */
import { currencyExponent, toMinorUnits } from "../../domain/money.ts";
import { campaignStatusLabel, objectiveLabel } from "../../domain/labels.ts";
import type { ParsedAmount } from "./offline_amounts.ts";
import { type BudgetChange, scaleMinor } from "./offline_budget.ts";
import { structuredFromText } from "./offline_text.ts";
import { defaultPeriod } from "./offline_dates.ts";
import { addDays } from "../../domain/dates.ts";
import type { Intent, StatusAction } from "./offline_intents.ts";
import {
  findStatusFilter,
  namesIn,
  OBJECTIVES,
  rankByName,
  resolveByName,
} from "./offline_parse.ts";
import {
  type AccountView,
  budgetText,
  campaignTable,
  type CampaignView,
  DONE_VERB,
  helpReply,
  money,
  performanceByCurrencyReply,
  performanceReply,
  writeOutcome,
} from "./offline_replies.ts";
import { isRecord, type ParsedToolResult } from "./tool_result.ts";
import { ruleActivityStep, ruleRequestStep } from "./offline_rules.ts";

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
    case "declined":
      return reply("OK, I've left everything as it was.");
    case "unknown":
      return reply(helpReply(true));
    case "credits":
      return credits(done);
    case "alerts":
      return alerts(intent, done, today);
    case "list_accounts":
      return listAccounts(done);
    case "list_campaigns":
      return listCampaigns(intent.status, done);
    case "performance":
      return performance(intent, done, today);
    case "create":
      return create(intent, done);
    case "status":
      return changeStatus(intent, done);
    case "budget":
      return changeBudget(intent, done);
    case "rule":
      return ruleRequestStep(intent.request, done);
    case "rule_activity":
      return ruleActivityStep(done);
  }
}

/**
 * The next step for several requests in one message, taken in order: each gets its own writes
 * (and sees the reads made before it), and the answer reports every part — questions last, so
 * a short reply answers them.
 */
export function nextStepForAll(
  intents: readonly Intent[],
  done: readonly DoneCall[],
  today: string,
): Step {
  if (intents.length === 1) return nextStep(intents[0], done, today);
  const answers: string[] = [];
  let position = 0;
  for (const intent of intents) {
    const reads = done.slice(0, position).filter((item) => READS.has(item.name));
    const own: DoneCall[] = [];
    for (;;) {
      const step = intent.kind === "unknown"
        ? reply("I didn't understand one part of your message, so I did nothing for it.")
        : nextStep(intent, [...reads, ...own], today);
      if (step.kind === "reply") {
        answers.push(step.text);
        break;
      }
      const made = done.slice(position, position + step.calls.length);
      if (made.length < step.calls.length) return step;
      own.push(...made);
      position += made.length;
    }
  }
  const questions = answers.filter((answer) => answer.trim().endsWith("?"));
  return reply(
    [...answers.filter((answer) => !questions.includes(answer)), ...questions].join("\n\n"),
  );
}

/** Tools that only read, so later requests of the same message may reuse their results. */
const READS = new Set(["list_campaigns", "list_ad_accounts", "credit_balance"]);

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

interface AlertView {
  id: string;
  campaignId: string | null;
  severity: string;
  status: string;
  metricDate: string;
  finding: { summary?: string };
}

/**
 * "What went wrong yesterday?" lists the alerts seen on that day (else the open ones), with
 * their campaigns' names; "why is X's CPA up?" explains X's latest alert (explain_alert: what
 * moved, the changes before it and who made them, next steps).
 */
function alerts(
  intent: Extract<Intent, { kind: "alerts" }>,
  done: readonly DoneCall[],
  today: string,
): Step {
  const listed = last(done, "list_alerts");
  const campaigns = last(done, "list_campaigns");
  if (!listed || !campaigns) {
    return {
      kind: "call",
      calls: [
        { name: "list_alerts", args: { limit: LOOKUP_LIMIT } },
        { name: "list_campaigns", args: { limit: LOOKUP_LIMIT } },
      ],
    };
  }
  const alertsRead = read(listed);
  if (!alertsRead.ok) return alertsRead.step;
  const campaignsRead = read(campaigns);
  if (!campaignsRead.ok) return campaignsRead.step;
  const { items } = itemsOf<AlertView>(alertsRead.data);
  const known = itemsOf<CampaignView & { id: string }>(campaignsRead.data).items;
  const nameOf = (id: string | null) =>
    id === null ? "the account's totals" : known.find((item) => item.id === id)?.name ?? id;
  if (intent.campaignPhrase) {
    const match = resolveByName(intent.campaignPhrase, known, (item) => item.name);
    if (match.kind !== "one") {
      return reply(`I couldn't tell which campaign “${intent.campaignPhrase}” is.`);
    }
    const campaign = match.item;
    const mine = items.filter((item) => item.campaignId === campaign.id);
    if (mine.length === 0) {
      return reply(
        `${campaign.name} has no alerts: nothing in its numbers is out of its usual range.`,
      );
    }
    const latest = mine.find((item) => item.status !== "resolved") ?? mine[0];
    const explained = done.findLast((item) =>
      item.name === "explain_alert" && item.args.id === latest.id
    );
    if (!explained) return call("explain_alert", { id: latest.id });
    return reply(`${campaign.name}: ${explained.result.text}`);
  }
  const yesterday = addDays(today, -1);
  const chosen = intent.yesterday
    ? items.filter((item) => item.metricDate === yesterday)
    : items.filter((item) => item.status !== "resolved");
  if (chosen.length === 0) {
    return reply(
      intent.yesterday
        ? `Nothing went wrong on ${yesterday}: no alerts for that day.`
        : "No open alerts: nothing is out of its usual range.",
    );
  }
  return reply(
    `${intent.yesterday ? `On ${yesterday}` : "Open alerts"}:\n\n` +
      chosen.map((item) =>
        `- **${nameOf(item.campaignId)}**: ${item.finding.summary ?? "an anomaly"} ` +
        `(${item.severity})`
      ).join("\n") +
      "\n\nAsk “why is <campaign>'s CPA up?” for what moved and what changed before it.",
  );
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
  if (status !== null) return reply(campaignTable(items, total, status));
  const shown = items.filter(live);
  const hidden = items.length - shown.length;
  const note = hidden > 0
    ? `\n\n${hidden} archived campaign${hidden === 1 ? " is" : "s are"} not shown; ` +
      "ask for “archived campaigns” to see them."
    : "";
  return reply(campaignTable(shown, total - hidden, null) + note);
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
  const answer = Array.isArray(data.byCurrency)
    ? performanceByCurrencyReply(scope, period.label, data)
    : isRecord(data.totals)
    ? performanceReply(
      scope,
      period.label,
      data,
      trend && !trend.result.isError ? trend.result.structured : null,
    )
    : null;
  if (answer === null) return reply(summary.result.text);
  if (!intent.datesUnread) return reply(answer);
  return reply(
    `I couldn't read a date range in your message, so this covers ${period.label} ` +
      `(${period.from} – ${period.to}). You can say e.g. “since Monday”, “last month” or ` +
      `“from Oct 3 to Oct 9”.\n\n${answer}`,
  );
}

type Lookup =
  | { kind: "found"; campaign: CampaignView }
  | { kind: "step"; step: Step };

/** Not archived: archived campaigns stay out of lists and prompts unless asked for. */
const live = (item: CampaignView) => item.status !== "archived";

/** The campaigns listed this turn (all campaigns, then a name search), or the step to get them. */
function campaignsRead(
  phrase: string,
  done: readonly DoneCall[],
  hasMatch: (items: CampaignView[]) => boolean,
): { kind: "items"; items: CampaignView[] } | { kind: "step"; step: Step } {
  const lists = done.filter((item) => item.name === "list_campaigns");
  if (lists.length === 0) {
    return { kind: "step", step: call("list_campaigns", { limit: LOOKUP_LIMIT }) };
  }
  const outcome = read(lists[lists.length - 1]);
  if (!outcome.ok) return { kind: "step", step: outcome.step };
  const { items, total } = itemsOf<CampaignView>(outcome.data);
  const searched = lists.some((item) => typeof item.args.search === "string");
  const search = searchTermOf(phrase);
  if (!hasMatch(items) && total > items.length && !searched && search) {
    return { kind: "step", step: call("list_campaigns", { search, limit: LOOKUP_LIMIT }) };
  }
  return { kind: "items", items };
}

/**
 * Finds the campaign `phrase` names through `list_campaigns`, for a report: the exact name, or
 * the one best match (reading never changes anything); asks when it is ambiguous or missing.
 */
function findCampaign(phrase: string, done: readonly DoneCall[], verb: string): Lookup {
  const listed = campaignsRead(
    phrase,
    done,
    (items) => resolveByName(phrase, items, (item) => item.name).kind !== "none",
  );
  if (listed.kind === "step") return listed;
  const exact = namesIn(phrase, listed.items, (item) => item.name);
  if (exact.length === 1) return { kind: "found", campaign: exact[0] };
  const candidates = listed.items.filter(live);
  const resolution = resolveByName(phrase, candidates, (item) => item.name);
  if (resolution.kind === "one") return { kind: "found", campaign: resolution.item };
  if (resolution.kind === "ambiguous") {
    return { kind: "step", step: reply(whichQuestion(verb, resolution.items)) };
  }
  return { kind: "step", step: reply(notFound(phrase, candidates)) };
}

/** Campaigns a change request names, or the step that asks (a change needs exact names). */
type Targets =
  | { kind: "found"; campaigns: CampaignView[] }
  | { kind: "step"; step: Step }
  | { kind: "suggest"; campaign: CampaignView };

/**
 * The campaigns `phrase` names exactly (case and punctuation aside). Anything less only leads
 * to a question: one close match is offered for confirmation, several are listed to choose from.
 */
function findTargets(phrase: string, done: readonly DoneCall[], verb: string): Targets {
  const listed = campaignsRead(
    phrase,
    done,
    (items) => namesIn(phrase, items, (item) => item.name).length > 0,
  );
  if (listed.kind === "step") return listed;
  const exact = namesIn(phrase, listed.items, (item) => item.name);
  if (exact.length > 0) return { kind: "found", campaigns: exact };
  const candidates = listed.items.filter(live);
  const ranked = rankByName(phrase, candidates, (item) => item.name)
    .filter((match) => match.coverage >= 0.5 || match.precision >= 0.5);
  if (ranked.length === 1) return { kind: "suggest", campaign: ranked[0].item };
  if (ranked.length > 1) {
    return {
      kind: "step",
      step: reply(whichQuestion(verb, ranked.slice(0, 5).map((match) => match.item))),
    };
  }
  return { kind: "step", step: reply(notFound(phrase, candidates)) };
}

function whichQuestion(verb: string, campaigns: readonly CampaignView[]): string {
  const names = campaigns.map((item) => `“${item.name}” (${item.status})`);
  return `Which campaign should I ${verb}: ${names.join(", or ")}?`;
}

function notFound(phrase: string, candidates: readonly CampaignView[]): string {
  if (candidates.length === 0) return "You don't have any campaigns yet.";
  const close = rankByName(phrase, candidates, (item) => item.name).slice(0, 3)
    .map((match) => `“${match.item.name}”`);
  const hint = close.length > 0
    ? ` Did you mean ${close.join(" or ")}?`
    : ` Your campaigns: ${
      candidates.slice(0, 8).map((item) => `“${item.name}”`).join(", ")
    }. Which one do you mean?`;
  return `I couldn't find a campaign by that name.${hint}`;
}

/** A question whose "yes" carries out `command` (read back by the offline model). */
export function confirmQuestion(command: string): string {
  return `Did you mean: ${command}?`;
}

/** The command a "yes" confirms, from the assistant's last question; null if it asked none. */
export function confirmedCommand(question: string): string | null {
  return /Did you mean: ([^\n]+)\?\s*$/u.exec(question.trim())?.[1] ?? null;
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

/** Who a status action can apply to. */
const APPLIES: Record<StatusAction, (item: CampaignView) => boolean> = {
  pause: (item) => item.status === "active",
  resume: (item) => item.status === "paused" || item.status === "draft",
  archive: live,
};

function changeStatus(
  intent: Extract<Intent, { kind: "status" }>,
  done: readonly DoneCall[],
): Step {
  const { action } = intent;
  const tool = ACTION_TOOL[action];
  const found = findTargets(intent.phrase, done, action);
  if (found.kind === "step" && found.step.kind === "call") return found.step;
  if (found.kind !== "found") {
    if (intent.bulk) return bulkReply(action, intent.phrase, done, APPLIES[action]);
    if (found.kind === "step") return found.step;
    return reply(confirmQuestion(`${action} “${found.campaign.name}”`));
  }
  const campaigns = found.campaigns;
  const written = (campaign: CampaignView) =>
    done.find((item) => item.name === tool && item.args.campaignId === campaign.id);
  if (intent.confirm && campaigns.every((campaign) => !written(campaign))) {
    return reply(confirmQuestion(
      campaigns.map((campaign) => `${action} “${campaign.name}”`).join(" and "),
    ));
  }
  const lines: string[] = [];
  for (const campaign of campaigns) {
    const result = written(campaign);
    if (result) {
      lines.push(writeOutcome(
        result.result,
        `${action} “${campaign.name}”`,
        (after) => `${DONE_VERB[action]} “${after.name}”. It is now ${after.status}.`,
      ));
    } else if (campaign.status === TARGET_STATUS[action]) {
      lines.push(`“${campaign.name}” is already ${campaign.status}; nothing to do.`);
    } else if (campaign.status === "archived") {
      lines.push(`“${campaign.name}” is archived, which is final; it can't be changed.`);
    } else if (!APPLIES[action](campaign)) {
      lines.push(
        `“${campaign.name}” is ${campaign.status}, not active, so there is nothing to pause.`,
      );
    } else {
      return call(tool, { campaignId: campaign.id });
    }
  }
  return reply(lines.join("\n"));
}

/**
 * The honest answer to "pause all my campaigns": there is no tool that changes several
 * campaigns in one approved step, so name every campaign it would touch and take them one at a
 * time.
 */
function bulkReply(
  verb: string,
  phrase: string,
  done: readonly DoneCall[],
  applies: (item: CampaignView) => boolean,
): Step {
  const listed = campaignsRead(phrase, done, () => true);
  if (listed.kind === "step") return listed.step;
  const status = findStatusFilter(phrase);
  const touched = listed.items.filter((item) =>
    applies(item) && (status === null || item.status === status)
  );
  const lead = `I can do that one campaign at a time: I don't ${verb} several campaigns in one ` +
    "step, so each change gets its own check (and approval where needed).";
  if (touched.length === 0) return reply(`${lead} None of your campaigns needs that right now.`);
  const names = touched.map((item) => `“${item.name}” (${item.status})`).join(", ");
  return reply(`${lead} It would touch ${names}. Which one should I ${verb} first?`);
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
  const verb = "change the budget of";
  const found = findTargets(intent.phrase, done, verb);
  if (found.kind === "step" && found.step.kind === "call") return found.step;
  if (intent.bulk && found.kind !== "found") return bulkReply(verb, intent.phrase, done, live);
  if (found.kind === "step") return found.step;
  if (found.kind === "found" && found.campaigns.length > 1) {
    return reply(whichQuestion(verb, found.campaigns));
  }
  const campaign = found.kind === "found" ? found.campaigns[0] : found.campaign;
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
  if (found.kind === "suggest" || intent.confirm) {
    return reply(confirmQuestion(
      `set the ${budgetType} budget of “${campaign.name}” to ${money(minor, campaign.currency)}`,
    ));
  }
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
        `${after.status === "active" ? "Created and launched" : "Created"} “${after.name}” on ` +
        `${account.name}: ${objectiveLabel(after.objective)}, ${budgetText(after)}, status ` +
        `${campaignStatusLabel(after.status)}.` +
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
    // Asked for live: created and launched in one change, so one approval.
    ...(intent.launch ? { status: "active" } : {}),
  });
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
