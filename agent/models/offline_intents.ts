/**
 * What the user asked for, from the words of one message: the offline assistant's intents and
 * their parameters. Rule-based and deterministic; anything it cannot place is `unknown`.
 *
 * @module
 */
import { findAmount, type ParsedAmount } from "./offline_amounts.ts";
import { type BudgetChange, findBudgetChange } from "./offline_budget.ts";
import { findPeriod, type Period } from "./offline_dates.ts";
import { findRuleRequest, isRuleActivityQuestion, type RuleRequest } from "./offline_rules.ts";
import {
  findBudgetType,
  findNewCampaignName,
  findObjective,
  findQuotedName,
  findStatusFilter,
  type Objective,
  significantTokens,
  similar,
  without,
} from "./offline_parse.ts";

/** A campaign status change. */
export type StatusAction = "pause" | "resume" | "archive";

/** How a change request was read. */
export interface WriteFlags {
  /** "all", "every", "everything": several campaigns at once. */
  bulk: boolean;
  /** Command words were corrected for typos: confirm before acting. */
  confirm: boolean;
}

/** What one message asks for. */
export type Intent =
  | { kind: "list_campaigns"; status: "active" | "paused" | "draft" | "archived" | null }
  | { kind: "list_accounts" }
  | {
    kind: "performance";
    period: Period | null;
    campaignPhrase: string | null;
    /** The text seems to name dates, but no period could be read from it. */
    datesUnread: boolean;
  }
  | {
    kind: "create";
    name: string | null;
    objective: Objective | null;
    budgetType: "daily" | "lifetime" | null;
    amount: ParsedAmount | null;
    /** The user asked for it live ("an active campaign", "launch it"): created and launched. */
    launch: boolean;
    /** The text minus name and amount (to find an ad account named in it). */
    rest: string;
  }
  | ({ kind: "status"; action: StatusAction; phrase: string } & WriteFlags)
  | ({
    kind: "budget";
    phrase: string;
    change: BudgetChange | null;
    budgetType: "daily" | "lifetime" | null;
  } & WriteFlags)
  | { kind: "credits" }
  /** "What went wrong yesterday?", "why is Spring Sale's CPA up?": answered from alerts. */
  | { kind: "alerts"; campaignPhrase: string | null; yesterday: boolean }
  /** An automated rule to draft, backtest, save and enable (with approval). */
  | { kind: "rule"; request: RuleRequest }
  /** "What did my rules do this week?" */
  | { kind: "rule_activity" }
  | { kind: "thanks" }
  /** "No" to a "Did you mean …?" question. */
  | { kind: "declined" }
  | { kind: "help" }
  | { kind: "unknown" };

const CREATE_VERB =
  /\b(?:create|make|set\s*up|build|add|start|launch|spin\s+up|open|draft|new)\b/iu;
/** Verbs that only ever mean a new campaign: a message with one of them is never a change. */
const STRONG_CREATE = /\b(?:create|set\s*up|build|spin\s+up|draft)\b/iu;
/** Several campaigns at once. */
const BULK = /\b(?:all|every|everything|each)\b/iu;
/** Words that suggest the user named dates (to say so when none could be read). */
const DATE_CUES =
  /\b(?:since|during|from|between|until|till|before|after|ago|weekend|holidays?|season|quarter|q[1-4]|christmas|last|past|previous|this|next|week|month|year)\b/iu;
const NEW_CAMPAIGN =
  /\b(?:new|another|a|an)\b[^.?!;]{0,80}?\bcampaign\b|\bcampaign\s+(?:called|named|titled)\b/iu;
const BUDGET_WORDS = /\bbudgets?\b/iu;
const BUDGET_VERBS =
  /\b(?:bump|raise|increase|lower|decrease|reduce|cut|up|drop|change|set|adjust|scale|double|triple|halve|boost|trim)\b/iu;
const ARCHIVE = /\b(?:archive|delete|remove|get\s+rid\s+of|retire|kill|trash|bin)\b/iu;
const PAUSE =
  /\b(?:pause|stop|halt|turn\s+off|switch\s+off|disable|suspend|freeze|put\s+.+\s+on\s+hold)\b/iu;
const RESUME =
  /\b(?:resume|unpause|un-pause|restart|reactivate|re-activate|activate|turn\s+(?:\S+\s+){0,4}back\s+on|turn\s+on|switch\s+on|enable|launch|start|go\s+live|unfreeze)\b/iu;
