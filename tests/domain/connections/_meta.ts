/**
 * A domain wired to a local Meta fake the way the app wires the real Meta: its OAuth sign-in,
 * encrypted credentials, the adapter in the platform registry. One account on the fake with a
 * campaign that has delivered for 120 days.
 *
 * @module
 */
import type { Actor, Domain } from "../../../domain/mod.ts";
import { connectedPlatforms } from "../../../domain/connections/registry.ts";
import { sealTokens } from "../../../domain/connections/credentials.ts";
import {
  createCredentialCipher,
  type CredentialCipher,
  generateCredentialKey,
  parseCredentialKey,
} from "../../../domain/platforms/credential_cipher.ts";
import { createMetaOAuth } from "../../../domain/platforms/oauth.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import type { AdAccount } from "../../../domain/ad_accounts.ts";
import { FakeClock } from "../../fakes/_shared.ts";
import { META_FAKE_VERSION, type MetaFake, startMetaFake } from "../../fakes/meta/server.ts";
import type { TestBackend } from "../../_helpers/backend.ts";
import { TEST_HTTP } from "../platforms/_targets.ts";

/** The app's origin in these tests. */
export const ORIGIN = "http://app.test";

/** The fake, its account and campaign, and a domain connected to it. */
export interface MetaSetup {
  fake: MetaFake;
  accountId: string;
  campaignId: string;
  cipher: CredentialCipher;
  domain: Domain;
  /** The days with delivery the fake reports for its campaign over `from`..`to`. */
  deliveredDays(from: string, to: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the fake (on the backend's clock) and builds the domain. */
export async function metaSetup(
  backend: TestBackend,
  options: { backfillDays?: number; timezone?: string; currency?: string } = {},
): Promise<MetaSetup> {
  const fake = startMetaFake({ clock: new FakeClock(backend.clock.now().getTime()) });
  const accountId = fake.addAccount({
    name: "Fake shop",
    currency: options.currency ?? "USD",
    timezone: options.timezone ?? "America/Los_Angeles",
  });
  const campaignId = fake.seedCampaign(accountId, {
    name: "Evergreen",
    dailyBudget: 5_000,
    activeSince: backend.clock.now().getTime() - 120 * 86_400_000,
  });
  const cipher = await createCredentialCipher(parseCredentialKey(generateCredentialKey("k1")));
  const oauth = {
    meta: createMetaOAuth({
      appId: fake.app.clientId,
      appSecret: fake.app.clientSecret,
      apiBaseUrl: fake.url,
      apiVersion: META_FAKE_VERSION,
      loginBaseUrl: fake.url,
      now: () => backend.clock.now(),
    }),
  };
  const platforms = {
    sandbox: createSandboxPlatform(),
    ...connectedPlatforms({
      db: backend.db,
      cipher,
      oauth,
      meta: { baseUrl: fake.url, apiVersion: META_FAKE_VERSION },
      now: () => backend.clock.now(),
      // A loaded machine may be slow; these tests inject no hung requests.
      http: { ...TEST_HTTP, timeoutMs: 10_000 },
    }),
  };
  const domain = backend.domainWith({
    platforms,
    connections: {
      cipher,
      oauth,
      backfillDays: options.backfillDays ?? 90,
    },
    workflows: { retryBaseMs: 1_000 },
    detectAfterSync: false,
  });
  async function deliveredDays(from: string, to: string): Promise<string[]> {
    const account = {
      id: "check",
      externalAccountId: accountId,
      currency: options.currency ?? "USD",
      timezone: options.timezone ?? "America/Los_Angeles",
      credentials: await sealTokens(cipher, { accessToken: fake.issueToken([accountId]) }),
    };
    const days = await platforms.meta!.fetchDailyMetrics(
      account,
      {
        id: "check",
        externalId: campaignId,
        name: "Evergreen",
        objective: "traffic",
        status: "active",
        budgetType: "daily",
        budgetAmountMinor: 5_000,
        startDate: null,
        endDate: null,
        targeting: {},
        landingUrl: null,
        createdAt: new Date(0).toISOString(),
      },
      { from, to, spentBeforeMinor: 0 },
      new Date(fake.clock.now()),
    );
    return days.map((day) => day.date);
  }
  return { fake, accountId, campaignId, cipher, domain, deliveredDays, close: fake.close };
}

/** The browser's trip to the consent screen and back: the query the callback receives. */
export async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`no redirect: ${response.status}`);
  return new URL(location).searchParams;
}

/** Signs in with the fake Meta for `sessionId` and picks every account offered. */
export async function connectMeta(
  domain: Domain,
  actor: Actor,
  sessionId: string,
): Promise<AdAccount[]> {
  const query = await consent(await domain.connections.start(actor, sessionId, "meta", ORIGIN));
  const { connectionId } = await domain.connections.complete(
    actor,
    sessionId,
    "meta",
    query,
    ORIGIN,
  );
  const { accounts } = await domain.connections.choices(actor, sessionId, connectionId);
  return await domain.connections.pick(
    actor,
    sessionId,
    connectionId,
    accounts.map((account) => account.externalAccountId),
  );
}
