/**
 * The Google Ads API adapter (REST interface), over `fetch` with zod-validated answers.
 *
 * - Calls carry `Authorization: Bearer`, `developer-token` and, when the connection goes through
 *   a manager account, `login-customer-id`.
 * - Reads are GAQL: `googleAds:search` (page tokens) for campaigns, `googleAds:searchStream` for
 *   daily metrics (`segments.date` is in the account's time zone) and account details. Listing
 *   ad accounts starts from `customers:listAccessibleCustomers` and goes one level down the
 *   `customer_client` hierarchy of each manager account (whose own campaigns are none).
 * - Money: budgets are `CampaignBudget`s in micros, in multiples of the currency's billable unit
 *   (`units.ts`); a daily budget is `amount_micros`, a lifetime one `total_amount_micros` with
 *   period CUSTOM_PERIOD. Spend is `metrics.cost_micros`.
 * - Statuses: ENABLED / PAUSED through an update, REMOVED only through a remove operation.
 * - Errors (`google.rpc.Status` with a `GoogleAdsFailure` detail): UNAUTHENTICATED → refresh the
 *   token once, then reconnect; PERMISSION_DENIED → reconnect (developer-token refusals are a
 *   configuration failure instead); RESOURCE_EXHAUSTED → rate limit with the failure's
 *   `quotaErrorDetails.retryDelay` (or `RetryInfo`); INVALID_ARGUMENT / FAILED_PRECONDITION and
 *   partial failures → the platform's messages as a 422; INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED
 *   and concurrent modification → temporary.
 * - Creates: Google has no idempotency key, but campaign and budget names are unique within the
 *   account. Each create gets a marker from the request key, written into the campaign's name
 *   (` (aae-<12 hex>)`, hidden again when read) and the budget's name; before a create is repeated
 *   (a keyed repeat, or a retry after a lost answer) the account is searched for those names, and
 *   a budget found is reused rather than created again.
 * - `validateChange` sends the budget (and for updates the campaign) mutate with `validateOnly`.
 *
 * @module
 */
import { z } from "zod";
import { NotFoundError, PlatformError } from "../errors.ts";
import type {
  PlatformAccount,
  PlatformAccountSummary,
  PlatformAdapter,
  PlatformCampaign,
  PlatformCampaignSpec,
  PlatformCampaignState,
  PlatformDailyMetrics,
} from "./adapter.ts";
import { type PlatformTokens, withTokens } from "./credentials.ts";
import {
  type Classifier,
  createMarker,
  httpPolicy,
  joinUrl,
  OutcomeUnknownError,
  type PlatformFailure,
  type PlatformRequest,
  type RemoteAdapterOptions,
  sendRequest,
} from "./http.ts";
import {
  fromGoogleStatus,
  GOOGLE_BIDDING,
  GOOGLE_STATUS,
  majorToMinor,
  microsToMinor,
  minorToMicros,
} from "./units.ts";

const PLATFORM = "Google Ads";
/** Attempts of one create (each after a read-back found nothing). */
const CREATE_ATTEMPTS = 3;
/** Wait when Google throttles without saying for how long. */
const DEFAULT_THROTTLE_MS = 60_000;
const MARKER_SUFFIX = / \(aae-[0-9a-f]{12}\)$/;

/** Options of the Google Ads adapter. */
export interface GoogleAdsAdapterOptions extends RemoteAdapterOptions {
  /** API version path, e.g. `v23`. */
  apiVersion: string;
  /** The developer token of the app's Google Ads API access. */
  developerToken: string;
}

const adsErrorSchema = z.object({
  errorCode: z.record(z.string(), z.unknown()).optional(),
  message: z.string().optional(),
  location: z.object({
    fieldPathElements: z.array(z.object({ fieldName: z.string(), index: z.number().optional() }))
      .optional(),
  }).optional(),
  details: z.object({
    quotaErrorDetails: z.object({ retryDelay: z.string().optional() }).optional(),
  }).optional(),
});

const statusSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.looseObject({
    "@type": z.string().optional(),
    errors: z.array(adsErrorSchema).optional(),
    reason: z.string().optional(),
    retryDelay: z.string().optional(),
  })).optional(),
});

type RpcStatus = z.infer<typeof statusSchema>;
type AdsError = z.infer<typeof adsErrorSchema>;