/** Questions about what went wrong: answered from the anomaly alerts. */
const ALERTS =
  /\b(?:alerts?|anomal\w*|(?:went|go|gone|going)\s+wrong|what(?:'s|\s+is)\s+wrong)\b|\bwhy\s+(?:is|are|has|have|did|was)\b/iu;
const CREDITS = /\bcredits?\b|\bbalance\b/iu;
const ACCOUNTS = /\b(?:ad\s+)?accounts?\b/iu;
const PERFORMANCE =
  /\b(?:perform\w*|spend|spent|spending|stats?|statistics|numbers|results|metrics|report(?:ing)?|roas|cpa|cpc|ctr|conversions|revenue|trend|impressions|clicks|kpis?)\b|\bhow(?:'s|\s+(?:did|are|is|was|were|have|has))\b.*\b(?:do|doing|did|go|going|went|perform\w*|look\w*)\b|\bhow\s+much\s+(?:did|have)\b/iu;
const LIST =
  /\bcampaigns?\b|\b(?:running|live)\b|\bwhat(?:'s|\s+is)\s+(?:active|on)\b|\blist\s+(?:everything|all)\b|\b(?:drafts?|paused|archived)\b/iu;
const HELP = /^\s*(?:help|\?|what\s+can\s+you\s+do\??|hi|hello|hey)\s*[!.?]*\s*$/iu;
const THANKS =
  /^\s*(?:thanks?|thank\s+you|thx|ty|cheers|great|perfect|ok(?:ay)?|cool|nice|awesome)(?:\s+(?:so\s+much|a\s+lot|very\s+much|again))?\s*[!.]*\s*$/iu;

/** Classifies `text`; `today` (YYYY-MM-DD) resolves relative periods. */
export function classify(text: string, today: string): Intent {
  if (HELP.test(text)) return { kind: "help" };
  if (THANKS.test(text)) return { kind: "thanks" };
  const quoted = findQuotedName(text);
  // Words inside a quoted name must not trigger intents ("pause 'Stop Smoking Ads'").
  const plain = without(text, [quoted]);

  // Rules first: "pause any campaign with CPA over $40" is a rule, not a pause now.
  if (isRuleActivityQuestion(plain)) return { kind: "rule_activity" };
  const rule = findRuleRequest(plain);
  if (rule) return { kind: "rule", request: rule };

  if (STRONG_CREATE.test(plain) || (CREATE_VERB.test(plain) && NEW_CAMPAIGN.test(plain))) {
    return createIntent(text);
  }
  if (ALERTS.test(plain)) {
    return {
      kind: "alerts",
      campaignPhrase: alertCampaignPhrase(text, quoted?.name),
      yesterday: /\byesterday\b/iu.test(plain),
    };
  }
  const flags = { bulk: !quoted && BULK.test(plain), confirm: false };

  const change = findBudgetChange(plain);
  if (BUDGET_WORDS.test(plain) || (change && BUDGET_VERBS.test(plain))) {
    const spans = change?.kind === "scale" ? [change.span] : [change?.amount];
    return {
      kind: "budget",
      phrase: quoted?.name ?? without(text, spans),
      change,
      budgetType: findBudgetType(plain),
      ...flags,
    };
  }

  const action = ARCHIVE.test(plain)
    ? "archive"
    : PAUSE.test(plain)
    ? "pause"
    : RESUME.test(plain)
    ? "resume"
    : null;
  if (action) return { kind: "status", action, phrase: quoted?.name ?? text, ...flags };

  if (CREDITS.test(plain)) return { kind: "credits" };

  const period = findPeriod(text, today);
  if (PERFORMANCE.test(plain) || period) {
    return {
      kind: "performance",
      period,
      campaignPhrase: campaignPhraseOf(text, quoted?.name),
      datesUnread: !period && DATE_CUES.test(plain),
    };
  }
  if (ACCOUNTS.test(plain) && !/\bcampaigns?\b/iu.test(plain)) return { kind: "list_accounts" };
  if (LIST.test(plain)) return { kind: "list_campaigns", status: findStatusFilter(plain) };
  return { kind: "unknown" };
}

function createIntent(text: string): Intent {
  const quoted = findQuotedName(text);
  const amount = findAmount(without(text, [quoted]));
  const introduced = quoted ? null : findNewCampaignName(without(text, [amount]));
  const name = quoted?.name ?? introduced?.name ?? null;
  const rest = without(text, [quoted, introduced, amount]);
  return {
    kind: "create",
    name,
    objective: findObjective(rest),
    budgetType: findBudgetType(rest),
    amount,
    launch: LAUNCH.test(rest),
    rest,
  };
}

/**
 * Asking for a live campaign rather than a draft: "an active campaign", "launch …", "and start
 * it", "go live". "Start a campaign" alone stays a draft: it is as often said of setting one up.
 */
const LAUNCH =
  /\b(?:active|live|launch(?:ed|es|ing)?|go\s+live|(?:and|then)\s+(?:start|run|activate)\s+it|start\s+(?:it\s+)?(?:now|right\s+away|immediately))\b/iu;

/** The campaign a performance question is about, if it names one. */
function campaignPhraseOf(text: string, quoted: string | undefined): string | null {
  if (quoted) return quoted;
  const patterns = [
    /\b(?:for|of|on)\s+(?:the\s+|my\s+|our\s+)?(.+?)\s+campaign\b/iu,
    /\bcampaign\s+(.+?)(?:\s+(?:last|this|since|yesterday|today|over|in|during|for|from)\b|[?.!,]|$)/iu,
    /\bhow(?:'s|\s+(?:did|is|was|has))\s+(?:the\s+)?(.+?)\s+(?:do|doing|did|perform\w*|go|gone|going)\b/iu,
    /\bwhat\s+(?:did|has|does)\s+(?:the\s+)?(.+?)\s+(?:spend|spent|make|made|earn|earned|bring|cost|do|get|generate)\b/iu,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match && significantTokens(match[1]).some((token) => !GENERIC.has(token))) {
      return match[1].trim();
    }
  }
  return null;
}

/** The campaign a "why is X's CPA up?" question names, if any. */
function alertCampaignPhrase(text: string, quoted: string | undefined): string | null {
  if (quoted) return quoted;
  const patterns = [
    /\bwhy\s+(?:is|are|has|have|did|was)\s+(?:the\s+)?(.+?)(?:'s|’s)\s/iu,
    /\bwhy\s+(?:is|are|has|have|did|was)\s+(?:the\s+)?(.+?)\s+(?:campaign\b|cpa|roas|ctr|spend|conversions|so\b|not\b|down\b|up\b)/iu,
    /\b(?:with|on|for)\s+(?:the\s+)?(.+?)(?:\s+campaign\b|[?.!,]|$)/iu,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match && significantTokens(match[1]).some((token) => !GENERIC.has(token))) {
      return match[1].trim();
    }
  }
  return null;
}

/** Words that do not name a campaign ("how did we do", "for all campaigns"). */
const GENERIC = new Set([
  "all",
  "every",
  "each",
  "everything",
  "things",
  "overall",
  "total",
  "they",
  "them",
  "last",
  "week",
  "month",
  "year",
  "yesterday",
  "today",
]);

/** Command words a typo is corrected to ("pasue" → "pause"); names are never corrected here. */
const COMMAND_WORDS = [
  "pause",
  "resume",
  "unpause",
  "restart",
  "reactivate",
  "archive",
  "delete",
  "remove",
  "increase",
  "decrease",
  "raise",
  "lower",
  "reduce",
  "double",
  "halve",
  "budget",
  "change",
  "update",
  "campaign",
  "campaigns",
  "show",
  "list",
  "create",
];

/**
 * `text` with misspelt command words corrected, or null when there is nothing to correct. Only
 * words of four letters or more that are one typo away from exactly one command word change.
 */
function correctCommandWords(text: string): string | null {
  let changed = false;
  const corrected = text.replace(/\p{L}{4,}/gu, (word) => {
    const lower = word.toLowerCase();
    if (COMMAND_WORDS.includes(lower)) return word;
    const matches = COMMAND_WORDS.filter((command) => similar(lower, command));
    if (matches.length !== 1) return word;
    changed = true;
    return matches[0];
  });
  return changed ? corrected : null;
}

/** Whether the rules failed to read `intent` (so a typo may be to blame). */
function unread(intent: Intent): boolean {
  return intent.kind === "unknown" || (intent.kind === "budget" && intent.change === null);
}

/**
 * Classifies `text`, correcting typos in command words when the text cannot be read as written:
 * a change read through a correction is marked to be confirmed before anything is done.
 */
export function classifyTolerant(text: string, today: string): Intent {
  const intent = classify(text, today);
  if (!unread(intent)) return intent;
  const corrected = correctCommandWords(text);
  if (!corrected) return intent;
  const second = classify(corrected, today);
  if (unread(second)) return intent;
  if (second.kind === "status" || second.kind === "budget") return { ...second, confirm: true };
  return second;
}

/** A verb that starts a request of its own ("… and raise", "…, then double"). */
const CLAUSE_VERB =
  /^(?:(?:please|pls|also|then|and|now)\s+)*(?:pause|stop|halt|resume|unpause|restart|reactivate|activate|archive|delete|remove|raise|increase|decrease|lower|cut|reduce|bump|boost|double|halve|triple|set|change|update|make|turn|switch|put|drop|trim|show|list)\b/iu;
const CLAUSE_BREAK = /\s*[,;]\s*|\s+(?:and|then)\s+/giu;

/**
 * Every request in `text`, in order: "pause X and raise Y's budget by 20%" is two. Text is split
 * only where a new action verb starts; a create request is always read whole.
 */
export function classifyAll(text: string, today: string): Intent[] {
  const whole = classifyTolerant(text, today);
  // A new campaign or a rule reads as one request, its commas and "and"s included.
  if (whole.kind === "create" || whole.kind === "rule" || whole.kind === "rule_activity") {
    return [whole];
  }
  const quoted = findQuotedName(text);
  const clauses: string[] = [];
  let start = 0;
  for (const match of without(text, [quoted]).matchAll(CLAUSE_BREAK)) {
    const end = (match.index ?? 0) + match[0].length;
    if (!CLAUSE_VERB.test(text.slice(end))) continue;
    clauses.push(text.slice(start, match.index));
    start = end;
  }
  clauses.push(text.slice(start));
  if (clauses.length < 2) return [whole];
  return clauses.map((clause) => classifyTolerant(clause, today));
}
