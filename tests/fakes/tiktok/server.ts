/**
 * A faithful local fake of the TikTok API for Business (Marketing API v1.3). It follows these
 * sections of TikTok's public documentation:
 *
 * - "API overview / Response structure": every answer is HTTP 200 with `{code, message,
 *   request_id, data}`; `code` 0 is success. Codes used here: 40001 (no permission), 40002
 *   (invalid parameter), 40100 (too many requests), 40102 (access token expired), 40105 (access
 *   token invalid), 50000 (system error). Calls authenticate with the `Access-Token` header.
 * - "Campaign": `GET campaign/get/` (`advertiser_id`, `filtering`, `page`, `page_size`,
 *   `page_info {page, page_size, total_number, total_page}`), `POST campaign/create/` (with
 *   `request_id` deduplicating creates, `budget_mode` BUDGET_MODE_DAY / BUDGET_MODE_TOTAL,
 *   `budget` in the currency's unit, `operation_status`), `POST campaign/update/`,
 *   `POST campaign/status/update/` (`operation_status` ENABLE / DISABLE / DELETE).
 * - "Reporting / Synchronous reports": `GET report/integrated/get/` with `report_type=BASIC`,
 *   `data_level=AUCTION_CAMPAIGN`, dimensions `campaign_id` + `stat_time_day`, metrics as strings,
 *   days in the advertiser's time zone, at most 30 days per request with `stat_time_day`.
 * - "Authentication": the `/portal/auth` consent screen (granted at once, answering `auth_code`
 *   and `state`), `POST oauth2/revoke_token/`, `POST oauth2/access_token/` (auth code → long-lived token and
 *   `advertiser_ids`), `GET oauth2/advertiser/get/`, `GET advertiser/info/` (currency, timezone).
 *
 * Simplified: no ad groups or ads; delivery never exceeds the daily budget. The asynchronous
 * report tasks (`report/task/create/`, `report/task/check/`, download) are not reproduced: the
 * adapter reads daily campaign metrics, which the synchronous endpoint serves for up to 30 days
 * a request, so longer ranges are split there instead.
 *
 * @module
 */
import { daysBetween } from "../../../domain/dates.ts";
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

const ZERO_DECIMAL = new Set(["JPY", "KRW"]);
/** Longest range of one synchronous report by day. */
const MAX_DAILY_REPORT_DAYS = 30;

