/**
 * What the three platform fakes share: serving on an ephemeral port, a settable clock, injectable
 * faults, and the delivery model (how spend accrues over the days a campaign runs).
 *
 * @module
 */
import { addDays, dateOf, fractionOfDayElapsed, weekdayOf } from "../../domain/dates.ts";

/** A fault a fake can be told to answer with. */
export type FakeFault =
  /** A 5xx answer; with `applied`, the request takes effect first (the answer is lost). */
  | { kind: "server_error"; applied?: boolean }
  /** No answer until the client gives up; with `applied`, the request takes effect first. */
  | { kind: "timeout"; applied?: boolean }
  /** The token in use expires now: this and later requests with it are refused. */
  | { kind: "expire_token" }
  /** The platform's throttling answer; `retryAfterSeconds` where the platform says one. */
  | { kind: "rate_limit"; retryAfterSeconds?: number }
  /** An async report job this request creates fails at the platform (Meta, TikTok). */
  | { kind: "report_failed" }
  /** An async report job this request creates never finishes (Meta, TikTok). */
  | { kind: "report_stuck" };

interface PlannedFault {
  fault: FakeFault;
  remaining: number;
  path?: RegExp;
  method?: string;
}

/** Faults queued for the next matching requests. */
export class FaultPlan {
  #planned: PlannedFault[] = [];

  /** Answers the next `times` requests matching `path` (and `method`) with `fault`. */
  inject(fault: FakeFault, match: { path?: RegExp; method?: string; times?: number } = {}) {
    this.#planned.push({
      fault,
      remaining: match.times ?? 1,
      path: match.path,
      method: match.method,
    });
  }

  /** The fault for this request, if one is planned (consumes it). */
  take(request: Request): FakeFault | null {
    const url = new URL(request.url);
    const planned = this.#planned.find((entry) =>
      entry.remaining > 0 && (!entry.path || entry.path.test(url.pathname)) &&
      (!entry.method || entry.method === request.method)
    );
    if (!planned) return null;
    planned.remaining -= 1;
    this.#planned = this.#planned.filter((entry) => entry.remaining > 0);
    return planned.fault;
  }

  clear() {
    this.#planned = [];
  }
}

/** A clock the test sets; fakes read "now" from it. */
export class FakeClock {
  constructor(public ms = Date.parse("2026-11-02T12:00:00.000Z")) {}
  now(): number {
    return this.ms;
  }
  set(iso: string) {
    this.ms = Date.parse(iso);
  }
  advanceDays(days: number) {
    this.ms += days * 86_400_000;
  }
}

/** A running fake. */
export interface ServedFake {
  url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 on an ephemeral (or given) port. */
export function serveFake(
  handler: (request: Request) => Response | Promise<Response>,
  port = 0,
): ServedFake {
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: async () => {
      await server.shutdown();
    },
  };
}

/** Waits until the client drops the request (a fake that never answers), at most 60 s. */
export function hangUp(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(new Response(null, { status: 504 })), 60_000);
    request.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(new Response(null, { status: 499 }));
    });
  });
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A deterministic fraction in [0, 1) for `seed` (FNV-1a). */
export function seeded(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // murmur3's finalizer: FNV alone barely moves the high bits when only the last characters differ
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** A campaign's delivery settings from `at` on (budgets in the platform's integer units). */
export interface DeliveryState {
  at: number;
  active: boolean;
  daily: number | null;
  lifetime: number | null;
  startDate: string | null;
  endDate: string | null;
}

/** The slowest day's pace, in daily budgets. */
const MIN_PACE = 0.55;

/** How far a platform lets a day's spend exceed the daily budget. */
export interface DeliveryRules {
  /** A day's spend is at most this many daily budgets (Meta 1.75, Google 2). */
  maxDailyFactor: number;
  /** A Sunday–Saturday week spends at most this many daily budgets (Meta 7), if limited. */
  weeklyFactor: number | null;
  /** A calendar month spends at most this many daily budgets (Google 30.4), if limited. */
  monthlyFactor?: number | null;
}

/**
 * Spend per day (platform units), from the day the campaign was created to today (partial by the
 * time elapsed in the account's time zone). Each day uses the settings in force at its end (now,
 * for today); the day's pace is deterministic per campaign and date, between 0.55 and 1.75 daily
 * budgets, then capped by the rules (a weekly cap paced so every day of the week delivers);
 * lifetime budgets spread what is left over the days left.
 */
export function deliveryByDay(
  seed: string,
  history: readonly DeliveryState[],
  timezone: string,
  now: number,
  rules: DeliveryRules,
): Map<string, number> {
  const days = new Map<string, number>();
  if (history.length === 0) return days;
  const today = dateOf(new Date(now), timezone);
  let weekSpent = 0;
  let monthSpent = 0;
  let total = 0;
  for (
    let date = dateOf(new Date(history[0].at), timezone);
    date <= today;
    date = addDays(date, 1)
  ) {
    if (weekdayOf(date) === 0) weekSpent = 0;
    if (date.endsWith("-01")) monthSpent = 0;
    const state = history.findLast((entry) => dateOf(new Date(entry.at), timezone) <= date)!;
    if (!state.active) continue;
    if (state.startDate && date < state.startDate) continue;
    if (state.endDate && date > state.endDate) continue;
    const pace = MIN_PACE + (1.75 - MIN_PACE) * seeded(`${seed}/${date}`);
    let spend: number;
    if (state.daily !== null) {
      spend = Math.min(
        Math.floor(state.daily * pace),
        Math.floor(state.daily * rules.maxDailyFactor),
      );
      if (rules.weeklyFactor !== null) {
        // Pacing keeps the week's later days delivering: what each of them needs at the slowest
        // pace stays unspent, as a platform that averages a week never goes dark on a Saturday.
        const reserve = (6 - weekdayOf(date)) * Math.floor(state.daily * MIN_PACE);
        spend = Math.min(
          spend,
          Math.max(0, state.daily * rules.weeklyFactor - weekSpent - reserve),
        );
      }
      if (rules.monthlyFactor) {
        spend = Math.min(
          spend,
          Math.max(0, Math.floor(state.daily * rules.monthlyFactor) - monthSpent),
        );
      }
    } else {
      const remaining = Math.max(0, (state.lifetime ?? 0) - total);
      const daysLeft = state.endDate ? Math.max(1, daysUntil(date, state.endDate) + 1) : 30;
      spend = Math.min(remaining, Math.floor(remaining / daysLeft * pace));
    }
    if (date === today) spend = Math.floor(spend * fractionOfDayElapsed(new Date(now), timezone));
    if (spend <= 0) continue;
    weekSpent += spend;
    monthSpent += spend;
    total += spend;
    days.set(date, spend);
  }
  return days;
}

function daysUntil(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** Counts derived from a day's spend in major units (deterministic per seed and date). */
export function countsFor(seed: string, date: string, spendMajor: number) {
  const impressions = Math.round(spendMajor * 100 * (0.8 + 0.4 * seeded(`${seed}/i/${date}`)));
  const clicks = Math.round(impressions * 0.012);
  const conversions = Math.floor(clicks * 0.04);
  return { impressions, clicks, conversions, revenueMajor: conversions * 45.5 };
}

/** A random id of `digits` decimal digits (platform ids are numeric strings). */
export function numericId(digits = 15): string {
  let id = String(1 + Math.floor(Math.random() * 9));
  while (id.length < digits) id += String(Math.floor(Math.random() * 10));
  return id;
}
