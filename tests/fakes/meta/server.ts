/**
 * A faithful local fake of the Meta Marketing API (Graph API), for the Meta adapter's contract
 * tests and for trying the app without Meta. It follows these sections of Meta's public
 * documentation (from the Graph API and Marketing API references):
 *
 * - Graph API "Using the Graph API" / "Paginated results": versioned paths (`/v24.0/...`), the
 *   `fields` parameter, cursor pagination (`paging.cursors.before/after`, `paging.next`, `limit`),
 *   access tokens as `access_token` or `Authorization: Bearer`.
 * - Graph API "Handling errors": the `{error: {message, type, code, error_subcode,
 *   error_user_title, error_user_msg, is_transient, fbtrace_id}}` envelope; 190/463 for an
 *   expired token, 190/460 and 102 for invalid sessions, 100 for invalid parameters, 1/2
 *   transient.
 * - Marketing API "Rate limiting": business-use-case limits reported in `X-Business-Use-Case-Usage`
 *   (`call_count`, `total_cputime`, `total_time`, `estimated_time_to_regain_access` in minutes),
 *   throttling answered with code 17 (user request limit) / 80004 (ads management BUC).
 * - Marketing API reference "Ad Account, Campaigns" (`GET/POST /act_{id}/campaigns`, `filtering`,
 *   `execution_options=["validate_only"]`, `adlabels`), "Campaign" (`GET/POST /{campaign-id}`:
 *   `status` ACTIVE/PAUSED/ARCHIVED/DELETED and read-only `effective_status`, `daily_budget` /
 *   `lifetime_budget` in the currency's offset, `start_time` / `stop_time`), "Insights"
 *   (`/{campaign-id}/insights` with `time_range`, `time_increment=1`, string-valued numbers,
 *   `actions` / `action_values`; days without delivery are omitted), "Insights API, Asynchronous
 *   and Batch Requests" (`POST /{object}/insights` answers `{report_run_id}`; `GET
 *   /{report_run_id}` reports `async_status` "Job Not Started" / "Job Started" / "Job Running" /
 *   "Job Completed" / "Job Failed" / "Job Skipped" and `async_percent_completion`; the rows come
 *   from `GET /{report_run_id}/insights`, paginated with cursors), "User, Ad Accounts"
 *   (`/me/adaccounts`: `account_id`, `currency`, `timezone_name`), "User, Permissions"
 *   (`DELETE /me/permissions` revokes the app's grant: its tokens stop working).
 * - Facebook Login "Manually build a login flow": the `/dialog/oauth` redirect and
 *   `/oauth/access_token` code exchange and `fb_exchange_token` (long-lived token) exchange;
 *   "Access Token Guide, Long-Lived Access Tokens": a code's token lasts an hour, a long-lived one
 *   60 days (`expires_in`), and only a token still valid can be exchanged for a new long-lived one
 *   (an expired token answers 190/463 and needs a new login).
 * - Ads "About budgets": a day may spend up to 75% over the daily budget, a calendar week (Sunday
 *   to Saturday) at most 7 daily budgets.
 *
 * Simplified: one ad set per campaign is implied (no ad sets, ads or creatives), async report
 * runs are made on a campaign's insights edge only and advance by one step per status check
 * (`reportChecks` checks to complete; faults `report_failed` / `report_stuck` on the creating
 * request make a run fail or never finish), and the only conversion is the `purchase` action.
 *
 * @module
 */
import {
  countsFor,
  deliveryByDay,
  type DeliveryState,
  FakeClock,
  type FakeFault,
  FaultPlan,
  hangUp,
  json,
  numericId,
  serveFake,
} from "../_shared.ts";

/** The Graph API version the fake answers under (any `v<digits>.<digits>` works). */
export const META_FAKE_VERSION = "v24.0";

const OFFSETS: Record<string, number> = { JPY: 1, KRW: 1, TWD: 1, HUF: 1 };
const offsetOf = (currency: string) => OFFSETS[currency] ?? 100;

