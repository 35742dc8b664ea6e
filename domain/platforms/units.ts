/**
 * Money, status and objective mappings between the domain and each ad platform, exactly:
 *
 * - Meta takes budgets as integers in the currency's own offset (Meta's "currency offset": 100
 *   for USD and most currencies, 1 for JPY, KRW, TWD, HUF, … — not always the ISO exponent), and
 *   reports spend as a decimal string in major units.
 * - Google Ads takes micros (a millionth of the major unit), in multiples of the currency's
 *   billable unit (`currency_constant.billable_unit_micros`: a cent for USD, 1 yen, 10 won).
 * - TikTok takes and reports amounts in the currency's own (major) unit, as numbers.
 *
 * Amounts that a platform cannot represent exactly are refused with a `PlatformValidationError`
 * naming the rule, never rounded silently; reported spend with sub-minor precision (Google micros,
 * TikTok decimals) rounds half up to the minor unit.
 *
 * @module
 */
import type { CampaignObjective, CampaignStatus } from "../../db/schema.ts";
import { PlatformError, PlatformValidationError } from "../errors.ts";
import { currencyExponent, minorToDecimal } from "../money.ts";

/** Meta's offset per currency (Meta's currency list); currencies we support and neighbours. */
export const META_CURRENCY_OFFSETS: Readonly<Record<string, number>> = {
  USD: 100,
  EUR: 100,
  GBP: 100,
  CAD: 100,
  AUD: 100,
  BRL: 100,
  INR: 100,
  JPY: 1,
  KRW: 1,
  TWD: 1,
  HUF: 1,
  CLP: 1,
  COP: 1,
  CRC: 1,
  IDR: 1,
  ISK: 1,
  PYG: 1,
  VND: 1,
};

/** Google Ads billable unit per currency, in micros. */
export const GOOGLE_BILLABLE_UNIT_MICROS: Readonly<Record<string, number>> = {
  USD: 10_000,
  EUR: 10_000,
  GBP: 10_000,
  CAD: 10_000,
  AUD: 10_000,
  BRL: 10_000,
  INR: 10_000,
  JPY: 1_000_000,
  KRW: 10_000_000,
};

/** ISO exponents of currencies outside `money.ts` that the platform tables name. */
const OTHER_EXPONENTS: Readonly<Record<string, number>> = {
  TWD: 2,
  HUF: 2,
  CLP: 0,
  COP: 2,
  CRC: 2,
  IDR: 2,
  ISK: 0,
  PYG: 0,
  VND: 0,
};

function exponentOf(currency: string): number {
  return OTHER_EXPONENTS[currency] ?? currencyExponent(currency);
}

function digitsOf(offset: number): number {
  return Math.round(Math.log10(offset));
}

function unsupported(platform: string, currency: string): never {
  throw new PlatformValidationError(platform, `currency ${currency} is not supported`);
}

/** Scales `minor` by 10^`shift`; null when a negative shift leaves a fraction. */
function shift(minor: number, by: number): number | null {
  if (by >= 0) return minor * 10 ** by;
  const divisor = 10 ** -by;
  return minor % divisor === 0 ? minor / divisor : null;
}

/** A domain budget (minor units) as Meta's integer amount in the currency's offset. */
export function minorToMeta(minor: number, currency: string): number {
  const offset = META_CURRENCY_OFFSETS[currency] ?? unsupported("Meta", currency);
  const amount = shift(minor, digitsOf(offset) - exponentOf(currency));
  if (amount === null) {
    throw new PlatformValidationError(
      "Meta",
      `${currency} budgets must be whole ${currency} (Meta's offset is ${offset})`,
      "budgetAmountMinor",
    );
  }
  return amount;
}

/** Meta's integer amount (offset units, number or numeric string) as minor units. */
export function metaToMinor(amount: number | string, currency: string): number {
  const offset = META_CURRENCY_OFFSETS[currency] ?? unsupported("Meta", currency);
  const minor = shift(Number(amount), exponentOf(currency) - digitsOf(offset));
  if (minor === null) throw new PlatformError(`Meta amount ${amount} ${currency} is not exact`);
  return minor;
}

/** A domain budget as Google micros; refused unless a multiple of the billable unit. */
export function minorToMicros(minor: number, currency: string): number {
  const unit = GOOGLE_BILLABLE_UNIT_MICROS[currency] ?? unsupported("Google Ads", currency);
  const micros = minor * 10 ** (6 - exponentOf(currency));
  if (micros % unit !== 0) {
    throw new PlatformValidationError(
      "Google Ads",
      `${currency} budgets must be multiples of ${
        minorToDecimal(unit / 10 ** (6 - exponentOf(currency)), exponentOf(currency))
      } ${currency}`,
      "budgetAmountMinor",
    );
  }
  return micros;
}

