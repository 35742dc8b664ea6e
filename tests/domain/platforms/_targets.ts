/**
 * The adapters the contract suite runs against: each real adapter wired to its local fake (with
 * a fast retry policy and a short timeout, so injected timeouts end quickly), and the sandbox.
 *
 * @module
 */
import type { PlatformAccount, PlatformAdapter } from "../../../domain/platforms/adapter.ts";
import {
  type CredentialsSource,
  plainCredentials,
  plainCredentialsText,
} from "../../../domain/platforms/credentials.ts";
import type { HttpPolicy } from "../../../domain/platforms/http.ts";
import type { ReportPolling } from "../../../domain/platforms/report_jobs.ts";
import { createMetaAdapter } from "../../../domain/platforms/meta.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import type { FakeClock, FakeFault } from "../../fakes/_shared.ts";
import { META_FAKE_VERSION, startMetaFake } from "../../fakes/meta/server.ts";
import { createTikTokAdapter } from "../../../domain/platforms/tiktok.ts";
import { startTikTokFake } from "../../fakes/tiktok/server.ts";
import { createGoogleAdsAdapter } from "../../../domain/platforms/google_ads.ts";
import { GOOGLE_ADS_FAKE_VERSION, startGoogleAdsFake } from "../../fakes/google_ads/server.ts";

/** Retries without sleeping; a second per attempt (a hung fake answer ends there). */
export const TEST_HTTP: Partial<HttpPolicy> = {
  timeoutMs: 1_000,
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 2,
  sleep: () => Promise.resolve(),
};

/** What the contract suite needs from a platform's fake. */
export interface FakeControls {
  clock: FakeClock;
  inject(fault: FakeFault, match?: { path?: RegExp; method?: string; times?: number }): void;
  /** Creates the fake applied so far. */
  creates(): number;
  /** Accepted changes to one campaign so far. */
  updates(externalId: string): number;
  /** The campaign's budget exactly as the platform stores it (its own unit). */
  rawBudget(externalId: string): number;
  /** Sets the page size of list answers (to exercise pagination). */
  setPageSize(size: number): void;
  /** Requests the fake received. */
  requests(): number;
  /** Path of the create endpoint, to aim faults at. */
  createPath: RegExp;
  /** Path of the metrics endpoint. */
  metricsPath: RegExp;
  /** The wait an adapter reports when the fake throttles with `retryAfterSeconds`. */
  expectedRetryAfterMs(retryAfterSeconds: number): number;
  /** How far a day's spend may exceed the daily budget, and a week's (in daily budgets). */
  delivery: { maxDailyFactor: number; weeklyFactor: number | null; monthlyFactor?: number };
  /** Requests that only read (to aim read faults at; Google reads are POSTs). */
  reads: { path?: RegExp; method?: string };
  /** Requests that change a campaign (to aim lost-answer faults at). */
  writes: { path?: RegExp; method?: string };
  /** A daily budget (minor units) the platform itself refuses, for the validate-only step. */
  refusedBudgetMinor: number;
  /** Where the platform builds long reports as async jobs: the jobs made, and their create. */
  reportJobs?: { runs: () => number; create: { path?: RegExp; method?: string } };
}

/** Report-job checks without sleeping: a job still running after a minute's checks is dropped. */
export const TEST_REPORTS: Partial<ReportPolling> = {
  firstDelayMs: 1_000,
  maxDelayMs: 8_000,
  maxWaitMs: 60_000,
};

/** One adapter under contract. */
export interface ContractTarget {
  name: string;
  adapter: PlatformAdapter;
  account: PlatformAccount;
  /** The account with a token of its own (a test that expires it leaves the others alone). */
  withNewToken(): PlatformAccount;
  /** Builds the adapter again with other credentials handling (token refresh tests). */
  adapterWith(credentials: CredentialsSource): PlatformAdapter;
  /** A token-renewing credentials source and how often it renewed. */
  refreshing(): { source: CredentialsSource; refreshes: () => number };
  fake: FakeControls | null;
  close(): Promise<void>;
}