interface MetaAccount {
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

/** A campaign as the fake stores it. */
export interface MetaFakeCampaign {
  id: string;
  accountId: string;
  name: string;
  objective: string;
  status: "ACTIVE" | "PAUSED" | "ARCHIVED" | "DELETED";
  dailyBudget: number | null;
  lifetimeBudget: number | null;
  startTime: string | null;
  stopTime: string | null;
  adlabels: string[];
  createdTime: number;
  history: DeliveryState[];
  /** Accepted updates (each POST to the campaign that changed something). */
  updates: number;
}

/** An async insights report run. */
interface ReportRun {
  id: string;
  accountId: string;
  since: string;
  until: string;
  rows: Record<string, unknown>[];
  checks: number;
  outcome: "complete" | "fail" | "stuck";
}

interface Token {
  accounts: string[];
  expired: boolean;
  /** When it expires by age (fake clock ms); null for tokens that do not age. */
  expiresAt: number | null;
}

/** Lifetimes of the tokens the token endpoint issues (seconds): code → 1 hour, long-lived 60 days. */
const SHORT_LIVED_SECONDS = 3_600;
const LONG_LIVED_SECONDS = 5_184_000;

/** A running fake Meta Graph API. */
export interface MetaFake {
  url: string;
  clock: FakeClock;
  faults: FaultPlan;
  /** Campaigns by id. */
  campaigns: Map<string, MetaFakeCampaign>;
  /** Every campaign create the fake applied (validate-only ones excluded). */
  creates: number;
  /** Items per page of list edges (Meta's default is 25). */
  pageSize: number;
  /** How long each insights answer takes (ms; 0 by default), to watch a backfill progress. */
  insightsDelayMs: number;
  /** Status checks an async report run takes to complete (1 by default: small runs are quick). */
  reportChecks: number;
  /** Async report runs made so far. */
  reportRuns: number;
  /** Long-lived tokens issued for a valid one (`fb_exchange_token`) so far. */
  tokenExchanges: number;
  /** The `since..until` of every insights range asked for, directly or by a report run. */
  rangesAsked: string[];
  /** Adds an ad account; returns its numeric id (without `act_`). */
  addAccount(account: { name?: string; currency: string; timezone: string }): string;
  /** A token that may manage `accounts`, expiring `expiresInSeconds` from now (default: never). */
  issueToken(accounts: string[], expiresInSeconds?: number): string;
  /**
   * Adds an ACTIVE campaign with a daily budget (Meta units) that has delivered since
   * `activeSince` (epoch ms; default: now), as if made on Meta before the app saw the account.
   */
  seedCampaign(
    accountId: string,
    campaign: { name: string; dailyBudget: number; activeSince?: number },
  ): string;
  /** OAuth app credentials the token endpoints accept. */
  readonly app: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/** Starts a fake Meta Graph API. */
export function startMetaFake(options: { port?: number; clock?: FakeClock } = {}): MetaFake {
  const clock = options.clock ?? new FakeClock();
  const faults = new FaultPlan();
  const accounts = new Map<string, MetaAccount>();
  const tokens = new Map<string, Token>();
  const codes = new Map<string, string[]>();
  const campaigns = new Map<string, MetaFakeCampaign>();
  const reportRuns = new Map<string, ReportRun>();
  const app = { clientId: "1234567890", clientSecret: "meta-fake-secret" };
  const usage = new Map<string, number>();

  function graphError(
    status: number,
    error:
      & { message: string; type?: string; code: number; error_subcode?: number }
      & Record<
        string,
        unknown
      >,
    headers: Record<string, string> = {},
  ) {
    return json(
      { error: { type: "OAuthException", fbtrace_id: crypto.randomUUID(), ...error } },
      status,
      headers,
    );
  }

  function usageHeader(accountId: string, regainMinutes = 0) {
    const calls = (usage.get(accountId) ?? 0) + 1;
    usage.set(accountId, calls);
    return {
      "x-business-use-case-usage": JSON.stringify({
        [accountId]: [{
          type: "ads_management",
          call_count: Math.min(100, calls),
          total_cputime: Math.min(100, Math.ceil(calls / 2)),
          total_time: Math.min(100, Math.ceil(calls / 2)),
          estimated_time_to_regain_access: regainMinutes,
        }],
      }),
    };
  }

  function tokenOf(request: Request, url: URL, form: URLSearchParams | null): string | null {
    const header = request.headers.get("authorization");
    if (header?.startsWith("Bearer ")) return header.slice(7);
    return url.searchParams.get("access_token") ?? form?.get("access_token") ?? null;
  }

  function page<Item>(items: Item[], url: URL) {
    const limit = Number(url.searchParams.get("limit") ?? fake.pageSize);
    const after = url.searchParams.get("after");
    const start = after ? Number(atob(after)) : 0;
    const slice = items.slice(start, start + limit);
    const end = start + slice.length;
    const paging: Record<string, unknown> = {
      cursors: { before: btoa(String(start)), after: btoa(String(end)) },
    };
    if (end < items.length) {
      const next = new URL(url);
      next.searchParams.set("after", btoa(String(end)));
      next.searchParams.delete("access_token");
      paging.next = next.toString();
    }
    return { data: slice, paging };
  }

  function campaignFields(campaign: MetaFakeCampaign) {
    const effective = campaign.status === "ACTIVE" &&
        campaign.stopTime && Date.parse(campaign.stopTime) < clock.now()
      ? "COMPLETED"
      : campaign.status;
    return {
      id: campaign.id,
      account_id: campaign.accountId,
      name: campaign.name,
      objective: campaign.objective,
      status: campaign.status,
      effective_status: effective,
      configured_status: campaign.status,
      ...(campaign.dailyBudget !== null ? { daily_budget: String(campaign.dailyBudget) } : {}),
      ...(campaign.lifetimeBudget !== null
        ? { lifetime_budget: String(campaign.lifetimeBudget) }
        : {}),
      ...(campaign.startTime ? { start_time: campaign.startTime } : {}),
      ...(campaign.stopTime ? { stop_time: campaign.stopTime } : {}),
      adlabels: campaign.adlabels.map((name, index) => ({ id: `${campaign.id}${index}`, name })),
      created_time: new Date(campaign.createdTime).toISOString(),
    };
  }

  function select(object: Record<string, unknown>, fields: string | null) {
    if (!fields) return { id: object.id, name: object.name };
    const names = fields.split(",").map((field) => field.trim().replace(/\{.*$/, ""));
    return Object.fromEntries(
      names.filter((name) => name in object).map((name) => [name, object[name]]),
    );
  }

  function invalid(message: string, userMessage = message) {
    return graphError(400, {
      message: `Invalid parameter`,
      code: 100,
      error_subcode: 1487_000,
      error_user_title: "Invalid parameter",
      error_user_msg: userMessage,
      extra: message,
    });
  }

  /** Applies campaign fields from a form; an error response when invalid. */
  function applyFields(
    campaign: MetaFakeCampaign,
    form: URLSearchParams,
    _account: MetaAccount,
  ): Response | null {
    const name = form.get("name");
    if (name !== null) {
      if (name.trim() === "") return invalid("name must not be empty");
      campaign.name = name;
    }
    for (
      const [key, field] of [["daily_budget", "dailyBudget"], [
        "lifetime_budget",
        "lifetimeBudget",
      ]] as const
    ) {
      const value = form.get(key);
      if (value === null) continue;
      if (!/^\d+$/.test(value)) {
        return invalid(`${key} must be an integer`, `${key} must be a whole number`);
      }
      const minimum = 100; // Meta's floor differs per currency; one figure keeps the fake simple
      if (Number(value) < minimum) {
        return invalid(
          `${key} too low`,
          `The budget must be at least ${minimum} in the account's currency offset.`,
        );
      }
      campaign[field] = Number(value);
    }
    const start = form.get("start_time");
    if (start !== null) campaign.startTime = start || null;
    const stop = form.get("stop_time");
    if (stop !== null) campaign.stopTime = stop || null;
    if (campaign.lifetimeBudget !== null && !campaign.stopTime) {
      return invalid("stop_time required", "A campaign with a lifetime budget needs an end date.");
    }
    const status = form.get("status");
    if (status !== null) {
      if (!["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"].includes(status)) {
        return invalid(`status ${status}`, `Status must be ACTIVE, PAUSED, ARCHIVED or DELETED.`);
      }
      if (
        campaign.status === "DELETED" || (campaign.status === "ARCHIVED" && status !== "DELETED")
      ) {
        return invalid("archived", "An archived campaign can only be deleted.");
      }
      campaign.status = status as MetaFakeCampaign["status"];
    }
    return null;
  }

  function recordState(campaign: MetaFakeCampaign) {
    campaign.history.push({
      at: clock.now(),
      active: campaign.status === "ACTIVE",
      daily: campaign.dailyBudget,
      lifetime: campaign.lifetimeBudget,
      startDate: campaign.startTime?.slice(0, 10) ?? null,
      endDate: campaign.stopTime?.slice(0, 10) ?? null,
    });
  }

  /** A campaign's daily insight rows for `params.time_range`, or an error answer. */
  function insightRows(campaign: MetaFakeCampaign, params: URLSearchParams) {
    const account = accounts.get(campaign.accountId)!;
    const range = JSON.parse(params.get("time_range") ?? "{}") as {
      since?: string;
      until?: string;
    };
    if (!range.since || !range.until) return invalid("time_range", "time_range is required");
    fake.rangesAsked.push(`${range.since}..${range.until}`);
    const offset = offsetOf(account.currency);
    const rows = [...deliveryByDay(campaign.id, campaign.history, account.timezone, clock.now(), {
      maxDailyFactor: 1.75,
      weeklyFactor: 7,
    })]
      .filter(([date]) => date >= range.since! && date <= range.until!)
      .map(([date, units]) => {
        const major = units / offset;
        const counts = countsFor(campaign.id, date, major);
        const decimals = offset === 1 ? 0 : 2;
        return {
          campaign_id: campaign.id,
          date_start: date,
          date_stop: date,
          impressions: String(counts.impressions),
          clicks: String(counts.clicks),
          spend: major.toFixed(decimals),
          actions: counts.conversions > 0
            ? [{ action_type: "purchase", value: String(counts.conversions) }]
            : undefined,
          action_values: counts.conversions > 0
            ? [{ action_type: "purchase", value: counts.revenueMajor.toFixed(decimals) }]
            : undefined,
        };
      });
    return { since: range.since, until: range.until, rows };
  }

  function insights(campaign: MetaFakeCampaign, url: URL) {
    const result = insightRows(campaign, url.searchParams);
    if (result instanceof Response) return result;
    return json(page(result.rows, url), 200, usageHeader(`${campaign.accountId}`));
  }

  function createReportRun(
    campaign: MetaFakeCampaign,
    form: URLSearchParams,
    fault: FakeFault | null,
  ) {
    const result = insightRows(campaign, form);
    if (result instanceof Response) return result;
    const run: ReportRun = {
      id: numericId(16),
      accountId: campaign.accountId,
      ...result,
      checks: 0,
      outcome: fault?.kind === "report_failed"
        ? "fail"
        : fault?.kind === "report_stuck"
        ? "stuck"
        : "complete",
    };
    reportRuns.set(run.id, run);
    fake.reportRuns += 1;
    return json({ report_run_id: run.id }, 200, usageHeader(campaign.accountId));
  }

  /** `GET /{report_run_id}`: each check moves the run one step on. */
  function reportRunStatus(run: ReportRun) {
    run.checks += 1;
    const share = Math.min(1, run.checks / Math.max(1, fake.reportChecks));
    const [status, percent] = run.outcome === "fail"
      ? ["Job Failed", Math.round(share * 50)]
      : run.outcome === "stuck"
      ? ["Job Running", 50]
      : share >= 1
      ? ["Job Completed", 100]
      : [run.checks === 1 ? "Job Started" : "Job Running", Math.round(share * 100)];
    return json(
      {
        id: run.id,
        account_id: run.accountId,
        async_status: status,
        async_percent_completion: percent,
        date_start: run.since,
        date_stop: run.until,
        time_ref: Math.floor(clock.now() / 1000),
        ...(status === "Job Completed" ? { time_completed: Math.floor(clock.now() / 1000) } : {}),
      },
      200,
      usageHeader(run.accountId),
    );
  }

  function reportRunInsights(run: ReportRun, url: URL) {
    if (run.outcome !== "complete" || run.checks < fake.reportChecks) {
      return invalid("report not ready", `Report run ${run.id} has not completed.`);
    }
    return json(page(run.rows, url), 200, usageHeader(run.accountId));
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const form = request.method === "POST" ? new URLSearchParams(await request.text()) : null;
    const path = url.pathname.replace(/^\/v\d+\.\d+/, "");

    if (path === "/dialog/oauth") {
      const redirect = url.searchParams.get("redirect_uri");
      if (url.searchParams.get("client_id") !== app.clientId || !redirect) {
        return json({ error: "invalid client" }, 400);
      }
      const code = crypto.randomUUID();
      codes.set(code, [...accounts.keys()]);
      const target = new URL(redirect);
      target.searchParams.set("code", code);
      const state = url.searchParams.get("state");
      if (state) target.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { location: target.toString() } });
    }
    if (path === "/oauth/access_token") {
      const params = form ?? url.searchParams;
      if (
        params.get("client_id") !== app.clientId || params.get("client_secret") !== app.clientSecret
      ) {
        return graphError(400, { message: "Error validating client secret.", code: 1 });
      }
      let granted: string[] | undefined;
      const exchanging = params.get("grant_type") === "fb_exchange_token";
      if (exchanging) {
        const held = tokens.get(params.get("fb_exchange_token") ?? "");
        // Only a token still valid can be exchanged; an expired one needs a new login.
        if (held && isExpired(held)) return expiredToken();
        granted = held?.accounts;
      } else {
        granted = codes.get(params.get("code") ?? "");
        codes.delete(params.get("code") ?? "");
      }
      if (!granted) {
        return graphError(400, {
          message: "This authorization code has been used.",
          code: 100,
          error_subcode: 36009,
        });
      }
      const expiresIn = exchanging ? LONG_LIVED_SECONDS : SHORT_LIVED_SECONDS;
      if (exchanging) fake.tokenExchanges += 1;
      return json({
        access_token: fake.issueToken(granted, expiresIn),
        token_type: "bearer",
        expires_in: expiresIn,
      });
    }

    const fault = faults.take(request);
    const accessToken = tokenOf(request, url, form);
    const token = accessToken ? tokens.get(accessToken) : undefined;
    if (fault?.kind === "expire_token" && token) token.expired = true;
    if (!token) {
      return graphError(400, {
        message: "Invalid OAuth access token - Cannot parse access token",
        code: 190,
      });
    }
    if (isExpired(token)) return expiredToken();
    if (fault?.kind === "rate_limit") {
      const minutes = Math.ceil((fault.retryAfterSeconds ?? 300) / 60);
      return graphError(400, {
        message: "(#80004) There have been too many calls to this ad-account.",
        code: 80004,
        error_subcode: 2446079,
        is_transient: true,
      }, usageHeader(token.accounts[0] ?? "0", minutes));
    }
    const failing = fault?.kind === "server_error" || fault?.kind === "timeout" ? fault : null;
    if (failing && !failing.applied) {
      return failing.kind === "timeout" ? hangUp(request) : serverError();
    }
    if (fake.insightsDelayMs > 0 && path.endsWith("/insights")) {
      await new Promise((resolve) => setTimeout(resolve, fake.insightsDelayMs));
    }
    const response = await route(request, url, path, form, token, fault);
    if (failing) return failing.kind === "timeout" ? hangUp(request) : serverError();
    return response;
  }

