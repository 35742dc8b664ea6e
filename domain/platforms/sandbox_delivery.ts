/**
 * The sandbox's delivery model: a pure, deterministic function from (campaign, date) to one
 * day's impressions, clicks, spend, conversions and revenue. Randomness comes from a PRNG seeded
 * with a hash of the campaign id and the date, so every sync of the same day yields the same row.
 *
 * Shape: spend uses 70–100% of the day's cap (the daily budget, or the lifetime budget paced over
 * the schedule and never above what is left), scaled by weekday seasonality; CPC, CTR and
 * conversion rate are drawn from objective-dependent ranges (CTR 0.5–3%, CPC 0.2–3 US dollars,
 * conversion rate 1–5%); about 3% of days spike (cheap clicks, many conversions) and 3%
 * collapse (little delivery, few conversions), so anomaly alerts have something to find.
 *
 * Prices are set in US dollars and converted to the account's currency at a fixed sandbox price
 * level, then to whole minor units, so a yen account pays yen-sized prices. Days are the
 * account's calendar days: a campaign delivers from the local date it was created on.
 *
 * @module
 */
import type { CampaignObjective } from "../../db/schema.ts";
import { type CurrencyCode, currencyExponent } from "../money.ts";
import { addDays, dateOf, daysBetween, weekdayOf } from "../dates.ts";
import type { PlatformAccount, PlatformCampaign, PlatformDailyMetrics } from "./adapter.ts";

/** What of the account shapes its delivery: prices follow its currency, days its time zone. */
export type DeliveryAccount = Pick<PlatformAccount, "currency" | "timezone">;

/** Ranges (low, high) a day's rates are drawn from. */
interface ObjectiveProfile {
  ctr: [number, number];
  /** Cost per click in US dollars. */
  cpc: [number, number];
  conversionRate: [number, number];
  /** Revenue per conversion in US dollars. */
  valuePerConversion: [number, number];
}

/**
 * Units of each supported currency per US dollar. These are rough, fixed sandbox price levels
 * so simulated prices look plausible in every currency — not live or historical exchange rates,
 * and never to be used to convert real money.
 */
export const SANDBOX_PRICE_LEVELS: Readonly<Record<CurrencyCode, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
  BRL: 5,
  INR: 83,
  JPY: 150,
  KRW: 1350,
};

const PROFILES: Record<CampaignObjective, ObjectiveProfile> = {
  awareness: {
    ctr: [0.005, 0.01],
    cpc: [1.2, 3],
    conversionRate: [0.01, 0.015],
    valuePerConversion: [20, 60],
  },
  traffic: {
    ctr: [0.015, 0.03],
    cpc: [0.2, 0.8],
    conversionRate: [0.01, 0.02],
    valuePerConversion: [20, 60],
  },
  engagement: {
    ctr: [0.01, 0.025],
    cpc: [0.3, 1],
    conversionRate: [0.01, 0.02],
    valuePerConversion: [20, 60],
  },
  leads: {
    ctr: [0.008, 0.02],
    cpc: [0.8, 2.5],
    conversionRate: [0.02, 0.05],
    valuePerConversion: [10, 40],
  },
  conversions: {
    ctr: [0.008, 0.02],
    cpc: [0.6, 2],
    conversionRate: [0.02, 0.05],
    valuePerConversion: [40, 120],
  },
  sales: {
    ctr: [0.007, 0.018],
    cpc: [0.8, 3],
    conversionRate: [0.02, 0.05],
    valuePerConversion: [50, 150],
  },
};

/** Share of the budget cap delivered per weekday, Sunday first (weekends are quieter). */
const WEEKDAY_DELIVERY = [0.8, 1, 1, 1, 0.97, 0.92, 0.8];
/** Lifetime budgets without an end date are paced over this many days. */
const DEFAULT_PACING_DAYS = 30;
const SPIKE_PROBABILITY = 0.03;
const COLLAPSE_PROBABILITY = 0.03;

/** The date the campaign was created on, in the account's time zone. */
function createdOn(campaign: PlatformCampaign, timeZone: string): string {
  return dateOf(new Date(campaign.createdAt), timeZone);
}

/**
 * Whether the campaign delivers on `date` (active, created, within its schedule); `date` is a
 * day of `timeZone`, the account's zone.
 */
export function deliversOn(campaign: PlatformCampaign, date: string, timeZone: string): boolean {
  return campaign.status === "active" &&
    date >= createdOn(campaign, timeZone) &&
    (campaign.startDate === null || date >= campaign.startDate) &&
    (campaign.endDate === null || date <= campaign.endDate);
}

