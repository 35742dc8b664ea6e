/**
 * The TikTok Marketing API (v1.3) adapter, over `fetch` with zod-validated answers.
 *
 * - Money: amounts in the currency's own unit (`units.ts`); spend read from decimal strings.
 * - Statuses: `operation_status` ENABLE / DISABLE / DELETE via `campaign/status/update/`.
 * - Errors: TikTok answers HTTP 200 with a non-zero `code`: 40102 → token expired (refresh once,
 *   then reconnect), 40001/40104/40105 → reconnect, 40100 → rate limit (TikTok names no wait:
 *   a minute), other 4xxxx → the platform's message as a 422, 5xxxx → temporary.
 * - Creates carry TikTok's `request_id` (derived from the request key), which deduplicates them,
 *   so a create may be repeated safely.
 * - Metrics: the synchronous `report/integrated/get/` by `stat_time_day`, which TikTok serves
 *   for at most 30 days a request: longer ranges are read in 30-day windows. (TikTok's async
 *   report tasks exist for heavy reports; one campaign's daily rows are not one.)
 * - No validate-only mode exists, so `validateChange` is absent.
 *
 * @module
 */
import { z } from "zod";
import { PlatformError } from "../errors.ts";
import type {
  PlatformAccount,
  PlatformAdapter,
  PlatformCampaign,
  PlatformCampaignState,
} from "./adapter.ts";
import { withTokens } from "./credentials.ts";
import { addDays, minDate } from "../dates.ts";
import {
  type Classifier,
  createMarker,
  httpPolicy,
  joinUrl,
  type PlatformRequest,
  type RemoteAdapterOptions,
  sendRequest,
} from "./http.ts";
import {
  fromTikTokStatus,
  majorToMinor,
  minorToTikTok,
  TIKTOK_OBJECTIVE,
  TIKTOK_STATUS,
} from "./units.ts";

const PLATFORM = "TikTok";
const THROTTLE_MS = 60_000;
const PAGE_SIZE = 100;
/** Longest range TikTok reports by `stat_time_day` in one request. */
const MAX_REPORT_DAYS = 30;

/** Options of the TikTok adapter. */
export type TikTokAdapterOptions = RemoteAdapterOptions;

