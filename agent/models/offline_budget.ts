/**
 * Budget changes in user text: a new amount ("to $80"), a difference ("by $10", "up by 20
 * dollars"), or a ratio ("double", "halve", "by 20%", "cut it by 12.5 percent"). Ratios are
 * exact fractions, so the new amount in minor units is computed with integers only.
 *
 * @module
 */
import { findAmount, type ParsedAmount, parseNumber } from "./offline_amounts.ts";
import type { Span } from "./offline_parse.ts";

/** How the user wants a budget changed. */
export type BudgetChange =
  | { kind: "set"; amount: ParsedAmount }
  | { kind: "add"; amount: ParsedAmount; sign: 1 | -1 }
  | { kind: "scale"; numerator: bigint; denominator: bigint; span: Span };

const UP = /\b(?:increase|raise|bump|boost|up|grow|scale\s+up|add|more)\b/iu;
const DOWN = /\b(?:decrease|lower|reduce|cut|drop|down|trim|scale\s+(?:back|down)|less)\b/iu;

/** The budget change `text` asks for, or null when it names none. */
export function findBudgetChange(text: string): BudgetChange | null {
  const direction = UP.test(text) ? 1 : DOWN.test(text) ? -1 : 0;
  const percent = /\bby\s+(\d+(?:\.\d+)?)\s*(?:%|percent\b|pct\b)/iu.exec(text);
  if (percent && direction !== 0) {
    const ratio = parseNumber(percent[1]);
    if (ratio) {
      // (100 ± p) / 100, with p = digits / 10^scale.
      const hundred = 100n * 10n ** BigInt(ratio.scale);
      return {
        kind: "scale",
        numerator: hundred + BigInt(direction) * ratio.digits,
        denominator: hundred,
        span: spanOf(percent),
      };
    }
  }
  const factor = /\b(double|triple|quadruple|halve|(?:cut|reduce)\s+(?:it\s+)?in\s+half)\b/iu
    .exec(text);
  if (factor) {
    const word = factor[1].toLowerCase();
    const [numerator, denominator] = word === "double"
      ? [2n, 1n]
      : word === "triple"
      ? [3n, 1n]
      : word === "quadruple"
      ? [4n, 1n]
      : [1n, 2n];
    return { kind: "scale", numerator, denominator, span: spanOf(factor) };
  }
  const amount = findAmount(text);
  if (!amount) return null;
  const before = text.slice(Math.max(0, amount.start - 12), amount.start);
  if (/\bby\s*$/iu.test(before) && direction !== 0) {
    return { kind: "add", amount, sign: direction as 1 | -1 };
  }
  return { kind: "set", amount };
}

/** `minor × numerator / denominator`, rounded half up to a whole minor unit. */
export function scaleMinor(minor: number, numerator: bigint, denominator: bigint): number {
  const scaled = BigInt(minor) * numerator;
  return Number((2n * scaled + denominator) / (2n * denominator));
}

function spanOf(match: RegExpExecArray): Span {
  return { start: match.index, end: match.index + match[0].length };
}
