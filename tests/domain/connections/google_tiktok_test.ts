/**
 * Connecting Google Ads (through a manager account, with the developer token and
 * login-customer-id) and TikTok through their fakes' OAuth flows: the picker lists the accounts,
 * picking connects them with encrypted credentials and a backfill, and disconnecting revokes the
 * grant at the platform.
 */
import assert from "node:assert/strict";
import { connectedPlatforms } from "../../../domain/connections/registry.ts";
import { openTokens } from "../../../domain/connections/credentials.ts";
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
import type { Domain } from "../../../domain/mod.ts";
import type { Actor } from "../../../domain/actor.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { FakeClock } from "../../fakes/_shared.ts";
import { GOOGLE_ADS_FAKE_VERSION, startGoogleAdsFake } from "../../fakes/google_ads/server.ts";
import { startTikTokFake } from "../../fakes/tiktok/server.ts";
import { TEST_HTTP } from "../platforms/_targets.ts";
import { consent, ORIGIN } from "./_meta.ts";

async function signIn(domain: Domain, actor: Actor, platform: OAuthPlatform) {
  const query = await consent(await domain.connections.start(actor, "s1", platform, ORIGIN));
  return await domain.connections.complete(actor, "s1", platform, query, ORIGIN);
}

backendTest("Google Ads and TikTok connect through their sign-in", async (_t, backend) => {
  const clock = new FakeClock(backend.clock.now().getTime());
  const google = startGoogleAdsFake({ clock });
  const tiktok = startTikTokFake({ clock });
  try {
    const manager = google.addCustomer({
      name: "Agency",
      currency: "USD",
      timezone: "America/New_York",
      manager: true,
    });
    const customer = google.addCustomer({
      name: "Client shop",
      currency: "EUR",
      timezone: "Europe/Paris",
      managerId: manager,
    });
    const advertiser = tiktok.addAdvertiser({
      name: "TT shop",
      currency: "JPY",
      timezone: "Asia/Tokyo",
    });
    const cipher = await createCredentialCipher(parseCredentialKey(generateCredentialKey("k")));
    const oauth = {
      google: createGoogleOAuth({
        clientId: google.app.clientId,
        clientSecret: google.app.clientSecret,
        authorizeUrl: `${google.url}/o/oauth2/v2/auth`,
        tokenUrl: `${google.url}/token`,
        revokeUrl: `${google.url}/revoke`,
        loginCustomerId: manager,
      }),
      tiktok: createTikTokOAuth({
        appId: tiktok.app.appId,
        secret: tiktok.app.secret,
        baseUrl: tiktok.url,
      }),
    };
    const domain = backend.domainWith({
      platforms: {
        sandbox: createSandboxPlatform(),
        ...connectedPlatforms({
          db: backend.db,
          cipher,
          oauth,
          google: {
            baseUrl: google.url,
            apiVersion: GOOGLE_ADS_FAKE_VERSION,
            developerToken: google.developerToken,
          },
          tiktok: { baseUrl: tiktok.url },
          // A loaded machine may be slow; these tests inject no hung requests.
          http: { ...TEST_HTTP, timeoutMs: 10_000 },
        }),
      },
      connections: { cipher, oauth },
      detectAfterSync: false,
    });
    const actor = await registerUser(domain);
    assert.deepEqual(domain.connections.platforms(), ["google", "tiktok"]);

    // Google: the consent asks for the Ads scope offline; the client is reached via its manager.
    const googleUrl = new URL(await domain.connections.start(actor, "s0", "google", ORIGIN));
    assert.equal(googleUrl.searchParams.get("scope"), "https://www.googleapis.com/auth/adwords");
    assert.equal(googleUrl.searchParams.get("access_type"), "offline");
    assert.equal(
      googleUrl.searchParams.get("redirect_uri"),
      `${ORIGIN}/ad-accounts/connect/google/callback`,
    );
    const viaGoogle = await signIn(domain, actor, "google");
    const googleChoices = await domain.connections.choices(actor, "s1", viaGoogle.connectionId);
    assert.deepEqual(
      googleChoices.accounts.map((account) => [account.externalAccountId, account.currency]),
      [[customer, "EUR"]],
    );
    const [googleAccount] = await domain.connections.pick(
      actor,
      "s1",
      viaGoogle.connectionId,
      [customer],
    );
    assert.equal(googleAccount.timezone, "Europe/Paris");
    const row = await backend.db.kysely.selectFrom("ad_accounts").selectAll()
      .where("id", "=", googleAccount.id).executeTakeFirstOrThrow();
    const tokens = await openTokens(cipher, row.credentials_encrypted);
    assert.equal(tokens.loginCustomerId, manager);
    assert.ok(tokens.refreshToken);
    await domain.workflows.runDue("test", { limit: 1 });
    const googleSync = await domain.connections.syncStatus(actor, googleAccount.id);
    assert.equal(googleSync.backfill?.status, "succeeded", JSON.stringify(googleSync));

    // TikTok: the auth code comes back as `auth_code`.
    const viaTikTok = await signIn(domain, actor, "tiktok");
    const [tiktokAccount] = await domain.connections.pick(
      actor,
      "s1",
      viaTikTok.connectionId,
      [advertiser],
    );
    assert.equal(tiktokAccount.currency, "JPY");
    await domain.workflows.runDue("test", { limit: 1 });
    assert.equal(
      (await domain.connections.syncStatus(actor, tiktokAccount.id)).backfill?.status,
      "succeeded",
    );

    // Disconnecting revokes Google's refresh token: it no longer renews.
    await domain.adAccounts.disconnect(actor, googleAccount.id);
    assert.equal(await oauth.google.refresh(tokens), null);
  } finally {
    await google.close();
    await tiktok.close();
  }
});