  function isExpired(token: Token): boolean {
    return token.expired || (token.expiresAt !== null && clock.now() >= token.expiresAt);
  }

  function expiredToken() {
    return graphError(400, {
      message: "Error validating access token: Session has expired.",
      code: 190,
      error_subcode: 463,
    });
  }

  function serverError() {
    return graphError(500, {
      message: "An unknown error occurred",
      code: 1,
      error_subcode: 99,
      is_transient: true,
    });
  }

  function route(
    request: Request,
    url: URL,
    path: string,
    form: URLSearchParams | null,
    token: Token,
    fault: FakeFault | null,
  ): Response {
    if (path === "/me/permissions" && request.method === "DELETE") {
      // Revoking the app's permissions ends the token (and every token of the grant).
      for (const [key, held] of tokens) if (held === token) tokens.delete(key);
      return json({ success: true });
    }
    if (path === "/me/adaccounts" && request.method === "GET") {
      const rows = token.accounts.map((id) => accounts.get(id)!).map((account) => ({
        id: `act_${account.id}`,
        account_id: account.id,
        name: account.name,
        currency: account.currency,
        timezone_name: account.timezone,
        account_status: 1,
      }));
      return json(
        { ...page(rows.map((row) => select(row, url.searchParams.get("fields"))), url) },
      );
    }
    const edge = /^\/act_(\d+)\/campaigns$/.exec(path);
    if (edge) {
      const account = accounts.get(edge[1]);
      if (!account || !token.accounts.includes(account.id)) {
        return graphError(403, {
          message: "(#200) Ad account owner has NOT grant ads_management permission",
          code: 200,
          type: "OAuthException",
        });
      }
      return request.method === "POST"
        ? createCampaign(account, form!)
        : listCampaigns(account, url);
    }
    const object = /^\/(\d+)(\/insights)?$/.exec(path);
    const run = object ? reportRuns.get(object[1]) : undefined;
    if (run) {
      if (!token.accounts.includes(run.accountId)) {
        return graphError(403, { message: "(#10) Permission denied", code: 10 });
      }
      return object![2] ? reportRunInsights(run, url) : reportRunStatus(run);
    }
    const campaign = object ? campaigns.get(object[1]) : undefined;
    if (!campaign || campaign.status === "DELETED" && request.method !== "GET") {
      return graphError(400, {
        message:
          `Unsupported ${request.method.toLowerCase()} request. Object with ID '${object?.[1]}' ` +
          "does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        code: 100,
        error_subcode: 33,
        type: "GraphMethodException",
      });
    }
    if (!token.accounts.includes(campaign.accountId)) {
      return graphError(403, { message: "(#10) Permission denied", code: 10 });
    }
    if (object![2]) {
      return request.method === "POST"
        ? createReportRun(campaign, form!, fault)
        : insights(campaign, url);
    }
    if (request.method === "GET") {
      return json(select(campaignFields(campaign), url.searchParams.get("fields")), 200, {
        ...usageHeader(campaign.accountId),
      });
    }
    const account = accounts.get(campaign.accountId)!;
    const draft = structuredClone(campaign);
    const error = applyFields(draft, form!, account);
    if (error) return error;
    if (validateOnly(form!)) return json({ success: true });
    Object.assign(campaign, draft);
    campaign.updates += 1;
    recordState(campaign);
    return json({ success: true }, 200, usageHeader(campaign.accountId));
  }

