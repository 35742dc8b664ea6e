/**
 * Money in user text ("$50", "50 dollars", "75 bucks", "€40", "1,250.50", "$1.5k") parsed
 * exactly: amounts are kept as an integer of digits and a decimal scale (never a binary float)
 * and converted to minor units only once the account's currency is known.
 *
 * @module
 */

/** An amount as written: `digits / 10^scale` major units. */
export interface ParsedAmount {
  digits: bigint;
  scale: number;
  /** Currencies the written symbol or word allows (`$` could be USD, CAD or AUD); null: none. */
  currencies: readonly string[] | null;
  /** Where it was found in the text (to cut it out before looking for names). */
  start: number;
  end: number;
}

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const THOUSANDS = String.raw`(?:\s?(k)\b)?`;

const SYMBOLS: Record<string, readonly string[]> = {
  "$": ["USD", "CAD", "AUD"],
  "€": ["EUR"],
  "£": ["GBP"],
  "¥": ["JPY"],
  "₹": ["INR"],
  "₩": ["KRW"],
  "r$": ["BRL"],
};

const WORDS: Record<string, readonly string[]> = {
  dollar: ["USD", "CAD", "AUD"],
  dollars: ["USD", "CAD", "AUD"],
  buck: ["USD", "CAD", "AUD"],
  bucks: ["USD", "CAD", "AUD"],
  usd: ["USD"],
  euro: ["EUR"],
  euros: ["EUR"],
  eur: ["EUR"],
  pound: ["GBP"],
  pounds: ["GBP"],
  quid: ["GBP"],
  gbp: ["GBP"],
  cad: ["CAD"],
  aud: ["AUD"],
  yen: ["JPY"],
  jpy: ["JPY"],
  inr: ["INR"],
  rupees: ["INR"],
  brl: ["BRL"],
  reais: ["BRL"],
  krw: ["KRW"],
  won: ["KRW"],
};
const WORD_ALTERNATIVES = Object.keys(WORDS).sort((a, b) => b.length - a.length).join("|");

// Ordered from most to least explicit: a symbol or currency word makes a number an amount; a
// bare number only counts in budget phrasing ("to 75", "at 30 per day", "500 total").
const PATTERNS: { regex: RegExp; currency(match: RegExpExecArray): readonly string[] | null }[] = [
  {
    regex: new RegExp(String.raw`(r\$|[$€£¥₹₩])\s?${NUMBER}${THOUSANDS}`, "giu"),
    currency: (match) => SYMBOLS[match[1].toLowerCase()] ?? null,
  },
  {
    regex: new RegExp(String.raw`\b(${WORD_ALTERNATIVES})\s?${NUMBER}${THOUSANDS}`, "giu"),
    currency: (match) => WORDS[match[1].toLowerCase()] ?? null,
  },
  {
    regex: new RegExp(String.raw`${NUMBER}${THOUSANDS}\s*(${WORD_ALTERNATIVES})\b`, "giu"),
    currency: (match) => WORDS[match[3].toLowerCase()] ?? null,
  },
  {
    regex: new RegExp(
      String
        .raw`${NUMBER}${THOUSANDS}(?=\s*(?:\/\s*(?:day|d)\b|(?:per|a|each|every)\s+day\b|daily\b|total\b|lifetime\b|in total\b|overall\b))`,
      "giu",
    ),
    currency: () => null,
  },
  {
    regex: new RegExp(
      String
        .raw`(?<=\b(?:to|at|of|budget|=|is|be)\s+)${NUMBER}${THOUSANDS}(?!\s*(?:%|percent|days?|weeks?|months?|years?|campaigns?|credits?|th|st|nd|rd)\b)(?![\d/:-])`,
      "giu",
    ),
    currency: () => null,
  },
];

/** The first money amount in `text`, or null. */
export function findAmount(text: string): ParsedAmount | null {
  for (const pattern of PATTERNS) {
    pattern.regex.lastIndex = 0;
    const match = pattern.regex.exec(text);
    if (!match) continue;
    // Capture groups differ per pattern: the number is the first group that looks numeric.
    const number = match.slice(1).find((group) => group !== undefined && /^[\d.,]+$/.test(group));
    if (!number) continue;
    const thousands = match.slice(1).some((group) => group?.toLowerCase() === "k");
    const amount = parseNumber(number, thousands);
    if (!amount) continue;
    return {
      ...amount,
      currencies: pattern.currency(match),
      start: match.index,
      end: match.index + match[0].length,
    };
  }
  return null;
}

/** Parses "1,250.50" (optionally ×1000 for "k") into digits and scale; null if malformed. */
export function parseNumber(
  written: string,
  thousands = false,
): { digits: bigint; scale: number } | null {
  const plain = written.replaceAll(",", "");
  if (!/^\d*\.?\d*$/.test(plain) || !/\d/.test(plain)) return null;
  const [whole, fraction = ""] = plain.split(".");
  let digits = BigInt(`${whole || "0"}${fraction}`);
  let scale = fraction.length;
  if (thousands) {
    // ×1000 exactly: consume up to three decimals, then multiply what remains.
    const shift = Math.min(scale, 3);
    scale -= shift;
    digits *= 10n ** BigInt(3 - shift);
  }
  return { digits, scale };
}
