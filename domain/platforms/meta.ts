/**
 * The Meta Marketing API adapter (Graph API; campaigns under `act_{id}`), over `fetch` with
 * zod-validated answers.
 *
 * - Money: budgets in Meta's currency offset, spend read from decimal strings (`units.ts`).
 * - Statuses: ACTIVE / PAUSED / ARCHIVED (DELETED reads as archived); drafts wait PAUSED.
 * - Errors: code 190 (102) → reconnect, after one token refresh when 190/463 (expired); codes 4,
 *   17, 32, 613 and 80000–80014 → rate limit, waiting the `X-Business-Use-Case-Usage` header's
 *   `estimated_time_to_regain_access`; code 100 → the platform's `error_user_msg` as a 422.
 * - Insights: a range of `ASYNC_REPORT_MIN_DAYS` or more (the backfill's chunks) is fetched
 *   through an async report run (`POST /{campaign}/insights` → `report_run_id`, its
 *   `async_status` checked with backoff, rows read from `/{report_run_id}/insights`); shorter
 *   ranges read the insights edge directly.
 * - Creates: the Graph API has no idempotency key, so each create carries an ad label with a
 *   marker from the request key; before a create is repeated (a keyed repeat, or a retry after
 *   an answer was lost) the account's campaigns are searched for that marker.
 *
 * @module
 */
import { z } from "zod";
import { PlatformError } from "../errors.ts";
import type {
  PlatformAccount,
  PlatformAccountSummary,
  PlatformAdapter,
  PlatformCampaign,
  PlatformCampaignSpec,
  PlatformCampaignState,
  PlatformDailyMetrics,
} from "./adapter.ts";
import { withTokens } from "./credentials.ts";
import { daysBetween } from "../dates.ts";
import {
  ASYNC_REPORT_MIN_DAYS,
  awaitReportJob,
  DEFAULT_REPORT_POLLING,
  type ReportJobState,
} from "./report_jobs.ts";
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
  fromMetaStatus,
  majorToMinor,
  META_OBJECTIVE,
  META_STATUS,
  metaToMinor,
  minorToMeta,
} from "./units.ts";

const PLATFORM = "Meta";
/** Attempts of one create (each after a read-back found nothing). */
const CREATE_ATTEMPTS = 3;
/** Wait when Meta throttles without saying for how long. */
const DEFAULT_THROTTLE_MS = 60_000;
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const CAMPAIGN_FIELDS =
  "id,name,status,effective_status,daily_budget,lifetime_budget,start_time,stop_time,adlabels";

/** Options of the Meta adapter. */
export interface MetaAdapterOptions extends RemoteAdapterOptions {
  /** Graph API version path, e.g. `v24.0`. */
  apiVersion: string;
}

const errorSchema = z.object({
  error: z.object({
    message: z.string(),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
  }),
});

const pagingSchema = z.object({
  cursors: z.object({ after: z.string().optional() }).optional(),
  next: z.string().optional(),
}).optional();

const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  effective_status: z.string().optional(),
  daily_budget: z.string().optional(),
  lifetime_budget: z.string().optional(),
  start_time: z.string().optional(),
  stop_time: z.string().optional(),
  adlabels: z.array(z.object({ name: z.string() })).optional(),
});

const insightSchema = z.object({
  date_start: z.string(),
  impressions: z.string().optional(),
  clicks: z.string().optional(),
  spend: z.string().optional(),
  actions: z.array(z.object({ action_type: z.string(), value: z.string() })).optional(),
  action_values: z.array(z.object({ action_type: z.string(), value: z.string() })).optional(),
});

const adAccountSchema = z.object({
  account_id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone_name: z.string(),
});

const reportRunSchema = z.object({
  async_status: z.string(),
  async_percent_completion: z.number(),
});

/** Meta's `async_status` words as a job state. */
function reportRunState(run: z.infer<typeof reportRunSchema>): ReportJobState {
  if (run.async_status === "Job Completed") return { state: "done" };
  if (run.async_status === "Job Failed" || run.async_status === "Job Skipped") {
    return { state: "failed", status: run.async_status };
  }
  return { state: "pending", status: run.async_status, percent: run.async_percent_completion };
}