const envelope = z.object({
  code: z.number(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** Reads a TikTok answer (HTTP 200 with a `code` in the body, errors included). */
export const classifyTikTok: Classifier = ({ status, body }) => {
  if (status >= 500) return { kind: "transient", message: `HTTP ${status}` };
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { kind: "failed", message: `HTTP ${status}: unexpected answer` };
  const { code, message } = parsed.data;
  if (code === 0) return null;
  if (code === 40102) return { kind: "auth", message, tokenExpired: true };
  if (code === 40001 || code === 40104 || code === 40105) {
    return { kind: "auth", message, tokenExpired: false };
  }
  if (code === 40100) return { kind: "rate_limit", message, retryAfterMs: THROTTLE_MS };
  if (code >= 50000) return { kind: "transient", message };
  return { kind: "validation", message };
};

const pageInfo = z.object({ page: z.number(), total_page: z.number() });
const campaignSchema = z.object({
  campaign_id: z.string(),
  campaign_name: z.string(),
  budget_mode: z.string(),
  budget: z.number(),
  operation_status: z.string(),
  secondary_status: z.string().optional(),
});
const reportRow = z.object({
  dimensions: z.object({ stat_time_day: z.string() }),
  metrics: z.record(z.string(), z.string()),
});

/** TikTok's `request_id`: an int64 from the request key (or random). */
function requestIdFor(requestKey: string | undefined): string {
  return BigInt(`0x${createMarker(requestKey).slice(0, 15)}`).toString();
}

/** Creates the TikTok adapter. */
export function createTikTokAdapter(options: TikTokAdapterOptions): PlatformAdapter {
  const policy = httpPolicy(options.http);

  function call<Data extends z.ZodType>(
    stored: string | null,
    request: Omit<PlatformRequest, "url" | "headers"> & { path: string; query?: Query },
    data: Data,
  ): Promise<z.infer<Data>> {
    return withTokens(PLATFORM, options.credentials, stored, async (tokens) => {
      const url = joinUrl(options.baseUrl, `/open_api/v1.3${request.path}`);
      for (const [key, value] of Object.entries(request.query ?? {})) {
        url.searchParams.set(key, value);
      }
      const answer = await sendRequest(
        PLATFORM,
        { ...request, url, headers: { "access-token": tokens.accessToken } },
        classifyTikTok,
        z.object({ data }),
        policy,
      ) as { data: z.infer<Data> };
      return answer.data;
    });
  }

  async function pages<Item extends z.ZodType>(
    stored: string | null,
    path: string,
    query: Query,
    item: Item,
  ): Promise<z.infer<Item>[]> {
    const items: z.infer<Item>[] = [];
    for (let page = 1;; page++) {
      const data = await call(stored, {
        method: "GET",
        path,
        query: { ...query, page: String(page), page_size: String(PAGE_SIZE) },
        repeatable: true,
      }, z.object({ list: z.array(item), page_info: pageInfo }));
      items.push(...data.list);
      if (data.page_info.page >= data.page_info.total_page) return items;
    }
  }

  function setStatus(account: PlatformAccount, campaign: PlatformCampaign, status: string) {
    return call(account.credentials, {
      method: "POST",
      path: "/campaign/status/update/",
      body: {
        advertiser_id: account.externalAccountId,
        campaign_ids: [campaign.externalId],
        operation_status: status,
      },
      repeatable: true,
    }, z.unknown()).then(() => undefined);
  }

  /** One campaign's daily report rows for a range of at most `MAX_REPORT_DAYS`. */
  function reportRows(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    from: string,
    to: string,
  ) {
    return pages(account.credentials, "/report/integrated/get/", {
      advertiser_id: account.externalAccountId,
      report_type: "BASIC",
      data_level: "AUCTION_CAMPAIGN",
      dimensions: JSON.stringify(["campaign_id", "stat_time_day"]),
      metrics: JSON.stringify([
        "spend",
        "impressions",
        "clicks",
        "conversion",
        "total_complete_payment_rate",
      ]),
      start_date: from,
      end_date: to,
      filtering: JSON.stringify([{
        field_name: "campaign_ids",
        filter_type: "IN",
        filter_value: JSON.stringify([campaign.externalId]),
      }]),
    }, reportRow);
  }

  function toState(
    row: z.infer<typeof campaignSchema>,
    currency: string,
  ): PlatformCampaignState {
    return {
      externalId: row.campaign_id,
      name: row.campaign_name,
      status: fromTikTokStatus(row.operation_status),
      platformStatus: row.secondary_status ?? row.operation_status,
      budgetType: row.budget_mode === "BUDGET_MODE_TOTAL" ? "lifetime" : "daily",
      budgetAmountMinor: majorToMinor(row.budget, currency),
      startDate: null,
      endDate: null,
    };
  }

  function listCampaigns(account: PlatformAccount, ids?: string[]) {
    return pages(account.credentials, "/campaign/get/", {
      advertiser_id: account.externalAccountId,
      ...(ids ? { filtering: JSON.stringify({ campaign_ids: ids }) } : {}),
    }, campaignSchema).then((rows) => rows.map((row) => toState(row, account.currency)));
  }

  return {
    platform: "tiktok",

    connectAccount() {
      return Promise.reject(
        new PlatformError("TikTok ad accounts are connected by signing in with TikTok"),
      );
    },

    async listAdAccounts(credentials) {
      const granted = await call(credentials, {
        method: "GET",
        path: "/oauth2/advertiser/get/",
        repeatable: true,
      }, z.object({ list: z.array(z.object({ advertiser_id: z.string() })) }));
      if (granted.list.length === 0) return [];
      const info = await call(
        credentials,
        {
          method: "GET",
          path: "/advertiser/info/",
          query: { advertiser_ids: JSON.stringify(granted.list.map((row) => row.advertiser_id)) },
          repeatable: true,
        },
        z.object({
          list: z.array(z.object({
            advertiser_id: z.string(),
            name: z.string(),
            currency: z.string(),
            timezone: z.string(),
          })),
        }),
      );
      return info.list.map((row) => ({
        externalAccountId: row.advertiser_id,
        name: row.name,
        currency: row.currency,
        timezone: row.timezone,
      }));
    },

    async createCampaign(account, spec, requestKey) {
      const created = await call(account.credentials, {
        method: "POST",
        path: "/campaign/create/",
        body: {
          advertiser_id: account.externalAccountId,
          request_id: requestIdFor(requestKey),
          campaign_name: spec.name,
          objective_type: TIKTOK_OBJECTIVE[spec.objective],
          budget_mode: spec.budgetType === "daily" ? "BUDGET_MODE_DAY" : "BUDGET_MODE_TOTAL",
          budget: minorToTikTok(spec.budgetAmountMinor, account.currency),
          operation_status: TIKTOK_STATUS.draft,
        },
        // TikTok deduplicates by request_id, so repeating the same body is safe.
        repeatable: true,
      }, z.object({ campaign_id: z.string() }));
      return { externalId: created.campaign_id };
    },

    async updateCampaign(account, campaign) {
      await call(account.credentials, {
        method: "POST",
        path: "/campaign/update/",
        body: {
          advertiser_id: account.externalAccountId,
          campaign_id: campaign.externalId,
          campaign_name: campaign.name,
          budget: minorToTikTok(campaign.budgetAmountMinor, account.currency),
        },
        repeatable: true,
      }, z.unknown());
    },

    pauseCampaign: (account, campaign) => setStatus(account, campaign, TIKTOK_STATUS.paused),
    resumeCampaign: (account, campaign) => setStatus(account, campaign, TIKTOK_STATUS.active),
    archiveCampaign: (account, campaign) => setStatus(account, campaign, TIKTOK_STATUS.archived),

    listCampaigns: (account) => listCampaigns(account),

    async getCampaign(account, externalId) {
      const [found] = await listCampaigns(account, [externalId]);
      if (!found) throw new PlatformError(`TikTok has no campaign ${externalId}`);
      return found;
    },

    async fetchDailyMetrics(account, campaign, { from, to }) {
      const rows = [];
      for (let start = from; start <= to; start = addDays(start, MAX_REPORT_DAYS)) {
        const end = minDate(addDays(start, MAX_REPORT_DAYS - 1), to);
        rows.push(...await reportRows(account, campaign, start, end));
      }
      return rows.map((row) => ({
        date: row.dimensions.stat_time_day.slice(0, 10),
        impressions: Number(row.metrics.impressions ?? 0),
        clicks: Number(row.metrics.clicks ?? 0),
        spendMinor: majorToMinor(row.metrics.spend ?? "0", account.currency),
        conversions: Math.round(Number(row.metrics.conversion ?? 0)),
        revenueMinor: majorToMinor(
          row.metrics.total_complete_payment_rate ?? "0",
          account.currency,
        ),
      })).sort((left, right) => left.date.localeCompare(right.date));
    },
  };
}

type Query = Record<string, string>;
