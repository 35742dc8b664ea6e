/**
 * The per-campaign outcome of a bulk pause/resume, carried across its redirect (Post/Redirect/
 * Get) in a short-lived cookie like the flash message, and read once by the campaigns page.
 *
 * @module
 */
import { parse, serialize } from "hono/utils/cookie";
import type { BulkStatusResult } from "../domain/campaigns.ts";

const COOKIE = "aae_bulk";
/** Browsers keep cookies up to about 4 KB: results beyond this are summed up, not listed. */
const MAX_COOKIE_TEXT = 3_000;

/** One line of the results as the page shows it. */
export interface BulkResultLine {
  name: string;
  outcome: BulkStatusResult["outcome"];
  /** Why it was refused, or the approval to look at. */
  detail: string | null;
}

/** What the page shows after a bulk change. */
export interface BulkResults {
  /** "Paused", "Resumed". */
  verb: string;
  lines: BulkResultLine[];
  /** Results left out to keep the cookie small. */
  more: number;
}

/** The `Set-Cookie` value carrying `results` of a bulk change to the next page. */
export function bulkResultsCookie(verb: string, results: readonly BulkStatusResult[]): string {
  const lines: BulkResultLine[] = results.map((result) => ({
    name: result.name.slice(0, 80),
    outcome: result.outcome,
    detail: result.outcome === "refused"
      ? result.reason.slice(0, 160)
      : result.outcome === "approval_required"
      ? result.approvalId
      : null,
  }));
  const kept: BulkResultLine[] = [];
  for (const line of lines) {
    if (JSON.stringify([...kept, line]).length > MAX_COOKIE_TEXT) break;
    kept.push(line);
  }
  const value: BulkResults = { verb, lines: kept, more: lines.length - kept.length };
  return serialize(COOKIE, JSON.stringify(value), {
    path: "/campaigns",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: 60,
  });
}

/** The `Set-Cookie` value removing the results once shown. */
export function clearBulkResultsCookie(): string {
  return serialize(COOKIE, "", { path: "/campaigns", httpOnly: true, sameSite: "Lax", maxAge: 0 });
}

const OUTCOMES = new Set<string>(["done", "approval_required", "refused"]);

/** The results a request's cookies carry, or null (also for anything malformed). */
export function bulkResultsFromCookies(header: string | null): BulkResults | null {
  if (!header) return null;
  const raw = parse(header, COOKIE)[COOKIE];
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as BulkResults;
    const valid = typeof value.verb === "string" && Array.isArray(value.lines) &&
      value.lines.every((line) =>
        typeof line.name === "string" && OUTCOMES.has(line.outcome) &&
        (line.detail === null || typeof line.detail === "string")
      );
    return valid ? { ...value, more: Number(value.more) || 0 } : null;
  } catch {
    return null;
  }
}