/** The action types counted as conversions (and their values as revenue). */
const CONVERSION_ACTIONS = new Set(["purchase", "lead"]);

/** Reads a Graph API answer. */
export const classifyMeta: Classifier = ({ status, body, headers }) => {
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) {
    if (status >= 500) return { kind: "transient", message: `HTTP ${status}` };
    return status >= 400 ? { kind: "failed", message: `HTTP ${status}` } : null;
  }
  const { message, code, error_subcode: subcode, error_user_msg: userMessage } = parsed.data.error;
  const text = userMessage ?? message;
  if (code === 190 || code === 102) {
    return { kind: "auth", message: text, tokenExpired: subcode === 463 };
  }
  if (code === 10 || (code >= 200 && code < 300)) {
    return { kind: "auth", message: text, tokenExpired: false };
  }
  if (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014)) {
    return { kind: "rate_limit", message: text, retryAfterMs: regainAccessMs(headers) };
  }
  if (code === 100 && subcode === 33) return { kind: "not_found", message: text };
  if (code === 100) return { kind: "validation", message: text };
  if (parsed.data.error.is_transient || code === 1 || code === 2 || status >= 500) {
    return { kind: "transient", message: text };
  }
  return { kind: "failed", message: text } satisfies PlatformFailure;
};

/**
 * The wait `X-Business-Use-Case-Usage` asks for: the largest `estimated_time_to_regain_access`
 * (minutes) of any business it lists, or a minute when it names none.
 */
export function regainAccessMs(headers: Headers): number {
  const header = headers.get("x-business-use-case-usage");
  let minutes = 0;
  try {
    const usage = header ? JSON.parse(header) as Record<string, unknown> : {};
    for (const entries of Object.values(usage)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        minutes = Math.max(minutes, Number(entry?.estimated_time_to_regain_access ?? 0) || 0);
      }
    }
  } catch {
    // An unreadable header is treated like a missing one.
  }
  return minutes > 0 ? minutes * 60_000 : DEFAULT_THROTTLE_MS;
}