/** The sandbox: stateless, no fake behind it. */
export function sandboxTarget(currency = "USD"): ContractTarget {
  const adapter = createSandboxPlatform();
  return {
    name: "sandbox",
    adapter,
    account: {
      id: "account",
      externalAccountId: "sandbox-1",
      currency,
      timezone: "UTC",
      credentials: null,
    },
    adapterWith: () => adapter,
    withNewToken() {
      return this.account;
    },
    refreshing: () => ({ source: plainCredentials, refreshes: () => 0 }),
    fake: null,
    close: () => Promise.resolve(),
  };
}

/** A renewing source whose `refresh` asks `issue` for a new token. */
function renewing(issue: () => string) {
  let count = 0;
  const source: CredentialsSource = {
    read: plainCredentials.read,
    refresh() {
      count += 1;
      return Promise.resolve({ accessToken: issue() });
    },
  };
  return { source, refreshes: () => count };
}

/** The Meta adapter against the fake Meta Graph API. */
export function metaTarget(currency = "USD", timezone = "America/Los_Angeles"): ContractTarget {
  const fake = startMetaFake();
  fake.reportChecks = 3;
  const accountId = fake.addAccount({ currency, timezone });
  let requests = 0;
  const counting: Partial<HttpPolicy> = {
    ...TEST_HTTP,
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  };
  const build = (credentials: CredentialsSource) =>
    createMetaAdapter({
      baseUrl: fake.url,
      apiVersion: META_FAKE_VERSION,
      credentials,
      http: counting,
      reports: TEST_REPORTS,
    });
  const account: PlatformAccount = {
    id: "meta-account",
    externalAccountId: accountId,
    currency,
    timezone,
    credentials: plainCredentialsText({ accessToken: fake.issueToken([accountId]) }),
  };
  const campaign = (id: string) => {
    const found = fake.campaigns.get(id);
    if (!found) throw new Error(`no campaign ${id} on the fake`);
    return found;
  };
  return {
    name: `meta (${currency})`,
    adapter: build(plainCredentials),
    account,
    adapterWith: build,
    withNewToken: () => ({
      ...account,
      credentials: plainCredentialsText({ accessToken: fake.issueToken([accountId]) }),
    }),
    refreshing: () => renewing(() => fake.issueToken([accountId])),
    fake: {
      clock: fake.clock,
      inject: (fault, match) => fake.faults.inject(fault, match),
      creates: () => fake.creates,
      updates: (id) => campaign(id).updates,
      rawBudget: (id) => campaign(id).dailyBudget ?? campaign(id).lifetimeBudget ?? 0,
      setPageSize: (size) => {
        fake.pageSize = size;
      },
      requests: () => requests,
      createPath: /\/act_\d+\/campaigns$/,
      metricsPath: /\/insights$/,
      expectedRetryAfterMs: (seconds) => Math.ceil(seconds / 60) * 60_000,
      delivery: { maxDailyFactor: 1.75, weeklyFactor: 7 },
      reads: { method: "GET" },
      writes: { method: "POST" },
      refusedBudgetMinor: 1,
      reportJobs: {
        runs: () => fake.reportRuns,
        create: { path: /\/\d+\/insights$/, method: "POST" },
      },
    },
    close: fake.close,
  };
}

