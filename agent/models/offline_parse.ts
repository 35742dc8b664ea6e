/**
 * Names and words in user text: quoted or "called …" names, objectives, budget types, status
 * filters, and fuzzy, case-insensitive matching of a phrase against campaign or account names.
 *
 * @module
 */
import { CAMPAIGN_OBJECTIVES } from "../../domain/campaigns.ts";

/** Campaign objectives the tools accept. */
export type Objective = (typeof CAMPAIGN_OBJECTIVES)[number];

/** A span of text that was recognised (so later rules can ignore it). */
export interface Span {
  start: number;
  end: number;
}

/** A name the user gave, and where. */
export interface FoundName extends Span {
  name: string;
}

const QUOTED = /(["“”'‘’`])((?:(?!\1).){1,200}?)(["“”'‘’`])/u;

/** A quoted name: "…", '…', “…”, ‘…’ (apostrophes inside words do not count as quotes). */
export function findQuotedName(text: string): FoundName | null {
  const pattern = new RegExp(QUOTED.source, "gu");
  for (const match of text.matchAll(pattern)) {
    const [whole, open, inner, close] = match;
    const start = match.index ?? 0;
    // "Spring Sale's budget … Friday's" is not a quote: an apostrophe opening a quote must not
    // follow a letter, and the closing one must not be followed by one.
    const before = text[start - 1] ?? " ";
    const after = text[start + whole.length] ?? " ";
    if (/[\p{L}\p{N}]/u.test(before) || /[\p{L}\p{N}]/u.test(after)) continue;
    if (!pairs(open, close)) continue;
    const name = inner.trim();
    if (name.length > 0) return { name, start, end: start + whole.length };
  }
  return null;
}

function pairs(open: string, close: string): boolean {
  const family = (quote: string) =>
    `"“”`.includes(quote) ? "double" : "'‘’`".includes(quote) ? "single" : quote;
  return family(open) === family(close);
}

/** Words that end a "called …" name. */
const NAME_STOP = String
  .raw`(?=\s+(?:with|at|for|using|and|budget|starting|targeting|that|which|on|in|to|from|daily|lifetime|per|objective)\b|\s*[,.;!?()]\s|\s*[,;!?()]|\s*\.$|\s*$)`;

/** A name introduced by "called", "named", "titled", "name it". */
export function findIntroducedName(text: string): FoundName | null {
  const pattern = new RegExp(
    String.raw`\b(?:called|named|titled|name\s+it|call\s+it)\s*:?\s+(.+?)${NAME_STOP}`,
    "iu",
  );
  const match = pattern.exec(text);
  if (!match) return null;
  const name = match[1].trim().replace(/^(?:the\s+)/iu, "");
  if (!name) return null;
  return { name, start: match.index, end: match.index + match[0].length };
}

/** Words after "campaign" or a create verb that start a description, not a name. */
const NOT_A_NAME = String
  .raw`(?!(?:a|an|the|new|another|campaign|me|us|my|our|called|named|titled|for|with|at|to|on|in|of|budget|that|which|using|and)\b)`;

/**
 * The name of a campaign to create: introduced ("called …"), or written straight after the word
 * campaign ("create campaign Autumn Deals, …") or after the create verb ("create Holiday Gifts
 * with …", "create Autumn Deals campaign …").
 */
export function findNewCampaignName(text: string): FoundName | null {
  const introduced = findIntroducedName(text);
  if (introduced) return introduced;
  const patterns = [
    String.raw`\bcampaign\s*:?\s+${NOT_A_NAME}(.+?)${NAME_STOP}`,
    String.raw`\b(?:create|set\s*up|build|spin\s+up|draft)\s+${NOT_A_NAME}(.+?)${NAME_STOP}`,
  ];
  for (const pattern of patterns) {
    const match = new RegExp(pattern, "iu").exec(text);
    if (!match) continue;
    const name = match[1].replace(/\s+campaign$/iu, "").trim();
    if (/\p{L}/u.test(name)) {
      return { name, start: match.index, end: match.index + match[0].length };
    }
  }
  return null;
}

/** `text` with the given spans blanked out (keeps indexes of the rest stable). */
export function without(text: string, spans: readonly (Span | null | undefined)[]): string {
  let result = text;
  for (const span of spans) {
    if (!span) continue;
    result = result.slice(0, span.start) + " ".repeat(span.end - span.start) +
      result.slice(span.end);
  }
  return result;
}

const OBJECTIVE_WORDS: [Objective, RegExp][] = [
  ["leads", /\b(?:leads?|lead[- ]gen(?:eration)?|sign[- ]?ups?|subscribers?)\b/iu],
  ["conversions", /\b(?:conversions?|convert|retargeting)\b/iu],
  ["sales", /\b(?:sales?|purchases?|shopping|revenue|orders?|ecommerce|e-commerce)\b/iu],
  ["traffic", /\b(?:traffic|clicks?|visits?|visitors?|website)\b/iu],
  ["awareness", /\b(?:awareness|brand(?:ing)?|reach|impressions)\b/iu],
  ["engagement", /\b(?:engagement|engage|likes|interactions?)\b/iu],
];

/** The campaign objective `text` names (the most specific one, when several words match). */
export function findObjective(text: string): Objective | null {
  const found = OBJECTIVE_WORDS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  return found[0] ?? null;
}

/** Every objective, for "which objective?" questions. */
export const OBJECTIVES: readonly Objective[] = CAMPAIGN_OBJECTIVES;

/** "daily" or "lifetime" when `text` says which kind of budget. */
export function findBudgetType(text: string): "daily" | "lifetime" | null {
  if (/\b(?:lifetime|total|in total|overall|all[- ]in|for the whole|one[- ]off)\b/iu.test(text)) {
    return "lifetime";
  }
  if (
    /\/\s*(?:day|d)\b|\b(?:daily|per day|a day|each day|every day|\/day|day budget)\b/iu.test(text)
  ) {
    return "daily";
  }
  return null;
}

/** A status filter for "show active / paused / draft / archived campaigns". */
export function findStatusFilter(text: string): "active" | "paused" | "draft" | "archived" | null {
  if (/\b(?:active|running|live|enabled|delivering|turned on)\b/iu.test(text)) return "active";
  if (/\b(?:paused|stopped|inactive|halted|turned off)\b/iu.test(text)) return "paused";
  if (/\b(?:drafts?|unlaunched|not launched)\b/iu.test(text)) return "draft";
  if (/\b(?:archived|deleted)\b/iu.test(text)) return "archived";
  return null;
}

/** Words that carry no name information. */
const STOPWORDS = new Set(
  (
    "a an the my our your this that these those it its one ones campaign campaigns camp please " +
    "pls plz can could would you u me i we us for of to on in at by with and or now right away " +
    "just kindly hey hi ok okay thanks thank budget daily lifetime set change update make bump " +
    "raise increase decrease lower cut reduce up down new pause stop halt resume unpause restart " +
    "reactivate activate start launch enable disable archive delete remove get rid kill retire " +
    "turn off switch back again is be was per day dollars bucks usd eur euros called named " +
    "which one s ad ads account accounts want like would should let lets do also then too " +
    "as well for now"
  ).split(" "),
);

/** Lower-case word tokens of `text` (letters and digits), without stopwords. */
export function significantTokens(text: string): string[] {
  return normalise(text).split(" ").filter((token) => token && !STOPWORDS.has(token));
}

/** Lower case, accents stripped, punctuation and dashes as spaces. */
export function normalise(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/'s\b/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/**
 * The items whose whole name (normalised: case, accents and punctuation aside) is written in
 * `text` as whole words, in the order they appear — longest names first where they overlap.
 * Empty unless every other significant word of `text` belongs to a found name, so "pause
 * autumn sale 2" never settles on a campaign called "Autumn Sale".
 */
export function namesIn<T>(text: string, items: readonly T[], nameOf: (item: T) => string): T[] {
  const haystack = ` ${normalise(text)} `;
  const found = items
    .map((item) => ({ item, needle: normalise(nameOf(item)) }))
    .filter(({ needle }) => needle.length > 0 && haystack.includes(` ${needle} `))
    .map((entry) => ({ ...entry, at: haystack.indexOf(` ${entry.needle} `) + 1 }))
    .sort((left, right) => right.needle.length - left.needle.length);
  const kept: typeof found = [];
  for (const entry of found) {
    const end = entry.at + entry.needle.length;
    if (kept.some((other) => entry.at < other.at + other.needle.length && other.at < end)) {
      continue;
    }
    kept.push(entry);
  }
  kept.sort((left, right) => left.at - right.at);
  const named = new Set(kept.flatMap((entry) => significantTokens(entry.needle)));
  const rest = without(
    haystack,
    kept.map((entry) => ({ start: entry.at, end: entry.at + entry.needle.length })),
  );
  if (significantTokens(rest).some((token) => !named.has(token))) return [];
  return kept.map((entry) => entry.item);
}

/** A candidate and how well a phrase matched it. */
export interface NameMatch<T> {
  item: T;
  /** Share of the candidate's significant name words the phrase contains (0..1). */
  coverage: number;
  /** Share of the phrase's words found in the name (0..1). */
  precision: number;
  exact: boolean;
}

/**
 * Ranks `items` by how well `phrase` names them. Exact (normalised) equality wins; otherwise
 * each name word counts when the phrase has it (or a one-typo variant of a long word).
 */
export function rankByName<T>(
  phrase: string,
  items: readonly T[],
  nameOf: (item: T) => string,
): NameMatch<T>[] {
  const phraseTokens = significantTokens(phrase);
  const phraseNormal = normalise(phrase);
  const ranked = items.map((item) => {
    const name = nameOf(item);
    const nameTokens = significantTokens(name);
    const exact = normalise(name) === phraseNormal;
    const hits = nameTokens.filter((token) => phraseTokens.some((word) => similar(word, token)));
    const used = phraseTokens.filter((word) => nameTokens.some((token) => similar(word, token)));
    return {
      item,
      exact,
      coverage: nameTokens.length === 0 ? 0 : hits.length / nameTokens.length,
      precision: phraseTokens.length === 0 ? 0 : used.length / phraseTokens.length,
    };
  });
  return ranked.filter((match) => match.exact || match.coverage > 0)
    .sort((left, right) =>
      Number(right.exact) - Number(left.exact) || right.coverage - left.coverage ||
      right.precision - left.precision
    );
}

/** The outcome of resolving a phrase to one item. */
export type Resolution<T> =
  | { kind: "one"; item: T }
  | { kind: "ambiguous"; items: T[] }
  | { kind: "none" };

/**
 * Resolves `phrase` to one of `items`: an exact name, or the single best match naming at least
 * half of the item's words; several equally good matches are ambiguous (the caller asks).
 */
export function resolveByName<T>(
  phrase: string,
  items: readonly T[],
  nameOf: (item: T) => string,
): Resolution<T> {
  const ranked = rankByName(phrase, items, nameOf);
  const exact = ranked.filter((match) => match.exact);
  if (exact.length === 1) return { kind: "one", item: exact[0].item };
  const good = ranked.filter((match) => match.coverage >= 0.5 || match.precision >= 0.99);
  if (good.length === 0) return { kind: "none" };
  const best = good[0];
  const tied = good.filter((match) =>
    match.coverage === best.coverage && match.precision === best.precision
  );
  if (tied.length === 1) return { kind: "one", item: best.item };
  return { kind: "ambiguous", items: tied.map((match) => match.item) };
}

/** Equal, or (for words of 4+ letters) one edit apart — tolerates a typo like "blak". */
export function similar(word: string, token: string): boolean {
  if (word === token) return true;
  if (word.length < 4 || token.length < 4 || Math.abs(word.length - token.length) > 1) {
    return false;
  }
  return editDistanceAtMostOne(word, token);
}

/** One insertion, deletion, substitution or swap of neighbours ("pasue") at most. */
function editDistanceAtMostOne(left: string, right: string): boolean {
  if (left.length === right.length) {
    const at = [...left].findIndex((char, index) => char !== right[index]);
    if (
      at >= 0 && left[at] === right[at + 1] && left[at + 1] === right[at] &&
      left.slice(at + 2) === right.slice(at + 2)
    ) {
      return true;
    }
  }
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (left.length > right.length) i++;
    else if (left.length < right.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (left.length - i) + (right.length - j) <= 1;
}
