/**
 * How the domain talks to ad platform adapters: finding the adapter, wrapping its failures, and
 * describing stored accounts and campaigns in the adapter's terms.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { AdAccountsTable, CampaignsTable, PlatformName } from "../db/schema.ts";
import { fromDbJson } from "../db/json.ts";
import { isoFromDb } from "../db/time.ts";
import type { DomainContext } from "./context.ts";
import { DomainError, PlatformError } from "./errors.ts";
import type { PlatformAccount, PlatformAdapter, PlatformCampaign } from "./platforms/adapter.ts";

/** The adapter of a platform; `PlatformError` when none is configured. */
export function adapterFor(context: DomainContext, platform: PlatformName): PlatformAdapter {
  const adapter = context.platforms[platform];
  if (!adapter) throw new PlatformError(`platform ${platform} is not available`);
  return adapter;
}

/**
 * Runs a platform call, wrapping unexpected failures as `PlatformError`. Domain errors an adapter
 * throws on purpose (`PlatformAuthError`, `PlatformRateLimitError`, `PlatformValidationError`)
 * pass through unchanged.
 */
export async function platformCall<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new PlatformError(`ad platform call failed: ${String(error)}`, { cause: error });
  }
}

/** What a platform adapter is told about an account. */
export function toPlatformAccount(row: Selectable<AdAccountsTable>): PlatformAccount {
  return {
    id: row.id,
    externalAccountId: row.external_account_id,
    currency: row.currency,
    timezone: row.timezone,
    credentials: row.credentials_encrypted,
  };
}

/** What a platform adapter is told about a campaign. */
export function toPlatformCampaign(row: Selectable<CampaignsTable>): PlatformCampaign {
  return {
    id: row.id,
    externalId: row.external_id ?? "",
    name: row.name,
    objective: row.objective,
    status: row.status,
    budgetType: row.budget_type,
    budgetAmountMinor: row.budget_amount_minor,
    startDate: row.start_date,
    endDate: row.end_date,
    targeting: fromDbJson(row.targeting) as Record<string, unknown>,
    landingUrl: row.landing_url,
    createdAt: isoFromDb(row.created_at),
  };
}