  function validateOnly(form: URLSearchParams): boolean {
    return (form.get("execution_options") ?? "").includes("validate_only");
  }

  function createCampaign(account: MetaAccount, form: URLSearchParams): Response {
    if (!form.get("name")) return invalid("name required", "The campaign needs a name.");
    const objective = form.get("objective") ?? "";
    if (!objective.startsWith("OUTCOME_")) {
      return invalid("objective", `Objective ${objective} is invalid; use an OUTCOME_ objective.`);
    }
    if (form.get("special_ad_categories") === null) {
      return invalid("special_ad_categories", "special_ad_categories is required (may be []).");
    }
    const campaign: MetaFakeCampaign = {
      id: numericId(18),
      accountId: account.id,
      name: "",
      objective,
      status: "PAUSED",
      dailyBudget: null,
      lifetimeBudget: null,
      startTime: null,
      stopTime: null,
      adlabels: (JSON.parse(form.get("adlabels") ?? "[]") as { name: string }[]).map((label) =>
        label.name
      ),
      createdTime: clock.now(),
      history: [],
      updates: 0,
    };
    if (form.get("daily_budget") === null && form.get("lifetime_budget") === null) {
      return invalid("budget", "Set a daily_budget or lifetime_budget on the campaign.");
    }
    const error = applyFields(campaign, form, account);
    if (error) return error;
    if (validateOnly(form)) return json({ success: true });
    campaigns.set(campaign.id, campaign);
    fake.creates += 1;
    recordState(campaign);
    return json({ id: campaign.id }, 200, usageHeader(account.id));
  }

