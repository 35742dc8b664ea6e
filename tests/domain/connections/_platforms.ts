/**
 * A domain connected to one platform's local fake the way the app connects the real platform
 * (its OAuth sign-in, encrypted credentials, the adapter in the registry), with one USD account
 * holding a campaign "Evergreen" ($50 a day) that has delivered for 120 days — the same starting
 * point on Meta, Google Ads and TikTok, for tests that must behave alike on each.
 *
 * @module
 */
import type { AdAccount } from "../../../domain/ad_accounts.ts";
import type { Actor } from "../../../domain/actor.ts";
import { connectedPlatforms } from "../../../domain/connections/registry.ts";
import type { Domain } from "../../../domain/mod.ts";
import {
  createCredentialCipher,
  generateCredentialKey,
  parseCredentialKey,
} from "../../../domain/platforms/credential_cipher.ts";
import {
  createGoogleOAuth,
  createTikTokOAuth,
  type OAuthPlatform,
} from "../../../domain/platforms/oauth.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import type { TestBackend } from "../../_helpers/backend.ts";
import { type DeliveryState, FakeClock } from "../../fakes/_shared.ts";
import { GOOGLE_ADS_FAKE_VERSION, startGoogleAdsFake } from "../../fakes/google_ads/server.ts";
import { startTikTokFake } from "../../fakes/tiktok/server.ts";
import { TEST_HTTP } from "../platforms/_targets.ts";
import { connectMeta, consent, metaSetup, ORIGIN } from "./_meta.ts";

/** The campaign as the fake holds it. */
export interface FakeCampaignView {
  /** The budget in the platform's own unit. */
  rawBudget: number;
  /** Whether the platform's status is its "active" word. */
  active: boolean;
  /** Accepted changes so far. */
  updates: number;
}

/** One platform's fake, connected. */
export interface ConnectedFake {
  platform: OAuthPlatform;
  domain: Domain;
  clock: FakeClock;
  /** Signs in and picks the fake's account. */
  connect(actor: Actor): Promise<AdAccount>;
  campaign(): FakeCampaignView;
  /** A budget in minor units (cents) in the platform's unit. */
  raw(minor: number): number;
  /** The platform stops delivering the campaign while its status stays active. */
  stopDelivery(): void;
  close(): Promise<void>;
}

/** A history entry that keeps every setting but stops delivery from now on. */
function stopped(history: DeliveryState[], at: number) {
  history.push({ ...history.at(-1)!, at, active: false });
}

/** Starts `platform`'s fake on the backend's clock and builds the connected domain. */
export async function connectedFake(
  backend: TestBackend,
  platform: OAuthPlatform,
): Promise<ConnectedFake> {
  const activeSince = backend.clock.now().getTime() - 120 * 86_400_000;
  if (platform === "meta") {
    const setup = await metaSetup(backend);
    const held = () => setup.fake.campaigns.get(setup.campaignId)!;
    return {
      platform,
      domain: setup.domain,
      clock: setup.fake.clock,
      connect: async (actor) => (await connectMeta(setup.domain, actor, "session-1"))[0],
      campaign: () => ({
        rawBudget: held().dailyBudget!,
        active: held().status === "ACTIVE",
        updates: held().updates,
      }),
      raw: (minor) => minor,
      stopDelivery: () => stopped(held().history, setup.fake.clock.now()),
      close: setup.close,
    };
  }
  const clock = new FakeClock(backend.clock.now().getTime());
  const cipher = await createCredentialCipher(parseCredentialKey(generateCredentialKey("k1")));
  const http = { ...TEST_HTTP, timeoutMs: 10_000 };
  const now = () => backend.clock.now();
  const build = (platforms: Parameters<typeof connectedPlatforms>[0]) =>
    backend.domainWith({
      platforms: { sandbox: createSandboxPlatform(), ...connectedPlatforms(platforms) },
      connections: { cipher, oauth: platforms.oauth, backfillDays: 90 },
      workflows: { retryBaseMs: 1_000 },
      detectAfterSync: false,
    });
  const signIn = async (domain: Domain, actor: Actor, account: string) => {
    const query = await consent(await domain.connections.start(actor, "s1", platform, ORIGIN));
    const { connectionId } = await domain.connections.complete(
      actor,
      "s1",
      platform,
      query,
      ORIGIN,
    );
    return (await domain.connections.pick(actor, "s1", connectionId, [account]))[0];
  };

  if (platform === "google") {
    const fake = startGoogleAdsFake({ clock });
    const manager = fake.addCustomer({
      name: "Agency",
      currency: "USD",
      timezone: "America/New_York",
      manager: true,
    });
    const customer = fake.addCustomer({
      name: "Fake shop",
      currency: "USD",
      timezone: "America/Los_Angeles",
      managerId: manager,
    });
    const campaignId = fake.seedCampaign(customer, {
      name: "Evergreen",
      dailyBudgetMicros: 50_000_000,
      activeSince,
    });
    const oauth = {
      google: createGoogleOAuth({
        clientId: fake.app.clientId,
        clientSecret: fake.app.clientSecret,
        authorizeUrl: `${fake.url}/o/oauth2/v2/auth`,
        tokenUrl: `${fake.url}/token`,
        revokeUrl: `${fake.url}/revoke`,
        loginCustomerId: manager,
      }),
    };
    const domain = build({
      db: backend.db,
      cipher,
      oauth,
      google: {
        baseUrl: fake.url,
        apiVersion: GOOGLE_ADS_FAKE_VERSION,
        developerToken: fake.developerToken,
      },
      http,
      now,
    });
    const held = () => fake.campaigns.get(campaignId)!;
    return {
      platform,
      domain,
      clock,
      connect: (actor) => signIn(domain, actor, customer),
      campaign: () => ({
        rawBudget: fake.budgets.get(held().budgetId)!.amountMicros!,
        active: held().status === "ENABLED",
        updates: held().updates,
      }),
      raw: (minor) => minor * 10_000,
      stopDelivery: () => stopped(held().history, clock.now()),
      close: fake.close,
    };
  }

  const fake = startTikTokFake({ clock });
  const advertiser = fake.addAdvertiser({
    name: "Fake shop",
    currency: "USD",
    timezone: "America/Los_Angeles",
  });
  const campaignId = fake.seedCampaign(advertiser, {
    name: "Evergreen",
    dailyBudget: 50,
    activeSince,
  });
  const oauth = {
    tiktok: createTikTokOAuth({
      appId: fake.app.appId,
      secret: fake.app.secret,
      baseUrl: fake.url,
    }),
  };
  const domain = build({ db: backend.db, cipher, oauth, tiktok: { baseUrl: fake.url }, http, now });
  const held = () => fake.campaigns.get(campaignId)!;
  return {
    platform,
    domain,
    clock,
    connect: (actor) => signIn(domain, actor, advertiser),
    campaign: () => ({
      rawBudget: held().budget,
      active: held().status === "ENABLE",
      updates: held().updates,
    }),
    raw: (minor) => minor / 100,
    stopDelivery: () => stopped(held().history, clock.now()),
    close: fake.close,
  };
}
