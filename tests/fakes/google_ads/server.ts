/**
 * A faithful local fake of the Google Ads API (REST interface), for the Google Ads adapter's
 * contract tests and for trying the app without Google. It follows these sections of Google's
 * public documentation:
 *
 * - "REST interface / Make API calls": versioned paths (`/v23/customers/{id}/…`), the headers
 *   `Authorization: Bearer`, `developer-token` and `login-customer-id` (the manager a client
 *   account is reached through), JSON in the protobuf JSON mapping (camelCase names, int64 as
 *   strings, fields holding their default value omitted).
 * - "Reporting / Google Ads Query Language" (grammar, "Query structure", "Segmentation"):
 *   `GoogleAdsService.SearchStream` (`googleAds:searchStream`, answered over REST as a JSON array
 *   of batches, each with `results`, `fieldMask` and `requestId`) and `GoogleAdsService.Search`
 *   (`googleAds:search` with `pageToken` / `nextPageToken`; the page size is fixed by Google, so the
 *   fake's `pageSize` is a test control, not a request field). Metric rows are per
 *   `segments.date` in the account's time zone; rows without impressions are left out. Unknown
 *   fields are refused with `queryError: UNRECOGNIZED_FIELD`. The Google Ads API has no
 *   asynchronous report jobs: reports of any range are streamed by `searchStream`, so the fake
 *   has none either.
 * - "Mutating resources / Best practices: partial failure and validate-only":
 *   `campaigns:mutate` and `campaignBudgets:mutate` with `create` / `update` + `updateMask` /
 *   `remove` operations, `partialFailure` (failed operations answer `{}` and the request a
 *   `partialFailureError`), `validateOnly` (checked, nothing applied, an empty answer).
 * - Reference "Campaign" (`status` ENABLED / PAUSED / REMOVED, REMOVED only through a remove
 *   operation; names unique among the account's campaigns that are not removed:
 *   `campaignError: DUPLICATE_CAMPAIGN_NAME`; `start_date_time` / `end_date_time` as
 *   `yyyy-MM-dd HH:mm:ss`), "CampaignBudget" (`amount_micros`, `total_amount_micros` with
 *   `period` CUSTOM_PERIOD, names unique: `DUPLICATE_NAME`, amounts in multiples of the currency's
 *   billable unit: `NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT`), "Customer" (`currency_code`,
 *   `time_zone`, `manager`), "CustomerClient" (a manager's hierarchy, `level` 0 for itself) and
 *   `CustomerService.ListAccessibleCustomers`.
 * - "Handling errors" and "API limits and quotas": the `google.rpc.Status` envelope `{error:
 *   {code, message, status, details}}` with a `GoogleAdsFailure` detail (`errors[]` with
 *   `errorCode`, `message`, `location.fieldPathElements`), `RESOURCE_EXHAUSTED` (HTTP 429) with
 *   `quotaErrorDetails.retryDelay`, `UNAUTHENTICATED` (401; an expired access token carries a
 *   `google.rpc.ErrorInfo` with reason `ACCESS_TOKEN_EXPIRED`), `PERMISSION_DENIED` (403,
 *   `authorizationError: USER_PERMISSION_DENIED` when a client account is reached without its
 *   manager's `login-customer-id`), `INTERNAL` (500).
 * - Google Identity "OAuth 2.0 for Web Server Applications": `/o/oauth2/v2/auth` (consent, here
 *   granted at once), `POST /token` with `authorization_code` and `refresh_token` grants
 *   (`invalid_grant` for a revoked or unknown refresh token), `POST /revoke`.
 * - Google Ads Help "About average daily budgets": a day may spend up to 2× the average daily
 *   budget, a calendar month at most 30.4× (the fake applies both to the budget in force).
 *
 * Simplified: Search campaigns only, no ad groups, ads or keywords; bidding is not simulated; the
 * smallest budget the fake accepts is 100 billable units (Google's real floor depends on the
 * campaign) and answers `MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC` below it; the developer
 * token error code is the fake's choice (`authorizationError: DEVELOPER_TOKEN_PROHIBITED`).
 *
 * @module
 */
import {
  countsFor,
  deliveryByDay,
  type DeliveryState,
  FakeClock,
  FaultPlan,
  hangUp,
  json,
  numericId,
  serveFake,
} from "../_shared.ts";
import { GaqlError, type GaqlQuery, meets, parseGaql } from "./gaql.ts";

/** The API version the fake answers under (any `v<digits>` works). */
export const GOOGLE_ADS_FAKE_VERSION = "v23";

/** Billable unit per currency, in micros (Google's currency codes table). */
const BILLABLE_UNIT: Record<string, number> = { JPY: 1_000_000, KRW: 10_000_000 };
const unitOf = (currency: string) => BILLABLE_UNIT[currency] ?? 10_000;
const MAX_ROWS_PER_PAGE = 10_000;

interface Customer {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  manager: boolean;
  /** The manager this client account is linked under, if any. */
  managerId: string | null;
}

/** A campaign budget as the fake stores it (amounts in micros). */
export interface GoogleFakeBudget {
  id: string;
  customerId: string;
  name: string;
  amountMicros: number | null;
  totalAmountMicros: number | null;
  period: "DAILY" | "CUSTOM_PERIOD";
  status: "ENABLED" | "REMOVED";
}

/** A campaign as the fake stores it. */
export interface GoogleFakeCampaign {
  id: string;
  customerId: string;
  name: string;
  status: "ENABLED" | "PAUSED" | "REMOVED";
  channel: string;
  bidding: string;
  budgetId: string;
  startDateTime: string | null;
  endDateTime: string | null;
  createdAt: number;
  history: DeliveryState[];
  /** Accepted changes: campaign updates and removal, and updates of its budget. */
  updates: number;
}