  function listCampaigns(account: MetaAccount, url: URL): Response {
    const filtering = JSON.parse(url.searchParams.get("filtering") ?? "[]") as {
      field: string;
      operator: string;
      value: unknown;
    }[];
    const rows = [...campaigns.values()]
      .filter((campaign) => campaign.accountId === account.id && campaign.status !== "DELETED")
      .filter((campaign) =>
        filtering.every((filter) => {
          const value = campaignFields(campaign)[filter.field as "name"];
          if (filter.operator === "EQUAL") return value === filter.value;
          if (filter.operator === "CONTAIN") return String(value).includes(String(filter.value));
          if (filter.operator === "IN") return (filter.value as unknown[]).includes(value);
          return true;
        })
      )
      .map((campaign) => select(campaignFields(campaign), url.searchParams.get("fields")));
    return json(page(rows, url), 200, usageHeader(account.id));
  }

  const served = serveFake(handle, options.port);
  const fake: MetaFake = {
    url: served.url,
    clock,
    faults,
    campaigns,
    creates: 0,
    pageSize: 25,
    insightsDelayMs: 0,
    reportChecks: 1,
    reportRuns: 0,
    tokenExchanges: 0,
    rangesAsked: [],
    app,
    addAccount({ name, currency, timezone }) {
      const id = numericId(15);
      accounts.set(id, { id, name: name ?? `Fake Meta ${currency}`, currency, timezone });
      return id;
    },
    issueToken(granted, expiresInSeconds) {
      const token = `EAAfake${crypto.randomUUID().replaceAll("-", "")}`;
      const expiresAt = expiresInSeconds === undefined
        ? null
        : clock.now() + expiresInSeconds * 1000;
      tokens.set(token, { accounts: [...granted], expired: false, expiresAt });
      return token;
    },
    seedCampaign(accountId, { name, dailyBudget, activeSince }) {
      const at = activeSince ?? clock.now();
      const id = numericId(17);
      campaigns.set(id, {
        id,
        accountId,
        name,
        objective: "OUTCOME_TRAFFIC",
        status: "ACTIVE",
        dailyBudget,
        lifetimeBudget: null,
        startTime: null,
        stopTime: null,
        adlabels: [],
        createdTime: at,
        history: [{
          at,
          active: true,
          daily: dailyBudget,
          lifetime: null,
          startDate: null,
          endDate: null,
        }],
        updates: 0,
      });
      return id;
    },
    close: served.close,
  };
  return fake;
}