/** Status names by the numeric gRPC code a partial failure carries. */
const GRPC_CODES: Record<number, string> = {
  3: "INVALID_ARGUMENT",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

const TRANSIENT_STATUSES = new Set(["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED"]);
/** Authentication codes after which a token refresh cannot help. */
const REVOKED_CODES = new Set([
  "OAUTH_TOKEN_REVOKED",
  "OAUTH_TOKEN_DISABLED",
  "NOT_ADS_USER",
  "GOOGLE_ACCOUNT_DELETED",
  "GOOGLE_ACCOUNT_COOKIE_INVALID",
]);

function errorsOf(status: RpcStatus): AdsError[] {
  return (status.details ?? []).flatMap((detail) => detail.errors ?? []);
}

/** Every error code value of the failure (`OAUTH_TOKEN_EXPIRED`, `DUPLICATE_NAME`, …). */
function codesOf(errors: AdsError[]): string[] {
  return errors.flatMap((error) => Object.values(error.errorCode ?? {}).map(String));
}

/** `"300s"` / `"1.5s"` as milliseconds. */
function durationMs(text: string | undefined): number | null {
  const match = text ? /^(\d+(?:\.\d+)?)s$/.exec(text) : null;
  return match ? Math.ceil(Number(match[1]) * 1000) : null;
}

/** A `google.rpc.Status` (an error body or a partial failure) as a failure. */
function failureOf(status: RpcStatus, httpStatus: number): PlatformFailure {
  const name = status.status ?? GRPC_CODES[status.code ?? 0] ?? `HTTP ${httpStatus}`;
  const errors = errorsOf(status);
  const codes = codesOf(errors);
  const text = errors.map((error) => error.message).filter(Boolean).join("; ") ||
    status.message || name;
  if (name === "UNAUTHENTICATED") {
    return {
      kind: "auth",
      message: text,
      tokenExpired: !codes.some((code) => REVOKED_CODES.has(code)),
    };
  }
  if (codes.some((code) => code.startsWith("DEVELOPER_TOKEN"))) {
    return { kind: "failed", message: `the app's developer token is not accepted (${text})` };
  }
  if (name === "PERMISSION_DENIED") return { kind: "auth", message: text, tokenExpired: false };
  if (name === "RESOURCE_EXHAUSTED") {
    const delays = [
      ...errors.map((error) => durationMs(error.details?.quotaErrorDetails?.retryDelay)),
      ...(status.details ?? []).map((detail) => durationMs(detail.retryDelay)),
    ].filter((delay): delay is number => delay !== null);
    return {
      kind: "rate_limit",
      message: text,
      retryAfterMs: delays.length ? Math.max(...delays) : DEFAULT_THROTTLE_MS,
    };
  }
  if (TRANSIENT_STATUSES.has(name) || codes.includes("CONCURRENT_MODIFICATION")) {
    return { kind: "transient", message: text };
  }
  if (codes.includes("RESOURCE_NOT_FOUND") || name === "NOT_FOUND") {
    return { kind: "not_found", message: text };
  }
  if (name === "INVALID_ARGUMENT" || name === "FAILED_PRECONDITION") {
    const fields = errors.flatMap((error) =>
      error.location?.fieldPathElements?.map((element) => element.fieldName) ?? []
    );
    const money = fields.some((field) => /amount_micros|amountMicros/.test(field));
    return { kind: "validation", message: text, field: money ? "budgetAmountMinor" : undefined };
  }
  if (httpStatus >= 500) return { kind: "transient", message: text };
  return { kind: "failed", message: text };
}

/** Reads a Google Ads answer: an error body, a partial failure in a 200, or a success. */
export const classifyGoogleAds: Classifier = ({ status, body }) => {
  if (status < 300) {
    const partial = z.object({ partialFailureError: statusSchema }).safeParse(body);
    if (partial.success && (partial.data.partialFailureError.code ?? 0) !== 0) {
      return failureOf(partial.data.partialFailureError, status);
    }
    return null;
  }
  const parsed = z.object({ error: statusSchema }).safeParse(body);
  if (!parsed.success) {
    return status >= 500
      ? { kind: "transient", message: `HTTP ${status}` }
      : { kind: "failed", message: `HTTP ${status}` };
  }
  return failureOf(parsed.data.error, status);
};

const int64 = z.union([z.string(), z.number()]).transform(String);

const campaignRow = z.object({
  campaign: z.object({
    resourceName: z.string(),
    id: int64.optional(),
    name: z.string().optional(),
    status: z.string().optional(),
    servingStatus: z.string().optional(),
    campaignBudget: z.string().optional(),
    startDateTime: z.string().optional(),
    endDateTime: z.string().optional(),
  }),
  campaignBudget: z.object({
    resourceName: z.string(),
    amountMicros: int64.optional(),
    totalAmountMicros: int64.optional(),
    period: z.string().optional(),
  }).optional(),
});

const metricsRow = z.object({
  segments: z.object({ date: z.string() }),
  metrics: z.object({
    impressions: int64.optional(),
    clicks: int64.optional(),
    costMicros: int64.optional(),
    conversions: z.number().optional(),
    conversionsValue: z.number().optional(),
  }).optional(),
});

const accountFields = z.object({
  id: int64,
  descriptiveName: z.string().optional(),
  currencyCode: z.string(),
  timeZone: z.string(),
  manager: z.boolean().optional(),
});
const customerRow = z.object({ customer: accountFields });
const clientRow = z.object({ customerClient: accountFields });

const mutateAnswer = z.object({
  results: z.array(z.object({ resourceName: z.string().optional() })).optional(),
});

const CAMPAIGN_FIELDS = [
  "campaign.id",
  "campaign.name",
  "campaign.status",
  "campaign.serving_status",
  "campaign.campaign_budget",
  "campaign.start_date_time",
  "campaign.end_date_time",
  "campaign_budget.amount_micros",
  "campaign_budget.total_amount_micros",
  "campaign_budget.period",
].join(", ");

/** A GAQL string literal. */
function gaqlString(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** Digits only: customer ids are written `123-456-7890` in the UI. */
function customerId(id: string): string {
  return id.replaceAll("-", "");
}

/** The name Google holds for a campaign created with `marker`. */
function markedName(name: string, marker: string): string {
  return `${name} (aae-${marker.slice(0, 12)})`;
}

/** The name as the user gave it (the create marker hidden). */
function visibleName(name: string): string {
  return name.replace(MARKER_SUFFIX, "");
}

function dateTime(date: string | null, time: string): string | null {
  return date ? `${date} ${time}` : null;
}

/** Creates the Google Ads adapter. */
export function createGoogleAdsAdapter(options: GoogleAdsAdapterOptions): PlatformAdapter {
  const policy = httpPolicy(options.http);

  function headers(tokens: PlatformTokens): Record<string, string> {
    return {
      authorization: `Bearer ${tokens.accessToken}`,
      "developer-token": options.developerToken,
      ...(tokens.loginCustomerId
        ? { "login-customer-id": customerId(tokens.loginCustomerId) }
        : {}),
    };
  }

  function call<Schema extends z.ZodType>(
    stored: string | null,
    request: Omit<PlatformRequest, "url" | "headers"> & { path: string },
    schema: Schema,
  ): Promise<z.infer<Schema>> {
    return withTokens(PLATFORM, options.credentials, stored, (tokens) =>
      sendRequest(
        PLATFORM,
        {
          ...request,
          url: joinUrl(options.baseUrl, `/${options.apiVersion}${request.path}`),
          headers: headers(tokens),
        },
        classifyGoogleAds,
        schema,
        policy,
      ));
  }

  function customerPath(account: PlatformAccount | string): string {
    const id = typeof account === "string" ? account : account.externalAccountId;
    return `/customers/${customerId(id)}`;
  }

  /** Every row of a GAQL query through `searchStream` (one answer, many batches). */
  async function stream<Row extends z.ZodType>(
    stored: string | null,
    customer: PlatformAccount | string,
    query: string,
    row: Row,
  ): Promise<z.infer<Row>[]> {
    const batches = await call(stored, {
      method: "POST",
      path: `${customerPath(customer)}/googleAds:searchStream`,
      body: { query },
      repeatable: true,
    }, z.array(z.object({ results: z.array(row).optional() })));
    return batches.flatMap((batch) => batch.results ?? []);
  }

  /** Every row of a GAQL query through `search`, following `nextPageToken`. */
  async function pages<Row extends z.ZodType>(
    account: PlatformAccount,
    query: string,
    row: Row,
  ): Promise<z.infer<Row>[]> {
    const rows: z.infer<Row>[] = [];
    let pageToken: string | undefined;
    do {
      const page: { results?: z.infer<Row>[]; nextPageToken?: string } = await call(
        account.credentials,
        {
          method: "POST",
          path: `${customerPath(account)}/googleAds:search`,
          body: { query, ...(pageToken ? { pageToken } : {}) },
          repeatable: true,
        },
        z.object({ results: z.array(row).optional(), nextPageToken: z.string().optional() }),
      );
      rows.push(...(page.results ?? []));
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    return rows;
  }

  function mutate(
    account: PlatformAccount,
    collection: "campaigns" | "campaignBudgets",
    operations: unknown[],
    flags: { repeatable: boolean; validateOnly?: boolean },
  ) {
    return call(account.credentials, {
      method: "POST",
      path: `${customerPath(account)}/${collection}:mutate`,
      body: {
        operations,
        partialFailure: true,
        ...(flags.validateOnly ? { validateOnly: true } : {}),
      },
      repeatable: flags.repeatable,
    }, mutateAnswer);
  }

  function budgetFields(spec: PlatformCampaignSpec, currency: string) {
    const micros = String(minorToMicros(spec.budgetAmountMinor, currency));
    return spec.budgetType === "daily"
      ? { amountMicros: micros, period: "DAILY" }
      : { totalAmountMicros: micros, period: "CUSTOM_PERIOD" };
  }

  function budgetCreate(spec: PlatformCampaignSpec, currency: string, name: string) {
    return {
      create: {
        name,
        ...budgetFields(spec, currency),
        deliveryMethod: "STANDARD",
        explicitlyShared: false,
      },
    };
  }

  function campaignCreate(spec: PlatformCampaignSpec, name: string, budget: string) {
    const bidding = GOOGLE_BIDDING[spec.objective];
    return {
      create: {
        name,
        status: GOOGLE_STATUS.draft,
        advertisingChannelType: "SEARCH",
        campaignBudget: budget,
        [bidding]: {},
        networkSettings: {
          targetGoogleSearch: true,
          targetSearchNetwork: true,
          targetContentNetwork: false,
          targetPartnerSearchNetwork: false,
        },
        containsEuPoliticalAdvertising: "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING",
        ...(spec.startDate ? { startDateTime: dateTime(spec.startDate, "00:00:00") } : {}),
        ...(spec.endDate ? { endDateTime: dateTime(spec.endDate, "23:59:59") } : {}),
      },
    };
  }

  function toState(row: z.infer<typeof campaignRow>, currency: string): PlatformCampaignState {
    const { campaign, campaignBudget: budget } = row;
    const lifetime = budget?.period === "CUSTOM_PERIOD";
    const status = campaign.status ?? "UNSPECIFIED";
    return {
      externalId: campaign.id ?? campaign.resourceName.split("/").pop()!,
      name: visibleName(campaign.name ?? ""),
      status: fromGoogleStatus(status),
      platformStatus: campaign.servingStatus && campaign.servingStatus !== "SERVING"
        ? `${status}/${campaign.servingStatus}`
        : status,
      budgetType: lifetime ? "lifetime" : "daily",
      budgetAmountMinor: microsToMinor(
        (lifetime ? budget?.totalAmountMicros : budget?.amountMicros) ?? "0",
        currency,
      ),
      startDate: campaign.startDateTime?.slice(0, 10) ?? null,
      endDate: campaign.endDateTime?.slice(0, 10) ?? null,
    };
  }

  async function readCampaign(account: PlatformAccount, externalId: string) {
    if (!/^\d+$/.test(externalId)) {
      throw new NotFoundError("campaign", `${PLATFORM} has no campaign ${externalId}`);
    }
    const [row] = await stream(
      account.credentials,
      account,
      `SELECT ${CAMPAIGN_FIELDS} FROM campaign WHERE campaign.id = ${externalId}`,
      campaignRow,
    );
    if (!row) throw new NotFoundError("campaign", `${PLATFORM} has no campaign ${externalId}`);
    return row;
  }

  /** The campaign and budget a marked create left behind, if any. */
  async function findMarked(account: PlatformAccount, name: string) {
    const [campaign] = await stream(
      account.credentials,
      account,
      `SELECT campaign.id FROM campaign WHERE campaign.name = ${gaqlString(name)} ` +
        "AND campaign.status != 'REMOVED'",
      z.object({ campaign: z.object({ id: int64 }) }),
    );
    if (campaign) return { campaignId: campaign.campaign.id, budget: null };
    const [budget] = await stream(
      account.credentials,
      account,
      `SELECT campaign_budget.resource_name FROM campaign_budget ` +
        `WHERE campaign_budget.name = ${gaqlString(name)} AND campaign_budget.status != 'REMOVED'`,
      z.object({ campaignBudget: z.object({ resourceName: z.string() }) }),
    );
    return { campaignId: null, budget: budget?.campaignBudget.resourceName ?? null };
  }

  /** Sends a create that may not be repeated blindly; the resource name, or null if unknown. */
  async function createOnce(
    account: PlatformAccount,
    collection: "campaigns" | "campaignBudgets",
    operation: unknown,
  ): Promise<string | null> {
    try {
      const answer = await mutate(account, collection, [operation], { repeatable: false });
      const name = answer.results?.[0]?.resourceName;
      if (!name) throw new PlatformError(`${PLATFORM} answered a create without a resource`);
      return name;
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return null;
      throw error;
    }
  }

  function setStatus(account: PlatformAccount, campaign: PlatformCampaign, status: string) {
    return mutate(account, "campaigns", [{
      update: { resourceName: resourceOf(account, campaign.externalId), status },
      updateMask: "status",
    }], { repeatable: true }).then(() => undefined);
  }

  function resourceOf(account: PlatformAccount, externalId: string) {
    return `customers/${customerId(account.externalAccountId)}/campaigns/${externalId}`;
  }

  /** The operations that bring the campaign on Google to `campaign` (only what differs). */
  async function updateOperations(account: PlatformAccount, campaign: PlatformCampaign) {
    const row = await readCampaign(account, campaign.externalId);
    const current = toState(row, account.currency);
    const budgetOps: unknown[] = [];
    const campaignOps: unknown[] = [];
    if (
      current.budgetAmountMinor !== campaign.budgetAmountMinor ||
      current.budgetType !== campaign.budgetType
    ) {
      const fields = budgetFields(campaign, account.currency);
      budgetOps.push({
        update: { resourceName: row.campaign.campaignBudget, ...fields },
        updateMask: Object.keys(fields).filter((key) => key !== "period").map(snake).join(","),
      });
    }
    const changes: Record<string, unknown> = {};
    if (current.name !== campaign.name) {
      const suffix = MARKER_SUFFIX.exec(row.campaign.name ?? "")?.[0] ?? "";
      changes.name = campaign.name + suffix;
    }
    if (current.startDate !== campaign.startDate) {
      changes.startDateTime = dateTime(campaign.startDate, "00:00:00");
    }
    if (current.endDate !== campaign.endDate) {
      changes.endDateTime = dateTime(campaign.endDate, "23:59:59");
    }
    if (Object.keys(changes).length) {
      campaignOps.push({
        update: { resourceName: row.campaign.resourceName, ...changes },
        updateMask: Object.keys(changes).map(snake).join(","),
      });
    }
    return { budgetOps, campaignOps };
  }

  return {
    platform: "google",

    connectAccount() {
      return Promise.reject(
        new PlatformError("Google Ads accounts are connected by signing in with Google"),
      );
    },

    async listAdAccounts(credentials): Promise<PlatformAccountSummary[]> {
      const listed = await call(credentials, {
        method: "GET",
        path: "/customers:listAccessibleCustomers",
        repeatable: true,
      }, z.object({ resourceNames: z.array(z.string()).optional() }));
      const accounts = new Map<string, PlatformAccountSummary>();
      const add = (row: z.infer<typeof accountFields>) => {
        // A manager account holds no campaigns of its own.
        if (row.manager) return;
        accounts.set(row.id, {
          externalAccountId: row.id,
          name: row.descriptiveName ?? row.id,
          currency: row.currencyCode,
          timezone: row.timeZone,
        });
      };
      for (const resourceName of listed.resourceNames ?? []) {
        const id = resourceName.split("/").pop()!;
        const [row] = await stream(
          credentials,
          id,
          "SELECT customer.id, customer.descriptive_name, customer.currency_code, " +
            "customer.time_zone, customer.manager FROM customer",
          customerRow,
        );
        if (!row) continue;
        if (!row.customer.manager) {
          add(row.customer);
          continue;
        }
        const clients = await stream(
          credentials,
          id,
          "SELECT customer_client.id, customer_client.descriptive_name, " +
            "customer_client.currency_code, customer_client.time_zone, customer_client.manager " +
            "FROM customer_client WHERE customer_client.level = 1",
          clientRow,
        );
        for (const client of clients) add(client.customerClient);
      }
      return [...accounts.values()];
    },

    async createCampaign(account, spec, requestKey) {
      const name = markedName(spec.name, createMarker(requestKey));
      let budget: string | null = null;
      for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
        // A keyed create may repeat one that reached Google; a retry follows a lost answer.
        if (requestKey !== undefined || attempt > 1) {
          const found = await findMarked(account, name);
          if (found.campaignId) return { externalId: found.campaignId };
          budget = found.budget ?? budget;
        }
        budget ??= await createOnce(
          account,
          "campaignBudgets",
          budgetCreate(spec, account.currency, name),
        );
        if (budget !== null) {
          const created = await createOnce(
            account,
            "campaigns",
            campaignCreate(spec, name, budget),
          );
          if (created) return { externalId: created.split("/").pop()! };
        }
        if (attempt < CREATE_ATTEMPTS) await policy.sleep(policy.baseDelayMs * attempt);
      }
      throw new OutcomeUnknownError(
        `${PLATFORM} did not confirm creating campaign "${spec.name}" after ${CREATE_ATTEMPTS} ` +
          "attempts; it may or may not exist",
      );
    },

    async updateCampaign(account, campaign) {
      const { budgetOps, campaignOps } = await updateOperations(account, campaign);
      if (budgetOps.length) {
        await mutate(account, "campaignBudgets", budgetOps, { repeatable: true });
      }
      if (campaignOps.length) await mutate(account, "campaigns", campaignOps, { repeatable: true });
    },

    pauseCampaign: (account, campaign) => setStatus(account, campaign, GOOGLE_STATUS.paused),
    resumeCampaign: (account, campaign) => setStatus(account, campaign, GOOGLE_STATUS.active),

    async archiveCampaign(account, campaign) {
      try {
        await mutate(
          account,
          "campaigns",
          [resourceOf(account, campaign.externalId)].map(
            (remove) => ({ remove }),
          ),
          { repeatable: true },
        );
      } catch (error) {
        // A repeated remove (its first answer lost) is refused as a change to a removed campaign.
        const row = await readCampaign(account, campaign.externalId).catch(() => null);
        if (row?.campaign.status !== GOOGLE_STATUS.archived) throw error;
      }
    },

    async validateChange(account, change) {
      if (change.kind === "create") {
        await mutate(account, "campaignBudgets", [
          budgetCreate(change.spec, account.currency, markedName(change.spec.name, "0".repeat(12))),
        ], { repeatable: true, validateOnly: true });
        return;
      }
      const { budgetOps, campaignOps } = await updateOperations(account, change.campaign);
      if (budgetOps.length) {
        await mutate(account, "campaignBudgets", budgetOps, {
          repeatable: true,
          validateOnly: true,
        });
      }
      if (campaignOps.length) {
        await mutate(account, "campaigns", campaignOps, { repeatable: true, validateOnly: true });
      }
    },

    async listCampaigns(account) {
      const rows = await pages(
        account,
        `SELECT ${CAMPAIGN_FIELDS} FROM campaign ORDER BY campaign.id`,
        campaignRow,
      );
      return rows.map((row) => toState(row, account.currency));
    },

    async getCampaign(account, externalId) {
      return toState(await readCampaign(account, externalId), account.currency);
    },

    async fetchDailyMetrics(account, campaign, { from, to }) {
      if (!/^\d+$/.test(campaign.externalId)) throw new NotFoundError("campaign", campaign.id);
      const rows = await stream(
        account.credentials,
        account,
        "SELECT segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, " +
          "metrics.conversions, metrics.conversions_value FROM campaign " +
          `WHERE campaign.id = ${campaign.externalId} ` +
          `AND segments.date BETWEEN ${gaqlString(from)} AND ${gaqlString(to)} ` +
          "ORDER BY segments.date",
        metricsRow,
      );
      return rows.map((row): PlatformDailyMetrics => ({
        date: row.segments.date,
        impressions: Number(row.metrics?.impressions ?? 0),
        clicks: Number(row.metrics?.clicks ?? 0),
        spendMinor: microsToMinor(row.metrics?.costMicros ?? "0", account.currency),
        conversions: Math.round(row.metrics?.conversions ?? 0),
        revenueMinor: majorToMinor(row.metrics?.conversionsValue ?? 0, account.currency),
      }));
    },
  };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`);
}