/** The TikTok adapter against the fake TikTok Marketing API. */
export function tiktokTarget(currency = "USD", timezone = "Europe/Berlin"): ContractTarget {
  const fake = startTikTokFake();
  const advertiserId = fake.addAdvertiser({ currency, timezone });
  let requests = 0;
  const counting: Partial<HttpPolicy> = {
    ...TEST_HTTP,
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  };
  const build = (credentials: CredentialsSource) =>
    createTikTokAdapter({ baseUrl: fake.url, credentials, http: counting });
  const token = () => plainCredentialsText({ accessToken: fake.issueToken([advertiserId]) });
  const account: PlatformAccount = {
    id: "tiktok-account",
    externalAccountId: advertiserId,
    currency,
    timezone,
    credentials: token(),
  };
  const campaign = (id: string) => {
    const found = fake.campaigns.get(id);
    if (!found) throw new Error(`no campaign ${id} on the fake`);
    return found;
  };
  return {
    name: `tiktok (${currency})`,
    adapter: build(plainCredentials),
    account,
    adapterWith: build,
    withNewToken: () => ({ ...account, credentials: token() }),
    refreshing: () => renewing(() => fake.issueToken([advertiserId])),
    fake: {
      clock: fake.clock,
      inject: (fault, match) => fake.faults.inject(fault, match),
      creates: () => fake.creates,
      updates: (id) => campaign(id).updates,
      rawBudget: (id) => campaign(id).budget,
      setPageSize: (size) => {
        fake.pageSize = size;
      },
      requests: () => requests,
      createPath: /\/campaign\/create\/$/,
      metricsPath: /\/report\/integrated\/get\/$/,
      expectedRetryAfterMs: () => 60_000,
      delivery: { maxDailyFactor: 1, weeklyFactor: null },
      reads: { method: "GET" },
      writes: { method: "POST" },
      refusedBudgetMinor: 1,
    },
    close: fake.close,
  };
}

/**
 * The Google Ads adapter against the fake Google Ads API. The account is a client reached through
 * a manager account (`login-customer-id`), as agencies connect them.
 */
export function googleAdsTarget(currency = "USD", timezone = "America/New_York"): ContractTarget {
  const fake = startGoogleAdsFake();
  const managerId = fake.addCustomer({ name: "Fake manager", currency, timezone, manager: true });
  const customerId = fake.addCustomer({ currency, timezone, managerId });
  let requests = 0;
  const counting: Partial<HttpPolicy> = {
    ...TEST_HTTP,
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  };
  const build = (credentials: CredentialsSource) =>
    createGoogleAdsAdapter({
      baseUrl: fake.url,
      apiVersion: GOOGLE_ADS_FAKE_VERSION,
      developerToken: fake.developerToken,
      credentials,
      http: counting,
    });
  const token = () =>
    plainCredentialsText({
      accessToken: fake.issueToken([managerId]),
      loginCustomerId: managerId,
    });
  const account: PlatformAccount = {
    id: "google-account",
    externalAccountId: customerId,
    currency,
    timezone,
    credentials: token(),
  };
  const campaign = (id: string) => {
    const found = fake.campaigns.get(id);
    if (!found) throw new Error(`no campaign ${id} on the fake`);
    return found;
  };
  const renewal = () => {
    let count = 0;
    const source: CredentialsSource = {
      read: plainCredentials.read,
      refresh() {
        count += 1;
        return Promise.resolve({
          accessToken: fake.issueToken([managerId]),
          loginCustomerId: managerId,
        });
      },
    };
    return { source, refreshes: () => count };
  };
  return {
    name: `google ads (${currency})`,
    adapter: build(plainCredentials),
    account,
    adapterWith: build,
    withNewToken: () => ({ ...account, credentials: token() }),
    refreshing: renewal,
    fake: {
      clock: fake.clock,
      inject: (fault, match) => fake.faults.inject(fault, match),
      creates: () => fake.creates,
      updates: (id) => campaign(id).updates,
      rawBudget: (id) => {
        const budget = fake.budgets.get(campaign(id).budgetId)!;
        return budget.amountMicros ?? budget.totalAmountMicros ?? 0;
      },
      setPageSize: (size) => {
        fake.pageSize = size;
      },
      requests: () => requests,
      createPath: /\/campaigns:mutate$/,
      metricsPath: /\/googleAds:searchStream$/,
      expectedRetryAfterMs: (seconds) => seconds * 1000,
      delivery: { maxDailyFactor: 2, weeklyFactor: null, monthlyFactor: 30.4 },
      reads: { path: /\/googleAds:search(Stream)?$/ },
      writes: { path: /:mutate$/ },
      refusedBudgetMinor: 0,
    },
    close: fake.close,
  };
}