/** Google micros (int64, often a string) as minor units, rounded half up. */
export function microsToMinor(micros: number | string, currency: string): number {
  if (!(currency in GOOGLE_BILLABLE_UNIT_MICROS)) unsupported("Google Ads", currency);
  const per = 10 ** (6 - exponentOf(currency));
  const value = BigInt(String(micros));
  return Number((value * 2n + BigInt(per)) / (2n * BigInt(per)));
}

/** A domain budget as TikTok's amount in the currency's own unit (`1999` USD → `19.99`). */
export function minorToTikTok(minor: number, currency: string): number {
  return Number(minorToDecimal(minor, exponentOf(currency)));
}

/** A decimal amount in major units (number or string) as minor units, rounded half up. */
export function majorToMinor(amount: number | string, currency: string): number {
  const exponent = exponentOf(currency);
  const text = typeof amount === "number" ? amount.toFixed(exponent + 3) : amount.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && !match[3])) {
    throw new PlatformError(`not a decimal amount: ${amount}`);
  }
  const fraction = (match[3] ?? "").padEnd(exponent + 1, "0");
  const scaled = BigInt((match[2] || "0") + fraction.slice(0, exponent + 1));
  const minor = Number((scaled + 5n) / 10n);
  return match[1] === "-" ? -minor : minor;
}

/** The status the platform is told for a domain status (drafts wait paused on platforms). */
export const META_STATUS: Readonly<Record<CampaignStatus, string>> = {
  draft: "PAUSED",
  active: "ACTIVE",
  paused: "PAUSED",
  archived: "ARCHIVED",
};
export const GOOGLE_STATUS: Readonly<Record<CampaignStatus, string>> = {
  draft: "PAUSED",
  active: "ENABLED",
  paused: "PAUSED",
  archived: "REMOVED",
};
export const TIKTOK_STATUS: Readonly<Record<CampaignStatus, string>> = {
  draft: "DISABLE",
  active: "ENABLE",
  paused: "DISABLE",
  archived: "DELETE",
};

const FROM_META: Readonly<Record<string, CampaignStatus>> = {
  ACTIVE: "active",
  PAUSED: "paused",
  ARCHIVED: "archived",
  DELETED: "archived",
};
const FROM_GOOGLE: Readonly<Record<string, CampaignStatus>> = {
  ENABLED: "active",
  PAUSED: "paused",
  REMOVED: "archived",
};
const FROM_TIKTOK: Readonly<Record<string, CampaignStatus>> = {
  ENABLE: "active",
  DISABLE: "paused",
  DELETE: "archived",
};

function fromStatus(
  platform: string,
  table: Readonly<Record<string, CampaignStatus>>,
  status: string,
): CampaignStatus {
  const mapped = table[status];
  if (!mapped) throw new PlatformError(`${platform} reported an unknown status ${status}`);
  return mapped;
}

/** The domain status of a Meta campaign's `status` (its `effective_status` is only shown). */
export const fromMetaStatus = (status: string) => fromStatus("Meta", FROM_META, status);
/** The domain status of a Google Ads `CampaignStatus`. */
export const fromGoogleStatus = (status: string) => fromStatus("Google Ads", FROM_GOOGLE, status);
/** The domain status of a TikTok `operation_status`. */
export const fromTikTokStatus = (status: string) => fromStatus("TikTok", FROM_TIKTOK, status);

/** Meta's outcome-based objectives (ODAX). */
export const META_OBJECTIVE: Readonly<Record<CampaignObjective, string>> = {
  awareness: "OUTCOME_AWARENESS",
  traffic: "OUTCOME_TRAFFIC",
  engagement: "OUTCOME_ENGAGEMENT",
  leads: "OUTCOME_LEADS",
  conversions: "OUTCOME_SALES",
  sales: "OUTCOME_SALES",
};

/** TikTok's `objective_type`. */
export const TIKTOK_OBJECTIVE: Readonly<Record<CampaignObjective, string>> = {
  awareness: "REACH",
  traffic: "TRAFFIC",
  engagement: "ENGAGEMENT",
  leads: "LEAD_GENERATION",
  conversions: "WEB_CONVERSIONS",
  sales: "PRODUCT_SALES",
};

/**
 * Google Ads has no objective field: a Search campaign's bidding strategy carries the intent —
 * maximize clicks (`targetSpend`) for reach and traffic, maximize conversions otherwise.
 */
export const GOOGLE_BIDDING: Readonly<
  Record<CampaignObjective, "targetSpend" | "maximizeConversions">
> = {
  awareness: "targetSpend",
  traffic: "targetSpend",
  engagement: "targetSpend",
  leads: "maximizeConversions",
  conversions: "maximizeConversions",
  sales: "maximizeConversions",
};