interface Advertiser {
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

/** A campaign as the fake stores it. */
export interface TikTokFakeCampaign {
  id: string;
  advertiserId: string;
  name: string;
  objective: string;
  budgetMode: "BUDGET_MODE_DAY" | "BUDGET_MODE_TOTAL";
  /** In the currency's unit, as sent. */
  budget: number;
  status: "ENABLE" | "DISABLE" | "DELETE";
  createTime: number;
  history: DeliveryState[];
  updates: number;
}

/** A running fake TikTok Marketing API. */
export interface TikTokFake {
  url: string;
  clock: FakeClock;
  faults: FaultPlan;
  campaigns: Map<string, TikTokFakeCampaign>;
  creates: number;
  /** Largest `page_size` answered (TikTok's is 1000; tests lower it to see pagination). */
  pageSize: number;
  readonly app: { appId: string; secret: string };
  addAdvertiser(advertiser: { name?: string; currency: string; timezone: string }): string;
  issueToken(advertisers: string[]): string;
  /** An auth code the token endpoint exchanges (the consent screen is the e2e's business). */
  issueAuthCode(advertisers: string[]): string;
  /**
   * Adds an ENABLE campaign with a daily budget (currency units) that has delivered since
   * `activeSince` (epoch ms; default: now), as if made on TikTok before the app saw it.
   */
  seedCampaign(
    advertiserId: string,
    campaign: { name: string; dailyBudget: number; activeSince?: number },
  ): string;
  close(): Promise<void>;
}

/** Starts a fake TikTok Marketing API. */
export function startTikTokFake(options: { port?: number; clock?: FakeClock } = {}): TikTokFake {
  const clock = options.clock ?? new FakeClock();
  const faults = new FaultPlan();
  const advertisers = new Map<string, Advertiser>();
  const tokens = new Map<string, { advertisers: string[]; expired: boolean }>();
  const codes = new Map<string, string[]>();
  const campaigns = new Map<string, TikTokFakeCampaign>();
  const requestIds = new Map<string, string>();
  const app = { appId: "7000000000000000001", secret: "tiktok-fake-secret" };

  const answer = (code: number, message: string, data: unknown = {}) =>
    json({ code, message, request_id: crypto.randomUUID().replaceAll("-", ""), data });
  const ok = (data: unknown) => answer(0, "OK", data);
  const invalid = (message: string) => answer(40002, message);

  function page<Item>(items: Item[], params: URLSearchParams) {
    const size = Math.min(Number(params.get("page_size") ?? 10), fake.pageSize);
    const current = Number(params.get("page") ?? 1);
    return {
      list: items.slice((current - 1) * size, current * size),
      page_info: {
        page: current,
        page_size: size,
        total_number: items.length,
        total_page: Math.ceil(items.length / size),
      },
    };
  }

  function view(campaign: TikTokFakeCampaign) {
    return {
      campaign_id: campaign.id,
      advertiser_id: campaign.advertiserId,
      campaign_name: campaign.name,
      objective_type: campaign.objective,
      budget_mode: campaign.budgetMode,
      budget: campaign.budget,
      operation_status: campaign.status,
      secondary_status: campaign.status === "DELETE"
        ? "CAMPAIGN_STATUS_DELETE"
        : campaign.status === "ENABLE"
        ? "CAMPAIGN_STATUS_ENABLE"
        : "CAMPAIGN_STATUS_DISABLE",
      create_time: new Date(campaign.createTime).toISOString().replace("T", " ").slice(0, 19),
    };
  }

  function record(campaign: TikTokFakeCampaign) {
    const units = toUnits(campaign.budget, advertisers.get(campaign.advertiserId)!.currency);
    campaign.history.push({
      at: clock.now(),
      active: campaign.status === "ENABLE",
      daily: campaign.budgetMode === "BUDGET_MODE_DAY" ? units : null,
      lifetime: campaign.budgetMode === "BUDGET_MODE_TOTAL" ? units : null,
      startDate: null,
      endDate: null,
    });
  }

  function checkBudget(budget: unknown, currency: string): string | null {
    if (typeof budget !== "number" || !(budget > 0)) return "budget must be a positive number";
    const minimum = ZERO_DECIMAL.has(currency) ? 5_000 : 20;
    if (budget < minimum) return `Campaign budget must be at least ${minimum} ${currency}.`;
    return null;
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/open_api\/v1\.3/, "");
    const body = request.method === "POST"
      ? await request.json().catch(() => ({})) as Record<string, unknown>
      : {};

    if (url.pathname === "/portal/auth") {
      // The advertiser's consent screen, granted at once for every advertiser of the fake.
      const redirect = url.searchParams.get("redirect_uri");
      if (url.searchParams.get("app_id") !== app.appId || !redirect) {
        return answer(40001, "app_id is invalid");
      }
      const target = new URL(redirect);
      target.searchParams.set("auth_code", fake.issueAuthCode([...advertisers.keys()]));
      const state = url.searchParams.get("state");
      if (state) target.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { location: target.toString() } });
    }
    if (path === "/oauth2/revoke_token/") {
      if (body.app_id !== app.appId || body.secret !== app.secret) {
        return answer(40001, "app_id or secret is invalid");
      }
      const known = tokens.delete(String(body.access_token));
      return known ? ok({}) : answer(40105, "The access token is invalid or has been revoked.");
    }
    if (path === "/oauth2/access_token/") {
      if (body.app_id !== app.appId || body.secret !== app.secret) {
        return answer(40001, "app_id or secret is invalid");
      }
      const granted = codes.get(String(body.auth_code));
      codes.delete(String(body.auth_code));
      if (!granted) return answer(40002, "auth_code is invalid or has been used");
      return ok({
        access_token: fake.issueToken(granted),
        advertiser_ids: granted,
        scope: [4, 5, 6],
      });
    }

    const fault = faults.take(request);
    const token = tokens.get(request.headers.get("access-token") ?? "");
    if (fault?.kind === "expire_token" && token) token.expired = true;
    if (!token) return answer(40105, "The access token is invalid or has been revoked.");
    if (token.expired) return answer(40102, "Access token has expired.");
    if (fault?.kind === "rate_limit") {
      return answer(40100, "Requests made too frequently. Please try again later.");
    }
    const failing = fault?.kind === "server_error" || fault?.kind === "timeout" ? fault : null;
    if (failing && !failing.applied) {
      return failing.kind === "timeout" ? hangUp(request) : answer(50000, "System error");
    }
    const response = route(request, url, path, body, token.advertisers);
    if (failing) {
      return failing.kind === "timeout" ? hangUp(request) : answer(50000, "System error");
    }
    return response;
  }

  function route(
    request: Request,
    url: URL,
    path: string,
    body: Record<string, unknown>,
    granted: string[],
  ): Response {
    const params = url.searchParams;
    if (path === "/oauth2/advertiser/get/") {
      return ok({
        list: granted.map((id) => ({
          advertiser_id: id,
          advertiser_name: advertisers.get(id)!.name,
        })),
      });
    }
    if (path === "/advertiser/info/") {
      const ids = JSON.parse(params.get("advertiser_ids") ?? "[]") as string[];
      return ok({
        list: ids.filter((id) => granted.includes(id)).map((id) => advertisers.get(id)!).map((
          advertiser,
        ) => ({
          advertiser_id: advertiser.id,
          name: advertiser.name,
          currency: advertiser.currency,
          timezone: advertiser.timezone,
          display_timezone: advertiser.timezone,
        })),
      });
    }
    const advertiserId = String(
      request.method === "GET" ? params.get("advertiser_id") : body.advertiser_id,
    );
    const advertiser = advertisers.get(advertiserId);
    if (!advertiser || !granted.includes(advertiserId)) {
      return answer(40001, "No permission to operate this advertiser.");
    }
    if (path === "/campaign/get/") {
      const filtering = JSON.parse(params.get("filtering") ?? "{}") as { campaign_ids?: string[] };
      const rows = [...campaigns.values()].filter((campaign) =>
        campaign.advertiserId === advertiserId &&
        (!filtering.campaign_ids || filtering.campaign_ids.includes(campaign.id))
      ).map(view);
      return ok(page(rows, params));
    }
    if (path === "/campaign/create/") return create(advertiser, body);
    if (path === "/campaign/update/") {
      const campaign = campaigns.get(String(body.campaign_id));
      if (!campaign || campaign.advertiserId !== advertiserId || campaign.status === "DELETE") {
        return invalid("campaign_id does not exist");
      }
      if (body.budget !== undefined) {
        const problem = checkBudget(body.budget, advertiser.currency);
        if (problem) return invalid(problem);
        campaign.budget = body.budget as number;
      }
      if (typeof body.campaign_name === "string") campaign.name = body.campaign_name;
      campaign.updates += 1;
      record(campaign);
      return ok({ campaign_id: campaign.id });
    }
    if (path === "/campaign/status/update/") {
      const status = String(body.operation_status);
      if (!["ENABLE", "DISABLE", "DELETE"].includes(status)) {
        return invalid("operation_status must be ENABLE, DISABLE or DELETE");
      }
      const ids = (body.campaign_ids ?? []) as string[];
      for (const id of ids) {
        const campaign = campaigns.get(id);
        if (!campaign || campaign.advertiserId !== advertiserId) {
          return invalid(`campaign_id ${id} does not exist`);
        }
        if (campaign.status === "DELETE") continue;
        campaign.status = status as TikTokFakeCampaign["status"];
        campaign.updates += 1;
        record(campaign);
      }
      return ok({ campaign_ids: ids });
    }
    if (path === "/report/integrated/get/") return report(advertiser, params);
    return answer(40002, `unknown endpoint ${path}`);
  }

  function create(advertiser: Advertiser, body: Record<string, unknown>): Response {
    const requestId = body.request_id === undefined ? null : String(body.request_id);
    const known = requestId ? requestIds.get(requestId) : undefined;
    if (known) return ok({ campaign_id: known });
    if (typeof body.campaign_name !== "string" || body.campaign_name === "") {
      return invalid("campaign_name is required");
    }
    if (!["BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL"].includes(String(body.budget_mode))) {
      return invalid("budget_mode is invalid");
    }
    const problem = checkBudget(body.budget, advertiser.currency);
    if (problem) return invalid(problem);
    const campaign: TikTokFakeCampaign = {
      id: numericId(19),
      advertiserId: advertiser.id,
      name: body.campaign_name,
      objective: String(body.objective_type),
      budgetMode: body.budget_mode as TikTokFakeCampaign["budgetMode"],
      budget: body.budget as number,
      status: body.operation_status === "DISABLE" ? "DISABLE" : "ENABLE",
      createTime: clock.now(),
      history: [],
      updates: 0,
    };
    campaigns.set(campaign.id, campaign);
    if (requestId) requestIds.set(requestId, campaign.id);
    fake.creates += 1;
    record(campaign);
    return ok({ campaign_id: campaign.id });
  }

  function report(advertiser: Advertiser, params: URLSearchParams): Response {
    const start = params.get("start_date");
    const end = params.get("end_date");
    if (!start || !end || params.get("data_level") !== "AUCTION_CAMPAIGN") {
      return invalid("start_date, end_date and data_level=AUCTION_CAMPAIGN are required");
    }
    if (daysBetween(start, end) + 1 > MAX_DAILY_REPORT_DAYS) {
      return invalid(
        `The time range cannot exceed ${MAX_DAILY_REPORT_DAYS} days when stat_time_day is a dimension`,
      );
    }
    const filtering = JSON.parse(params.get("filtering") ?? "[]") as {
      field_name: string;
      filter_value: string;
    }[];
    const wanted = filtering.find((filter) => filter.field_name === "campaign_ids");
    const ids = wanted ? JSON.parse(wanted.filter_value) as string[] : null;
    const perMajor = ZERO_DECIMAL.has(advertiser.currency) ? 1 : 100;
    const rows = [...campaigns.values()]
      .filter((campaign) => campaign.advertiserId === advertiser.id)
      .filter((campaign) => !ids || ids.includes(campaign.id))
      .flatMap((campaign) =>
        [...deliveryByDay(campaign.id, campaign.history, advertiser.timezone, clock.now(), {
          maxDailyFactor: 1,
          weeklyFactor: null,
        })]
          .filter(([date]) => date >= start && date <= end)
          .map(([date, units]) => {
            const major = units / perMajor;
            const counts = countsFor(campaign.id, date, major);
            const decimals = perMajor === 1 ? 0 : 2;
            return {
              dimensions: { campaign_id: campaign.id, stat_time_day: `${date} 00:00:00` },
              metrics: {
                spend: major.toFixed(decimals),
                impressions: String(counts.impressions),
                clicks: String(counts.clicks),
                conversion: String(counts.conversions),
                total_complete_payment_rate: counts.revenueMajor.toFixed(decimals),
              },
            };
          })
      );
    return ok(page(rows, params));
  }

  function toUnits(budget: number, currency: string): number {
    return Math.round(budget * (ZERO_DECIMAL.has(currency) ? 1 : 100));
  }

  const served = serveFake(handle, options.port);
  const fake: TikTokFake = {
    url: served.url,
    clock,
    faults,
    campaigns,
    creates: 0,
    pageSize: 1000,
    app,
    addAdvertiser({ name, currency, timezone }) {
      const id = numericId(19);
      advertisers.set(id, { id, name: name ?? `Fake TikTok ${currency}`, currency, timezone });
      return id;
    },
    issueToken(granted) {
      const token = crypto.randomUUID().replaceAll("-", "");
      tokens.set(token, { advertisers: [...granted], expired: false });
      return token;
    },
    issueAuthCode(granted) {
      const code = crypto.randomUUID();
      codes.set(code, [...granted]);
      return code;
    },
    seedCampaign(advertiserId, { name, dailyBudget, activeSince }) {
      const at = activeSince ?? clock.now();
      const campaign: TikTokFakeCampaign = {
        id: numericId(19),
        advertiserId,
        name,
        objective: "TRAFFIC",
        budgetMode: "BUDGET_MODE_DAY",
        budget: dailyBudget,
        status: "ENABLE",
        createTime: at,
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