interface AccessToken {
  customers: string[];
  expired: boolean;
  refreshToken: string | null;
}

/** A running fake Google Ads API. */
export interface GoogleAdsFake {
  url: string;
  clock: FakeClock;
  faults: FaultPlan;
  campaigns: Map<string, GoogleFakeCampaign>;
  budgets: Map<string, GoogleFakeBudget>;
  /** Campaign creates applied (validate-only ones excluded). */
  creates: number;
  /** Rows per page of `googleAds:search` and per batch of `searchStream` (Google's is 10,000). */
  pageSize: number;
  /** Requests per developer token and clock minute before `RESOURCE_EXHAUSTED`; null: no limit. */
  requestsPerMinute: number | null;
  readonly developerToken: string;
  readonly app: { clientId: string; clientSecret: string };
  /** Adds a customer (10-digit id); a client under `managerId` if given. */
  addCustomer(customer: {
    name?: string;
    currency: string;
    timezone: string;
    manager?: boolean;
    managerId?: string;
  }): string;
  /** An access token with direct access to `customers` (and their clients, for managers). */
  issueToken(customers: string[]): string;
  /** A refresh token the token endpoint exchanges for access tokens to `customers`. */
  issueRefreshToken(customers: string[]): string;
  /**
   * Adds an ENABLED Search campaign with a daily budget (micros) that has delivered since
   * `activeSince` (epoch ms; default: now), as if made in Google Ads before the app saw it.
   */
  seedCampaign(
    customerId: string,
    campaign: { name: string; dailyBudgetMicros: number; activeSince?: number },
  ): string;
  close(): Promise<void>;
}

type AdsError = {
  errorCode: Record<string, string>;
  message: string;
  location?: { fieldPathElements: { fieldName: string; index?: number }[] };
  details?: Record<string, unknown>;
};