/**
 * The most the campaign may spend on `date` (a day of `timeZone`, the account's zone), in minor
 * units, given lifetime spend so far.
 */
export function spendCap(
  campaign: PlatformCampaign,
  date: string,
  spentBeforeMinor: number,
  timeZone: string,
): number {
  if (campaign.budgetType === "daily") return campaign.budgetAmountMinor;
  const remaining = Math.max(0, campaign.budgetAmountMinor - spentBeforeMinor);
  const firstDay = campaign.startDate ?? createdOn(campaign, timeZone);
  const lastDay = campaign.endDate ?? addDays(firstDay, DEFAULT_PACING_DAYS - 1);
  const daysLeft = Math.max(1, daysBetween(date, lastDay) + 1);
  return Math.min(remaining, Math.ceil(remaining / daysLeft));
}

/**
 * A price drawn in US dollars as whole minor units of `currency` (at least one), e.g. $1.20 is
 * 120 cents in USD and 180 yen in JPY.
 */
export function sandboxPriceMinor(usd: number, currency: string): number {
  const level = (SANDBOX_PRICE_LEVELS as Record<string, number>)[currency] ?? 1;
  return Math.max(1, Math.round(usd * level * 10 ** currencyExponent(currency)));
}

/**
 * One full day of delivery for a campaign of `account`, or null when the campaign does not
 * deliver that day. `date` is a day of the account's time zone; money is in its minor units.
 */
export function simulateDay(
  campaign: PlatformCampaign,
  date: string,
  spentBeforeMinor: number,
  account: DeliveryAccount,
): PlatformDailyMetrics | null {
  if (!deliversOn(campaign, date, account.timezone)) return null;
  const random = seededRandom(`${campaign.id}|${date}`);
  const between = ([low, high]: [number, number]) => low + (high - low) * random();
  const profile = PROFILES[campaign.objective];

  const anomaly = anomalyOf(random());
  const spike = anomaly === "spike";
  const collapse = anomaly === "collapse";

  const utilization = between([0.7, 1]) * WEEKDAY_DELIVERY[weekdayOf(date)] * (collapse ? 0.15 : 1);
  const cap = spendCap(campaign, date, spentBeforeMinor, account.timezone);
  // utilization ≤ 1 and flooring keep whole minor units at or under the cap.
  const spendMinor = Math.floor(cap * utilization);
  const cpcMinor = sandboxPriceMinor(between(profile.cpc) * (spike ? 0.4 : 1), account.currency);
  const clicks = Math.floor(spendMinor / cpcMinor);
  const impressions = Math.round(clicks / between(profile.ctr));
  const conversionRate = between(profile.conversionRate) * (spike ? 2 : collapse ? 0.3 : 1);
  const conversions = Math.floor(clicks * conversionRate + random());
  // Priced per conversion in whole minor units, so revenue is an exact integer too.
  const revenueMinor = conversions *
    sandboxPriceMinor(between(profile.valuePerConversion), account.currency);
  return { date, impressions, clicks, spendMinor, conversions, revenueMinor };
}

/** A seeded anomaly of the sandbox's: cheap clicks and many conversions, or little delivery. */
export type SandboxAnomaly = "spike" | "collapse";

/** Which seeded anomaly a day's first draw makes, if any. */
function anomalyOf(draw: number): SandboxAnomaly | null {
  if (draw < SPIKE_PROBABILITY) return "spike";
  if (draw < SPIKE_PROBABILITY + COLLAPSE_PROBABILITY) return "collapse";
  return null;
}

/**
 * The anomaly the sandbox seeds on a campaign's day (when it delivers), or null: the labels the
 * anomaly detector is checked against on demo data. The same draw `simulateDay` makes first.
 */
export function sandboxAnomalyOn(campaignId: string, date: string): SandboxAnomaly | null {
  return anomalyOf(seededRandom(`${campaignId}|${date}`)());
}

/** Scales a day down to the part of it that has elapsed (for today's partial row). */
export function partialDay(day: PlatformDailyMetrics, fraction: number): PlatformDailyMetrics {
  const part = (value: number) => Math.floor(value * fraction);
  return {
    date: day.date,
    impressions: part(day.impressions),
    clicks: part(day.clicks),
    spendMinor: part(day.spendMinor),
    conversions: part(day.conversions),
    revenueMinor: part(day.revenueMinor),
  };
}

/** A PRNG (mulberry32) seeded with the FNV-1a hash of `seed`; returns floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    state = Math.imul(state ^ seed.charCodeAt(index), 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
