/**
 * The interface every ad platform implements (the sandbox, Meta, Google Ads, TikTok). The domain
 * calls it for changes that must happen on the platform and to pull daily metrics; it never
 * touches the database.
 *
 * Failures an adapter reports on purpose are domain errors (`domain/errors.ts`):
 * `PlatformAuthError` (reconnect the account), `PlatformRateLimitError` (wait `retryAfterMs`),
 * `PlatformValidationError` (the platform's own text, a 422) and `PlatformError` for the rest.
 *
 * @module
 */
import type {
  BudgetType,
  CampaignObjective,
  CampaignStatus,
  PlatformName,
} from "../../db/schema.ts";

/** The ad account a call is made for. */
export interface PlatformAccount {
  id: string;
  externalAccountId: string;
  currency: string;
  timezone: string;
  /** Credentials as stored (encrypted by the adapter that issued them); null for the sandbox. */
  credentials: string | null;
}

/** What the platform needs to know about a campaign. */
export interface PlatformCampaignSpec {
  name: string;
  objective: CampaignObjective;
  budgetType: BudgetType;
  budgetAmountMinor: number;
  startDate: string | null;
  endDate: string | null;
  targeting: Record<string, unknown>;
  landingUrl: string | null;
}

/** A campaign as stored locally, with its platform id, for updates and metrics. */
export interface PlatformCampaign extends PlatformCampaignSpec {
  /** Local id (stable; the sandbox seeds its simulation with it). */
  id: string;
  externalId: string;
  status: CampaignStatus;
  /** When the campaign was created locally; nothing is delivered before that day. */
  createdAt: string;
}

/** Delivery of one campaign on one day. */
export interface PlatformDailyMetrics {
  date: string;
  impressions: number;
  clicks: number;
  spendMinor: number;
  conversions: number;
  revenueMinor: number;
}

/** Details the platform reports for a newly connected account. */
export interface PlatformAccountDetails {
  externalAccountId: string;
  currency: string;
  timezone: string;
}

/**
 * Identifies one logical change across its attempts (`domain/idempotency.ts`
 * `platformRequestKey`: 64 hex characters). A mutating call repeated with the same key must not
 * apply the change again and must return the first call's result: the domain repeats a call when
 * an earlier attempt may have reached the platform but its database writes were never committed
 * (a crash, or a retry that took the attempt over). Real adapters must map it to the platform's
 * own request-id / deduplication mechanism (a client request id or idempotency token sent with
 * the request); for a platform without one, store the key with the object (e.g. as a label) and
 * look it up before applying the change. Omitted when the caller has no key.
 */
export type PlatformRequestKey = string;

/** An advertising account the platform credentials can manage (for the account picker). */
export interface PlatformAccountSummary extends PlatformAccountDetails {
  name: string;
}

/** A campaign as the platform holds it, mapped to the domain's units and statuses. */
export interface PlatformCampaignState {
  externalId: string;
  name: string;
  /** The domain status; a campaign paused on the platform reads `paused` (drafts included). */
  status: CampaignStatus;
  /** The platform's own status word(s), e.g. `PAUSED` or `ACTIVE/WITH_ISSUES`. */
  platformStatus: string;
  budgetType: BudgetType;
  budgetAmountMinor: number;
  startDate: string | null;
  endDate: string | null;
}

/** A change the platform can check without applying it (the approval card's preview). */
export type PlatformValidation =
  | { kind: "create"; spec: PlatformCampaignSpec }
  | { kind: "update"; campaign: PlatformCampaign };

/** One ad platform. */
export interface PlatformAdapter {
  readonly platform: PlatformName;
  /**
   * Connects an account (the sandbox creates one); for a repeated `requestKey`, the account the
   * first call connected.
   */
  connectAccount(
    request: { currency: string; timezone: string },
    requestKey?: PlatformRequestKey,
  ): Promise<PlatformAccountDetails>;
  /**
   * Creates a campaign (paused/draft on the platform); returns its platform id — for a repeated
   * `requestKey`, the id of the campaign the first call created.
   */
  createCampaign(
    account: PlatformAccount,
    spec: PlatformCampaignSpec,
    requestKey?: PlatformRequestKey,
  ): Promise<{ externalId: string }>;
  updateCampaign(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    requestKey?: PlatformRequestKey,
  ): Promise<void>;
  pauseCampaign(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    requestKey?: PlatformRequestKey,
  ): Promise<void>;
  /** Starts or restarts delivery. */
  resumeCampaign(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    requestKey?: PlatformRequestKey,
  ): Promise<void>;
  /** Ends the campaign for good (Meta ARCHIVED, Google REMOVED, TikTok DELETE). */
  archiveCampaign(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    requestKey?: PlatformRequestKey,
  ): Promise<void>;
  /**
   * The accounts the connection's credentials can manage. Absent on the sandbox, whose accounts
   * are made by `connectAccount`.
   */
  listAdAccounts?(credentials: string): Promise<PlatformAccountSummary[]>;
  /**
   * Revokes the connection's grant at the platform when an account is disconnected, unless one
   * of `stillConnected` (the credentials of the person's other accounts on the platform) uses
   * the same grant. Absent on the sandbox.
   */
  revokeCredentials?(
    credentials: string,
    stillConnected: readonly string[],
  ): Promise<{ revoked: boolean }>;
  /** The account's campaigns as the platform holds them (absent on the stateless sandbox). */
  listCampaigns?(account: PlatformAccount): Promise<PlatformCampaignState[]>;
  /** One campaign as the platform holds it; `NotFoundError` when it has none by that id. */
  getCampaign?(account: PlatformAccount, externalId: string): Promise<PlatformCampaignState>;
  /**
   * Asks the platform whether it would accept the change, without applying it; throws
   * `PlatformValidationError` with the platform's text when not. Only where the platform offers a
   * validate-only mode (Meta, Google Ads); absent elsewhere.
   */
  validateChange?(account: PlatformAccount, change: PlatformValidation): Promise<void>;
  /**
   * Daily metrics for `from`..`to` inclusive, as known at `now` (today's row may be partial).
   * `spentBeforeMinor` is the campaign's spend before `from`, so lifetime budgets hold.
   * Days without delivery may be omitted.
   */
  fetchDailyMetrics(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    range: { from: string; to: string; spentBeforeMinor: number },
    now: Date,
  ): Promise<PlatformDailyMetrics[]>;
}

/** Adapters by platform name; a platform without an adapter cannot be used. */
export type PlatformRegistry = Partial<Record<PlatformName, PlatformAdapter>>;