/** Starts a fake Google Ads API. */
export function startGoogleAdsFake(
  options: { port?: number; clock?: FakeClock } = {},
): GoogleAdsFake {
  const clock = options.clock ?? new FakeClock();
  const faults = new FaultPlan();
  const customers = new Map<string, Customer>();
  const tokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, string[]>();
  const codes = new Map<string, string[]>();
  const campaigns = new Map<string, GoogleFakeCampaign>();
  const budgets = new Map<string, GoogleFakeBudget>();
  const usage = new Map<string, number>();
  const developerToken = "fake-developer-token";
  const app = {
    clientId: "123456789012-fake.apps.googleusercontent.com",
    clientSecret: "google-fake-secret",
  };
  let version = GOOGLE_ADS_FAKE_VERSION;

  const requestId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 22);

  function failure(errors: AdsError[]) {
    return {
      "@type": `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
      errors,
      requestId: requestId(),
    };
  }

  function rpcError(
    httpStatus: number,
    status: string,
    message: string,
    details: unknown[],
  ): Response {
    return json({ error: { code: httpStatus, message, status, details } }, httpStatus);
  }

  function adsError(httpStatus: number, status: string, errors: AdsError[], message?: string) {
    const text = message ??
      (status === "INVALID_ARGUMENT" ? "Request contains an invalid argument." : errors[0].message);
    return rpcError(httpStatus, status, text, [failure(errors)]);
  }

  const invalid = (errors: AdsError[]) => adsError(400, "INVALID_ARGUMENT", errors);

  function serverError() {
    return adsError(500, "INTERNAL", [{
      errorCode: { internalError: "INTERNAL_ERROR" },
      message: "An internal error has occurred.",
    }], "Internal error encountered.");
  }

  function exhausted(retrySeconds: number, rateName: string) {
    return adsError(429, "RESOURCE_EXHAUSTED", [{
      errorCode: { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" },
      message: "Too many requests. Retry in " + retrySeconds + " seconds.",
      details: {
        quotaErrorDetails: { rateScope: "DEVELOPER", rateName, retryDelay: `${retrySeconds}s` },
      },
    }], "Resource has been exhausted (e.g. check quota).");
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/o/oauth2/v2/auth") return consent(url);
    if (url.pathname === "/token" && request.method === "POST") {
      return exchange(new URLSearchParams(await request.text()));
    }
    if (url.pathname === "/revoke" && request.method === "POST") {
      const form = new URLSearchParams(await request.text());
      const token = url.searchParams.get("token") ?? form.get("token") ?? "";
      const known = refreshTokens.delete(token) || tokens.delete(token);
      for (const [access, entry] of tokens) {
        if (entry.refreshToken === token) tokens.delete(access);
      }
      return known ? json({}) : json({ error: "invalid_token" }, 400);
    }

    const versioned = /^\/(v\d+)(\/.*)$/.exec(url.pathname);
    if (!versioned) return rpcError(404, "NOT_FOUND", "Requested entity was not found.", []);
    version = versioned[1];
    const path = versioned[2];
    const body = request.method === "POST"
      ? await request.json().catch(() => null) as Record<string, unknown> | null
      : {};
    if (body === null) {
      return rpcError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", []);
    }

    const fault = faults.take(request);
    const header = request.headers.get("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? tokens.get(header.slice(7)) : undefined;
    if (fault?.kind === "expire_token" && token) token.expired = true;
    if (!token || token.expired) return unauthenticated(token?.expired ?? false);
    if (request.headers.get("developer-token") !== developerToken) {
      return adsError(403, "PERMISSION_DENIED", [{
        errorCode: { authorizationError: "DEVELOPER_TOKEN_PROHIBITED" },
        message: "Developer token is not allowed with project.",
      }], "The caller does not have permission");
    }
    if (fault?.kind === "rate_limit") {
      return exhausted(fault.retryAfterSeconds ?? 30, "Requests per developer per minute");
    }
    if (fake.requestsPerMinute !== null) {
      const minute = Math.floor(clock.now() / 60_000);
      const key = `${minute}`;
      const count = (usage.get(key) ?? 0) + 1;
      usage.set(key, count);
      if (count > fake.requestsPerMinute) {
        return exhausted(60 - Math.floor(clock.now() / 1000) % 60, "Requests per minute");
      }
    }
    const failing = fault?.kind === "server_error" || fault?.kind === "timeout" ? fault : null;
    if (failing && !failing.applied) {
      return failing.kind === "timeout" ? hangUp(request) : serverError();
    }
    const response = route(request, path, body, token);
    if (failing) return failing.kind === "timeout" ? hangUp(request) : serverError();
    return response;
  }

  function unauthenticated(expired: boolean): Response {
    const message = "Request had invalid authentication credentials. Expected OAuth 2 access " +
      "token, login cookie or other valid authentication credential.";
    if (expired) {
      return rpcError(401, "UNAUTHENTICATED", message, [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ACCESS_TOKEN_EXPIRED",
        domain: "googleapis.com",
        metadata: { service: "googleads.googleapis.com" },
      }]);
    }
    return adsError(401, "UNAUTHENTICATED", [{
      errorCode: { authenticationError: "OAUTH_TOKEN_INVALID" },
      message: "Oauth token is invalid.",
    }], message);
  }

  function consent(url: URL): Response {
    const redirect = url.searchParams.get("redirect_uri");
    if (url.searchParams.get("client_id") !== app.clientId || !redirect) {
      return json({ error: "invalid_request", error_description: "Invalid client_id" }, 400);
    }
    if (!(url.searchParams.get("scope") ?? "").includes("auth/adwords")) {
      return json({ error: "invalid_scope" }, 400);
    }
    const code = crypto.randomUUID();
    codes.set(code, [...customers.values()].filter((c) => !c.managerId).map((c) => c.id));
    const target = new URL(redirect);
    target.searchParams.set("code", code);
    const state = url.searchParams.get("state");
    if (state) target.searchParams.set("state", state);
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  }

  function exchange(form: URLSearchParams): Response {
    if (form.get("client_id") !== app.clientId || form.get("client_secret") !== app.clientSecret) {
      return json({ error: "invalid_client", error_description: "Unauthorized" }, 401);
    }
    const grant = form.get("grant_type");
    if (grant === "authorization_code") {
      const granted = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!granted) return json({ error: "invalid_grant", error_description: "Bad Request" }, 400);
      const refresh = fake.issueRefreshToken(granted);
      return json({
        access_token: accessFor(granted, refresh),
        expires_in: 3599,
        refresh_token: refresh,
        scope: "https://www.googleapis.com/auth/adwords",
        token_type: "Bearer",
      });
    }
    if (grant === "refresh_token") {
      const refresh = form.get("refresh_token") ?? "";
      const granted = refreshTokens.get(refresh);
      if (!granted) {
        return json({
          error: "invalid_grant",
          error_description: "Token has been expired or revoked.",
        }, 400);
      }
      return json({
        access_token: accessFor(granted, refresh),
        expires_in: 3599,
        scope: "https://www.googleapis.com/auth/adwords",
        token_type: "Bearer",
      });
    }
    return json({ error: "unsupported_grant_type" }, 400);
  }

  function accessFor(granted: string[], refreshToken: string | null): string {
    const token = `ya29.fake-${crypto.randomUUID().replaceAll("-", "")}`;
    tokens.set(token, { customers: [...granted], expired: false, refreshToken });
    return token;
  }

  /** The customer a request is for, or the refusal Google answers. */
  function reach(request: Request, id: string, token: AccessToken): Customer | Response {
    const customer = customers.get(id);
    const login = request.headers.get("login-customer-id") ?? id;
    const denied = () =>
      adsError(403, "PERMISSION_DENIED", [{
        errorCode: { authorizationError: "USER_PERMISSION_DENIED" },
        message: "User doesn't have permission to access customer. Note: If you're accessing a " +
          "client customer, the manager's customer id must be set in the 'login-customer-id' " +
          "header.",
      }], "The caller does not have permission");
    if (!customer || !token.customers.includes(login)) return denied();
    if (login !== id && customer.managerId !== login) return denied();
    return customer;
  }

  function route(
    request: Request,
    path: string,
    body: Record<string, unknown>,
    token: AccessToken,
  ): Response {
    if (path === "/customers:listAccessibleCustomers" && request.method === "GET") {
      return json({ resourceNames: token.customers.map((id) => `customers/${id}`) });
    }
    const match =
      /^\/customers\/(\d+)\/(googleAds:searchStream|googleAds:search|campaigns:mutate|campaignBudgets:mutate)$/
        .exec(path);
    if (!match || request.method !== "POST") {
      return rpcError(404, "NOT_FOUND", "Requested entity was not found.", []);
    }
    const customer = reach(request, match[1], token);
    if (customer instanceof Response) return customer;
    switch (match[2]) {
      case "googleAds:searchStream":
        return search(customer, body, true);
      case "googleAds:search":
        return search(customer, body, false);
      case "campaigns:mutate":
        return mutate(customer, body, mutateCampaign);
      default:
        return mutate(customer, body, mutateBudget);
    }
  }

  // ---- reading (GAQL) ----

  /** The GAQL fields of each resource the fake knows, as the row builder reads them. */
  const RESOURCE_FIELDS: Record<string, string[]> = {
    customer: [
      "customer.resource_name",
      "customer.id",
      "customer.descriptive_name",
      "customer.currency_code",
      "customer.time_zone",
      "customer.manager",
    ],
    customer_client: [
      "customer_client.resource_name",
      "customer_client.id",
      "customer_client.descriptive_name",
      "customer_client.currency_code",
      "customer_client.time_zone",
      "customer_client.manager",
      "customer_client.level",
    ],
    campaign_budget: [
      "campaign_budget.resource_name",
      "campaign_budget.id",
      "campaign_budget.name",
      "campaign_budget.amount_micros",
      "campaign_budget.total_amount_micros",
      "campaign_budget.period",
      "campaign_budget.status",
      "campaign_budget.explicitly_shared",
    ],
    campaign: [
      "campaign.resource_name",
      "campaign.id",
      "campaign.name",
      "campaign.status",
      "campaign.serving_status",
      "campaign.advertising_channel_type",
      "campaign.bidding_strategy_type",
      "campaign.campaign_budget",
      "campaign.start_date_time",
      "campaign.end_date_time",
    ],
  };
  const METRICS = [
    "metrics.impressions",
    "metrics.clicks",
    "metrics.cost_micros",
    "metrics.conversions",
    "metrics.conversions_value",
  ];
  /** int64 fields, which the JSON mapping writes as strings. */
  const INT64 = new Set([
    "customer.id",
    "customer_client.id",
    "customer_client.level",
    "campaign_budget.id",
    "campaign_budget.amount_micros",
    "campaign_budget.total_amount_micros",
    "campaign.id",
    "metrics.impressions",
    "metrics.clicks",
    "metrics.cost_micros",
  ]);

  function allowed(resource: string): Set<string> {
    const own = RESOURCE_FIELDS[resource] ?? [];
    const attributed = resource === "campaign"
      ? [...RESOURCE_FIELDS.campaign_budget, ...RESOURCE_FIELDS.customer, ...METRICS]
      : resource === "campaign_budget"
      ? RESOURCE_FIELDS.customer
      : [];
    return new Set([...own, ...attributed, ...(resource === "campaign" ? ["segments.date"] : [])]);
  }

  function search(customer: Customer, body: Record<string, unknown>, stream: boolean): Response {
    if (typeof body.query !== "string") {
      return invalid([{ errorCode: { fieldError: "REQUIRED" }, message: "query is required." }]);
    }
    let query: GaqlQuery;
    try {
      query = parseGaql(body.query);
    } catch (error) {
      if (!(error instanceof GaqlError)) throw error;
      return invalid([{ errorCode: { queryError: error.code }, message: error.message }]);
    }
    if (!RESOURCE_FIELDS[query.resource]) {
      return invalid([{
        errorCode: { queryError: "INVALID_RESOURCE_NAME" },
        message: `Error in query: unknown resource '${query.resource}'.`,
      }]);
    }
    const known = allowed(query.resource);
    for (const field of [...query.fields, ...query.where.map((condition) => condition.field)]) {
      if (!known.has(field)) {
        return invalid([{
          errorCode: { queryError: "UNRECOGNIZED_FIELD" },
          message: `Error in SELECT clause: unrecognized field '${field}'.`,
        }]);
      }
    }
    let rows = records(customer, query).filter((record) =>
      query.where.every((condition) => meets(record[condition.field], condition))
    );
    if (query.orderBy) {
      const { field, descending } = query.orderBy;
      rows.sort((left, right) =>
        String(left[field] ?? "").localeCompare(String(right[field] ?? ""), "en", {
          numeric: true,
        }) * (descending ? -1 : 1)
      );
    }
    if (query.limit !== null) rows = rows.slice(0, query.limit);
    const fieldMask = query.fields.map(camelPath).join(",");
    const results = rows.map((record) => toRow(record, query));
    const size = Math.min(fake.pageSize, MAX_ROWS_PER_PAGE);
    if (stream) {
      const batches = [];
      for (let start = 0; start < results.length || start === 0; start += size) {
        const slice = results.slice(start, start + size);
        batches.push({
          ...(slice.length ? { results: slice } : {}),
          fieldMask,
          requestId: requestId(),
        });
        if (results.length === 0) break;
      }
      return json(batches);
    }
    const pageToken = typeof body.pageToken === "string" ? body.pageToken : "";
    let offset = 0;
    if (pageToken) {
      const decoded = decodeToken(pageToken);
      if (decoded === null || decoded.query !== body.query) {
        return invalid([{
          errorCode: { requestError: "INVALID_PAGE_TOKEN" },
          message: "Page token is invalid.",
        }]);
      }
      offset = decoded.offset;
    }
    const page = results.slice(offset, offset + size);
    const next = offset + size < results.length
      ? btoa(JSON.stringify({ offset: offset + size, query: body.query }))
      : undefined;
    return json({
      ...(page.length ? { results: page } : {}),
      ...(next ? { nextPageToken: next } : {}),
      ...(body.returnTotalResultsCount ? { totalResultsCount: String(results.length) } : {}),
      fieldMask,
      requestId: requestId(),
    });
  }

  function decodeToken(token: string): { offset: number; query: string } | null {
    try {
      const parsed = JSON.parse(atob(token));
      return typeof parsed.offset === "number" ? parsed : null;
    } catch {
      return null;
    }
  }

  type Record_ = Record<string, string | number | boolean | null>;

  function customerRecord(customer: Customer): Record_ {
    return {
      "customer.resource_name": `customers/${customer.id}`,
      "customer.id": customer.id,
      "customer.descriptive_name": customer.name,
      "customer.currency_code": customer.currency,
      "customer.time_zone": customer.timezone,
      "customer.manager": customer.manager,
    };
  }

  function budgetRecord(budget: GoogleFakeBudget): Record_ {
    return {
      "campaign_budget.resource_name":
        `customers/${budget.customerId}/campaignBudgets/${budget.id}`,
      "campaign_budget.id": budget.id,
      "campaign_budget.name": budget.name,
      "campaign_budget.amount_micros": budget.amountMicros,
      "campaign_budget.total_amount_micros": budget.totalAmountMicros,
      "campaign_budget.period": budget.period,
      "campaign_budget.status": budget.status,
      "campaign_budget.explicitly_shared": false,
    };
  }

  function campaignRecord(campaign: GoogleFakeCampaign): Record_ {
    const ended = campaign.endDateTime !== null &&
      Date.parse(campaign.endDateTime.replace(" ", "T") + "Z") < clock.now();
    return {
      "campaign.resource_name": `customers/${campaign.customerId}/campaigns/${campaign.id}`,
      "campaign.id": campaign.id,
      "campaign.name": campaign.name,
      "campaign.status": campaign.status,
      "campaign.serving_status": campaign.status === "REMOVED"
        ? "NONE"
        : ended
        ? "ENDED"
        : "SERVING",
      "campaign.advertising_channel_type": campaign.channel,
      "campaign.bidding_strategy_type": campaign.bidding,
      "campaign.campaign_budget":
        `customers/${campaign.customerId}/campaignBudgets/${campaign.budgetId}`,
      "campaign.start_date_time": campaign.startDateTime,
      "campaign.end_date_time": campaign.endDateTime,
      ...budgetRecord(budgets.get(campaign.budgetId)!),
    };
  }

  function records(customer: Customer, query: GaqlQuery): Record_[] {
    const own = customerRecord(customer);
    if (query.resource === "customer") return [own];
    if (query.resource === "customer_client") {
      // The account itself (level 0) and, for a manager, the clients linked under it (level 1).
      return [customer, ...[...customers.values()].filter((c) => c.managerId === customer.id)]
        .map((client) => ({
          ...own,
          "customer_client.resource_name": `customers/${customer.id}/customerClients/${client.id}`,
          "customer_client.id": client.id,
          "customer_client.descriptive_name": client.name,
          "customer_client.currency_code": client.currency,
          "customer_client.time_zone": client.timezone,
          "customer_client.manager": client.manager,
          "customer_client.level": client.id === customer.id ? 0 : 1,
        }));
    }
    if (query.resource === "campaign_budget") {
      return [...budgets.values()].filter((budget) => budget.customerId === customer.id)
        .map((budget) => ({ ...own, ...budgetRecord(budget) }));
    }
    const mine = [...campaigns.values()].filter((campaign) => campaign.customerId === customer.id);
    const segmented = query.fields.some((field) =>
      field.startsWith("metrics.") || field === "segments.date"
    );
    if (!segmented) return mine.map((campaign) => ({ ...own, ...campaignRecord(campaign) }));
    // Pre-filter on the campaign so delivery is only simulated for the campaigns asked about.
    const campaignConditions = query.where.filter((condition) =>
      !condition.field.startsWith("metrics.") && condition.field !== "segments.date"
    );
    const perMajor = 1_000_000;
    return mine.filter((campaign) =>
      campaignConditions.every((condition) =>
        meets(campaignRecord(campaign)[condition.field], condition)
      )
    ).flatMap((campaign) =>
      [...deliveryByDay(campaign.id, campaign.history, customer.timezone, clock.now(), {
        maxDailyFactor: 2,
        weeklyFactor: null,
        monthlyFactor: 30.4,
      })].map(([date, delivered]) => {
        // Cost is billed in whole billable units, so days add up exactly to what was billed.
        const micros = Math.floor(delivered / unitOf(customer.currency)) *
          unitOf(customer.currency);
        const counts = countsFor(campaign.id, date, micros / perMajor);
        return {
          ...own,
          ...campaignRecord(campaign),
          "segments.date": date,
          "metrics.impressions": counts.impressions,
          "metrics.clicks": counts.clicks,
          "metrics.cost_micros": micros,
          "metrics.conversions": counts.conversions,
          "metrics.conversions_value": counts.revenueMajor,
        };
      }).filter((row) => row["metrics.impressions"] > 0)
    );
  }

  /** A result row in the JSON mapping: nested camelCase objects, defaults omitted. */
  function toRow(record: Record_, query: GaqlQuery): Record<string, Record<string, unknown>> {
    const row: Record<string, Record<string, unknown>> = {};
    const resources = new Set(query.fields.map((field) => field.split(".")[0]));
    const fields = [
      ...query.fields,
      ...[...resources].filter((resource) => RESOURCE_FIELDS[resource])
        .map((resource) => `${resource}.resource_name`),
    ];
    for (const field of fields) {
      const value = record[field];
      if (value === null || value === undefined || value === "" || value === 0 || value === false) {
        continue;
      }
      const [resource, ...rest] = field.split(".");
      const key = camel(resource);
      row[key] ??= {};
      row[key][camel(rest.join("."))] = INT64.has(field) ? String(value) : value;
    }
    return row;
  }

  // ---- mutating ----

  type Operation = Record<string, unknown>;
  /** Checks one operation and returns how to apply it, or its errors. */
  type Mutator = (
    customer: Customer,
    operation: Operation,
    index: number,
  ) => { apply: () => string } | { errors: AdsError[] };

  function mutate(customer: Customer, body: Record<string, unknown>, mutator: Mutator): Response {
    const operations = Array.isArray(body.operations) ? body.operations as Operation[] : [];
    if (operations.length === 0) {
      return invalid([{
        errorCode: { mutateError: "EMPTY_MUTATE_REQUEST" },
        message: "Mutate request has no operations.",
      }]);
    }
    const partial = body.partialFailure === true;
    const validateOnly = body.validateOnly === true;
    const checked = operations.map((operation, index) => mutator(customer, operation, index));
    const errors = checked.flatMap((result) => "errors" in result ? result.errors : []);
    if (validateOnly) {
      if (errors.length && !partial) return invalid(errors);
      return json(errors.length ? { partialFailureError: partialError(errors) } : {});
    }
    if (errors.length && !partial) return invalid(errors);
    const results = checked.map((result) =>
      "apply" in result ? { resourceName: result.apply() } : {}
    );
    return json({
      results,
      ...(errors.length ? { partialFailureError: partialError(errors) } : {}),
    });
  }

  function partialError(errors: AdsError[]) {
    const summary = errors.map((error) => {
      const index = error.location?.fieldPathElements[0]?.index;
      return `${error.message}, at operations[${index ?? 0}]`;
    }).join(", ");
    return {
      code: 3,
      message: `Multiple errors in ‘details’. First error: ${summary}`,
      details: [failure(errors)],
    };
  }

  function at(index: number, kind: string, field?: string) {
    return {
      fieldPathElements: [
        { fieldName: "operations", index },
        { fieldName: kind },
        ...(field ? [{ fieldName: field }] : []),
      ],
    };
  }

  function resourceId(name: unknown, customer: Customer, collection: string): string | null {
    const match = new RegExp(`^customers/(\\d+)/${collection}/(\\d+)$`).exec(String(name ?? ""));
    return match && match[1] === customer.id ? match[2] : null;
  }

  const notFound = (index: number, kind: string): AdsError => ({
    errorCode: { mutateError: "RESOURCE_NOT_FOUND" },
    message: "Resource was not found.",
    location: at(index, kind, "resource_name"),
  });
  const removedResource = (index: number, kind: string): AdsError => ({
    errorCode: { operationAccessDeniedError: "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE" },
    message: "The operation is not allowed for removed resources.",
    location: at(index, kind),
  });

  function maskOf(operation: Operation): string[] | null {
    return typeof operation.updateMask === "string"
      ? operation.updateMask.split(",").map((path) => path.trim()).filter(Boolean)
      : null;
  }

  const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

  const mutateCampaign: Mutator = (customer, operation, index) => {
    if (operation.create) {
      const spec = operation.create as Record<string, unknown>;
      const draft: GoogleFakeCampaign = {
        id: numericId(11),
        customerId: customer.id,
        name: "",
        status: "PAUSED",
        channel: String(spec.advertisingChannelType ?? ""),
        bidding: "",
        budgetId: "",
        startDateTime: null,
        endDateTime: null,
        createdAt: clock.now(),
        history: [],
        updates: 0,
      };
      const errors: AdsError[] = [];
      const required = (field: string, present: boolean) => {
        if (!present) {
          errors.push({
            errorCode: { fieldError: "REQUIRED" },
            message: "The required field was not present.",
            location: at(index, "create", field),
          });
        }
      };
      required("advertising_channel_type", Boolean(spec.advertisingChannelType));
      required("campaign_budget", Boolean(spec.campaignBudget));
      required("contains_eu_political_advertising", Boolean(spec.containsEuPoliticalAdvertising));
      const bidding = ["manualCpc", "targetSpend", "maximizeConversions", "maximizeConversionValue"]
        .find((key) => key in spec);
      required("campaign_bidding_strategy", bidding !== undefined);
      draft.bidding = bidding === "targetSpend"
        ? "TARGET_SPEND"
        : bidding?.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() ?? "";
      if (spec.status === "REMOVED") {
        errors.push({
          errorCode: { operationAccessDeniedError: "CREATE_AS_REMOVED_NOT_PERMITTED" },
          message: "Creating a resource with status REMOVED is not allowed.",
          location: at(index, "create", "status"),
        });
      }
      errors.push(...applyCampaignFields(customer, draft, spec, null, index, "create"));
      if (errors.length) return { errors };
      return {
        apply: () => {
          campaigns.set(draft.id, draft);
          fake.creates += 1;
          record(draft);
          return `customers/${customer.id}/campaigns/${draft.id}`;
        },
      };
    }
    if (operation.update) {
      const spec = operation.update as Record<string, unknown>;
      const id = resourceId(spec.resourceName, customer, "campaigns");
      const campaign = id ? campaigns.get(id) : undefined;
      if (!campaign) return { errors: [notFound(index, "update")] };
      if (campaign.status === "REMOVED") return { errors: [removedResource(index, "update")] };
      const mask = maskOf(operation);
      if (!mask) {
        return {
          errors: [{
            errorCode: { fieldMaskError: "FIELD_MASK_MISSING" },
            message: "The field mask must be set for an update.",
            location: at(index, "update_mask"),
          }],
        };
      }
      const draft = structuredClone(campaign);
      const errors = applyCampaignFields(customer, draft, spec, mask, index, "update");
      if (errors.length) return { errors };
      return {
        apply: () => {
          Object.assign(campaign, draft, { history: campaign.history });
          campaign.updates += 1;
          record(campaign);
          return String(spec.resourceName);
        },
      };
    }
    if (typeof operation.remove === "string") {
      const id = resourceId(operation.remove, customer, "campaigns");
      const campaign = id ? campaigns.get(id) : undefined;
      if (!campaign) return { errors: [notFound(index, "remove")] };
      if (campaign.status === "REMOVED") return { errors: [removedResource(index, "remove")] };
      return {
        apply: () => {
          campaign.status = "REMOVED";
          campaign.updates += 1;
          record(campaign);
          return String(operation.remove);
        },
      };
    }
    return {
      errors: [{
        errorCode: { mutateError: "OPERATION_NOT_SUPPORTED" },
        message: "The operation needs one of create, update or remove.",
        location: at(index, "operation"),
      }],
    };
  };

  /** Applies the campaign fields of `spec` (those in `mask`, or all) to `draft`. */
  function applyCampaignFields(
    customer: Customer,
    draft: GoogleFakeCampaign,
    spec: Record<string, unknown>,
    mask: string[] | null,
    index: number,
    kind: string,
  ): AdsError[] {
    const errors: AdsError[] = [];
    const has = (camelName: string, snake: string) =>
      mask ? mask.includes(snake) || mask.includes(camelName) : camelName in spec;
    if (has("name", "name")) {
      const name = String(spec.name ?? "").trim();
      const taken = [...campaigns.values()].some((other) =>
        other.customerId === customer.id && other.id !== draft.id && other.status !== "REMOVED" &&
        other.name === name
      );
      if (!name) {
        errors.push({
          errorCode: { fieldError: "REQUIRED" },
          message: "The required field was not present.",
          location: at(index, kind, "name"),
        });
      } else if (taken) {
        errors.push({
          errorCode: { campaignError: "DUPLICATE_CAMPAIGN_NAME" },
          message: "A campaign with this name already exists.",
          location: at(index, kind, "name"),
        });
      } else draft.name = name;
    } else if (!mask) {
      errors.push({
        errorCode: { fieldError: "REQUIRED" },
        message: "The required field was not present.",
        location: at(index, kind, "name"),
      });
    }
    if (has("status", "status") && spec.status !== undefined) {
      if (spec.status === "ENABLED" || spec.status === "PAUSED") draft.status = spec.status;
      else if (kind === "update") {
        errors.push({
          errorCode: { fieldError: "INVALID_VALUE" },
          message: "The status can only be ENABLED or PAUSED; remove a campaign to end it.",
          location: at(index, kind, "status"),
        });
      }
    }
    if (has("campaignBudget", "campaign_budget") && spec.campaignBudget !== undefined) {
      const budgetId = resourceId(spec.campaignBudget, customer, "campaignBudgets");
      const budget = budgetId ? budgets.get(budgetId) : undefined;
      if (!budget) {
        errors.push({ ...notFound(index, kind), location: at(index, kind, "campaign_budget") });
      } else if (budget.status === "REMOVED") {
        errors.push({
          errorCode: { campaignBudgetError: "CAMPAIGN_BUDGET_REMOVED" },
          message: "The campaign budget has been removed.",
          location: at(index, kind, "campaign_budget"),
        });
      } else draft.budgetId = budget.id;
    }
    for (
      const [camelName, snake, key] of [
        ["startDateTime", "start_date_time", "startDateTime"],
        ["endDateTime", "end_date_time", "endDateTime"],
      ] as const
    ) {
      if (!has(camelName, snake)) continue;
      const value = spec[camelName];
      if (value === undefined || value === null || value === "") {
        draft[key] = null;
      } else if (typeof value !== "string" || !DATE_TIME.test(value)) {
        errors.push({
          errorCode: { dateError: "INVALID_FIELD_FORMAT" },
          message: "The field is not in the expected format yyyy-MM-dd HH:mm:ss.",
          location: at(index, kind, snake),
        });
      } else draft[key] = value;
    }
    if (draft.startDateTime && draft.endDateTime && draft.endDateTime < draft.startDateTime) {
      errors.push({
        errorCode: { dateRangeError: "START_DATE_AFTER_END_DATE" },
        message: "The start date is after the end date.",
        location: at(index, kind, "end_date_time"),
      });
    }
    const budget = budgets.get(draft.budgetId);
    if (budget?.period === "CUSTOM_PERIOD" && !draft.endDateTime) {
      errors.push({
        errorCode: { campaignError: "END_DATE_TIME_REQUIRED_FOR_TOTAL_BUDGET" },
        message: "A campaign with a total (custom period) budget needs an end date.",
        location: at(index, kind, "end_date_time"),
      });
    }
    return errors;
  }

  const mutateBudget: Mutator = (customer, operation, index) => {
    if (operation.create || operation.update) {
      const kind = operation.create ? "create" : "update";
      const spec = (operation.create ?? operation.update) as Record<string, unknown>;
      let existing: GoogleFakeBudget | undefined;
      if (kind === "update") {
        const id = resourceId(spec.resourceName, customer, "campaignBudgets");
        existing = id ? budgets.get(id) : undefined;
        if (!existing) return { errors: [notFound(index, kind)] };
        if (existing.status === "REMOVED") return { errors: [removedResource(index, kind)] };
      }
      const mask = kind === "update" ? maskOf(operation) : null;
      if (kind === "update" && !mask) {
        return {
          errors: [{
            errorCode: { fieldMaskError: "FIELD_MASK_MISSING" },
            message: "The field mask must be set for an update.",
            location: at(index, "update_mask"),
          }],
        };
      }
      const draft: GoogleFakeBudget = existing ? { ...existing } : {
        id: numericId(11),
        customerId: customer.id,
        name: "",
        amountMicros: null,
        totalAmountMicros: null,
        period: spec.period === "CUSTOM_PERIOD" ? "CUSTOM_PERIOD" : "DAILY",
        status: "ENABLED",
      };
      const has = (camelName: string, snake: string) =>
        mask ? mask.includes(snake) || mask.includes(camelName) : camelName in spec;
      const errors: AdsError[] = [];
      if (has("name", "name")) {
        const name = String(spec.name ?? "").trim();
        const taken = [...budgets.values()].some((other) =>
          other.customerId === customer.id && other.id !== draft.id &&
          other.status !== "REMOVED" && other.name === name
        );
        if (taken) {
          errors.push({
            errorCode: { campaignBudgetError: "DUPLICATE_NAME" },
            message: "Budget with the same name already exists.",
            location: at(index, kind, "name"),
          });
        } else draft.name = name;
      }
      for (
        const [camelName, snake, key] of [
          ["amountMicros", "amount_micros", "amountMicros"],
          ["totalAmountMicros", "total_amount_micros", "totalAmountMicros"],
        ] as const
      ) {
        if (!has(camelName, snake)) continue;
        const problem = checkAmount(spec[camelName], customer.currency);
        if (problem) {
          errors.push({
            errorCode: { campaignBudgetError: problem.code },
            message: problem.message,
            location: at(index, kind, snake),
          });
        } else draft[key] = Number(spec[camelName]);
      }
      const amount = draft.period === "DAILY" ? draft.amountMicros : draft.totalAmountMicros;
      if (amount === null && errors.length === 0) {
        errors.push({
          errorCode: { fieldError: "REQUIRED" },
          message: "The required field was not present.",
          location: at(
            index,
            kind,
            draft.period === "DAILY" ? "amount_micros" : "total_amount_micros",
          ),
        });
      }
      if (errors.length) return { errors };
      return {
        apply: () => {
          budgets.set(draft.id, draft);
          if (existing) {
            for (const campaign of campaigns.values()) {
              if (campaign.budgetId !== draft.id) continue;
              campaign.updates += 1;
              record(campaign);
            }
          }
          return `customers/${customer.id}/campaignBudgets/${draft.id}`;
        },
      };
    }
    if (typeof operation.remove === "string") {
      const id = resourceId(operation.remove, customer, "campaignBudgets");
      const budget = id ? budgets.get(id) : undefined;
      if (!budget) return { errors: [notFound(index, "remove")] };
      const inUse = [...campaigns.values()].some((campaign) =>
        campaign.budgetId === budget.id && campaign.status !== "REMOVED"
      );
      if (inUse) {
        return {
          errors: [{
            errorCode: { campaignBudgetError: "CAMPAIGN_BUDGET_IN_USE" },
            message: "The campaign budget is associated with at least one campaign.",
            location: at(index, "remove"),
          }],
        };
      }
      return {
        apply: () => {
          budget.status = "REMOVED";
          return String(operation.remove);
        },
      };
    }
    return {
      errors: [{
        errorCode: { mutateError: "OPERATION_NOT_SUPPORTED" },
        message: "The operation needs one of create, update or remove.",
        location: at(index, "operation"),
      }],
    };
  };

  function checkAmount(value: unknown, currency: string): { code: string; message: string } | null {
    if (!/^-?\d+$/.test(String(value ?? ""))) {
      return { code: "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT", message: "Invalid money amount." };
    }
    const micros = Number(value);
    const unit = unitOf(currency);
    if (micros < 0) {
      return { code: "NEGATIVE_MONEY_AMOUNT", message: "A money amount was negative." };
    }
    if (micros % unit !== 0) {
      return {
        code: "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT",
        message: "A money amount was not a multiple of a minimum unit.",
      };
    }
    if (micros < unit * 100) {
      return {
        code: "MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC",
        message: "A money amount was less than the minimum CPC for currency.",
      };
    }
    if (micros > 1e15) {
      return {
        code: "MONEY_AMOUNT_TOO_LARGE",
        message: "A money amount was greater than the maximum allowed.",
      };
    }
    return null;
  }

  function record(campaign: GoogleFakeCampaign) {
    const budget = budgets.get(campaign.budgetId)!;
    campaign.history.push({
      at: clock.now(),
      active: campaign.status === "ENABLED",
      daily: budget.period === "DAILY" ? budget.amountMicros : null,
      lifetime: budget.period === "CUSTOM_PERIOD" ? budget.totalAmountMicros : null,
      startDate: campaign.startDateTime?.slice(0, 10) ?? null,
      endDate: campaign.endDateTime?.slice(0, 10) ?? null,
    });
  }

  const served = serveFake(handle, options.port);
  const fake: GoogleAdsFake = {
    url: served.url,
    clock,
    faults,
    campaigns,
    budgets,
    creates: 0,
    pageSize: MAX_ROWS_PER_PAGE,
    requestsPerMinute: null,
    developerToken,
    app,
    addCustomer({ name, currency, timezone, manager, managerId }) {
      const id = numericId(10);
      customers.set(id, {
        id,
        name: name ?? `Fake Google Ads ${currency}`,
        currency,
        timezone,
        manager: manager ?? false,
        managerId: managerId ?? null,
      });
      return id;
    },
    issueToken: (granted) => accessFor(granted, null),
    issueRefreshToken(granted) {
      const token = `1//fake-${crypto.randomUUID().replaceAll("-", "")}`;
      refreshTokens.set(token, [...granted]);
      return token;
    },
    seedCampaign(customerId, { name, dailyBudgetMicros, activeSince }) {
      const at = activeSince ?? clock.now();
      const budget: GoogleFakeBudget = {
        id: numericId(11),
        customerId,
        name: `${name} budget`,
        amountMicros: dailyBudgetMicros,
        totalAmountMicros: null,
        period: "DAILY",
        status: "ENABLED",
      };
      budgets.set(budget.id, budget);
      const campaign: GoogleFakeCampaign = {
        id: numericId(11),
        customerId,
        name,
        status: "ENABLED",
        channel: "SEARCH",
        bidding: "MAXIMIZE_CLICKS",
        budgetId: budget.id,
        startDateTime: null,
        endDateTime: null,
        createdAt: at,
        history: [],
        updates: 0,
      };
      record(campaign);
      campaign.history[0].at = at;
      campaigns.set(campaign.id, campaign);
      return campaign.id;
    },
    close: served.close,
  };
  return fake;
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, char: string) => char.toUpperCase());
}

function camelPath(field: string): string {
  return field.split(".").map(camel).join(".");
}