/** Creates the Meta adapter. */
export function createMetaAdapter(options: MetaAdapterOptions): PlatformAdapter {
  const policy = httpPolicy(options.http);
  const polling = { ...DEFAULT_REPORT_POLLING, ...options.reports };
  const base = `/${options.apiVersion}`;

  function graph<Schema extends z.ZodType>(
    stored: string | null,
    request: Omit<PlatformRequest, "url" | "headers"> & { path: string; query?: Query },
    schema: Schema,
  ): Promise<z.infer<Schema>> {
    return withTokens(PLATFORM, options.credentials, stored, (tokens) => {
      const url = request.path.startsWith("http")
        ? new URL(request.path)
        : joinUrl(options.baseUrl, base + request.path);
      for (const [key, value] of Object.entries(request.query ?? {})) {
        url.searchParams.set(key, value);
      }
      return sendRequest(
        PLATFORM,
        { ...request, url, headers: { authorization: `Bearer ${tokens.accessToken}` } },
        classifyMeta,
        schema,
        policy,
      );
    });
  }

  /** Every item of a paginated edge, following `paging.next`. */
  async function all<Item extends z.ZodType>(
    stored: string | null,
    path: string,
    query: Query,
    item: Item,
  ): Promise<z.infer<Item>[]> {
    const pageSchema = z.object({ data: z.array(item), paging: pagingSchema });
    const items: z.infer<Item>[] = [];
    let next: string | undefined = path;
    let first = true;
    while (next) {
      const page: z.infer<typeof pageSchema> = await graph(stored, {
        method: "GET",
        path: next,
        query: first ? query : undefined,
        repeatable: true,
      }, pageSchema);
      items.push(...page.data);
      next = page.paging?.next;
      first = false;
    }
    return items;
  }

  /** The insights of `query` through an async report run. */
  async function reportRunRows(
    account: PlatformAccount,
    campaign: PlatformCampaign,
    query: Query,
    what: string,
  ) {
    // A second run after a lost answer only costs Meta some work, so the POST may be repeated.
    const { report_run_id: runId } = await graph(account.credentials, {
      method: "POST",
      path: `/${campaign.externalId}/insights`,
      body: new URLSearchParams(query),
      repeatable: true,
    }, z.object({ report_run_id: z.string() }));
    await awaitReportJob(
      PLATFORM,
      what,
      async () =>
        reportRunState(
          await graph(account.credentials, {
            method: "GET",
            path: `/${runId}`,
            query: { fields: "async_status,async_percent_completion" },
            repeatable: true,
          }, reportRunSchema),
        ),
      polling,
      policy.sleep,
    );
    return all(account.credentials, `/${runId}/insights`, { limit: query.limit }, insightSchema);
  }

  function act(account: PlatformAccount) {
    return `/act_${account.externalAccountId}`;
  }

  function campaignForm(spec: PlatformCampaignSpec, currency: string): URLSearchParams {
    const form = new URLSearchParams({ name: spec.name });
    const amount = String(minorToMeta(spec.budgetAmountMinor, currency));
    form.set(spec.budgetType === "daily" ? "daily_budget" : "lifetime_budget", amount);
    if (spec.startDate) form.set("start_time", `${spec.startDate}T00:00:00`);
    form.set("stop_time", spec.endDate ? `${spec.endDate}T23:59:59` : "");
    return form;
  }

  function createForm(spec: PlatformCampaignSpec, currency: string, marker: string) {
    const form = campaignForm(spec, currency);
    form.set("objective", META_OBJECTIVE[spec.objective]);
    form.set("status", META_STATUS.draft);
    form.set("special_ad_categories", "[]");
    form.set("adlabels", JSON.stringify([{ name: markerLabel(marker) }]));
    return form;
  }

  async function findByMarker(
    account: PlatformAccount,
    spec: PlatformCampaignSpec,
    marker: string,
  ): Promise<string | null> {
    const found = await all(account.credentials, `${act(account)}/campaigns`, {
      fields: "id,name,adlabels",
      filtering: JSON.stringify([{ field: "name", operator: "EQUAL", value: spec.name }]),
    }, campaignSchema.pick({ id: true, adlabels: true }));
    const match = found.find((campaign) =>
      campaign.adlabels?.some((label) => label.name === markerLabel(marker))
    );
    return match?.id ?? null;
  }

  function setStatus(account: PlatformAccount, campaign: PlatformCampaign, status: string) {
    return graph(account.credentials, {
      method: "POST",
      path: `/${campaign.externalId}`,
      body: new URLSearchParams({ status }),
      repeatable: true,
    }, z.object({ success: z.boolean() })).then(() => undefined);
  }

  function toState(campaign: z.infer<typeof campaignSchema>, currency: string) {
    const lifetime = campaign.lifetime_budget && campaign.lifetime_budget !== "0";
    return {
      externalId: campaign.id,
      name: campaign.name,
      status: fromMetaStatus(campaign.status),
      platformStatus: campaign.effective_status && campaign.effective_status !== campaign.status
        ? `${campaign.status}/${campaign.effective_status}`
        : campaign.status,
      budgetType: lifetime ? "lifetime" : "daily",
      budgetAmountMinor: metaToMinor(
        (lifetime ? campaign.lifetime_budget : campaign.daily_budget) ?? "0",
        currency,
      ),
      startDate: campaign.start_time?.slice(0, 10) ?? null,
      endDate: campaign.stop_time?.slice(0, 10) ?? null,
    } satisfies PlatformCampaignState;
  }

  return {
    platform: "meta",

    connectAccount() {
      return Promise.reject(
        new PlatformError("Meta ad accounts are connected by signing in with Meta"),
      );
    },

    async listAdAccounts(credentials): Promise<PlatformAccountSummary[]> {
      const rows = await all(credentials, "/me/adaccounts", {
        fields: "account_id,name,currency,timezone_name",
      }, adAccountSchema);
      return rows.map((row) => ({
        externalAccountId: row.account_id,
        name: row.name,
        currency: row.currency,
        timezone: row.timezone_name,
      }));
    },

    async createCampaign(account, spec, requestKey) {
      const marker = createMarker(requestKey);
      const form = createForm(spec, account.currency, marker);
      for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
        // A keyed create may repeat one that reached Meta; a retry follows a lost answer.
        if (requestKey !== undefined || attempt > 1) {
          const existing = await findByMarker(account, spec, marker);
          if (existing) return { externalId: existing };
        }
        try {
          const created = await graph(account.credentials, {
            method: "POST",
            path: `${act(account)}/campaigns`,
            body: form,
            repeatable: false,
          }, z.object({ id: z.string() }));
          return { externalId: created.id };
        } catch (error) {
          if (!(error instanceof OutcomeUnknownError) || attempt === CREATE_ATTEMPTS) throw error;
          await policy.sleep(policy.baseDelayMs * attempt);
        }
      }
      throw new PlatformError("unreachable");
    },

    async updateCampaign(account, campaign) {
      await graph(account.credentials, {
        method: "POST",
        path: `/${campaign.externalId}`,
        body: campaignForm(campaign, account.currency),
        repeatable: true,
      }, z.object({ success: z.boolean() }));
    },

    pauseCampaign: (account, campaign) => setStatus(account, campaign, META_STATUS.paused),
    resumeCampaign: (account, campaign) => setStatus(account, campaign, META_STATUS.active),
    archiveCampaign: (account, campaign) => setStatus(account, campaign, META_STATUS.archived),

    async validateChange(account, change) {
      const form = change.kind === "create"
        ? createForm(change.spec, account.currency, createMarker(undefined))
        : campaignForm(change.campaign, account.currency);
      form.set("execution_options", JSON.stringify(["validate_only"]));
      await graph(account.credentials, {
        method: "POST",
        path: change.kind === "create"
          ? `${act(account)}/campaigns`
          : `/${change.campaign.externalId}`,
        body: form,
        repeatable: true,
      }, z.object({ success: z.boolean() }));
    },

    async listCampaigns(account) {
      const rows = await all(account.credentials, `${act(account)}/campaigns`, {
        fields: CAMPAIGN_FIELDS,
      }, campaignSchema);
      return rows.map((row) => toState(row, account.currency));
    },

    async getCampaign(account, externalId) {
      const row = await graph(account.credentials, {
        method: "GET",
        path: `/${externalId}`,
        query: { fields: CAMPAIGN_FIELDS },
        repeatable: true,
      }, campaignSchema);
      return toState(row, account.currency);
    },

    async fetchDailyMetrics(account, campaign, { from, to }) {
      const query = {
        fields: "impressions,clicks,spend,actions,action_values",
        time_range: JSON.stringify({ since: from, until: to }),
        time_increment: "1",
        limit: "100",
      };
      const rows = daysBetween(from, to) + 1 >= ASYNC_REPORT_MIN_DAYS
        ? await reportRunRows(account, campaign, query, `the report for ${from}..${to}`)
        : await all(account.credentials, `/${campaign.externalId}/insights`, query, insightSchema);
      return rows.map((row): PlatformDailyMetrics => ({
        date: row.date_start,
        impressions: Number(row.impressions ?? 0),
        clicks: Number(row.clicks ?? 0),
        spendMinor: majorToMinor(row.spend ?? "0", account.currency),
        conversions: sumActions(row.actions, (value) => Math.round(Number(value))),
        revenueMinor: sumActions(
          row.action_values,
          (value) => majorToMinor(value, account.currency),
        ),
      }));
    },
  };
}

type Query = Record<string, string>;

function markerLabel(marker: string): string {
  return `aae-${marker}`;
}

function sumActions(
  actions: { action_type: string; value: string }[] | undefined,
  read: (value: string) => number,
): number {
  return (actions ?? []).filter((action) => CONVERSION_ACTIONS.has(action.action_type))
    .reduce((sum, action) => sum + read(action.value), 0);
}
