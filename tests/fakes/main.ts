/**
 * `deno task fakes`: starts the local fakes of the Meta, Google Ads and TikTok APIs (the ones the
 * contract tests use) and prints their URLs, each with one ad account and a token for it, so a
 * person can point the app at them (`META_API_BASE_URL`, `GOOGLE_ADS_API_BASE_URL`,
 * `TIKTOK_API_BASE_URL`), and the whole command line that starts the app connected to them.
 *
 * Ports: META_FAKE_PORT (default 8101), GOOGLE_ADS_FAKE_PORT (8102), TIKTOK_FAKE_PORT (8103).
 * Stop with Ctrl-C.
 *
 * @module
 */
import { startMetaFake } from "./meta/server.ts";
import { startTikTokFake } from "./tiktok/server.ts";
import { GOOGLE_ADS_FAKE_VERSION, startGoogleAdsFake } from "./google_ads/server.ts";
import { FakeClock } from "./_shared.ts";

const port = (name: string, fallback: number) => Number(Deno.env.get(name) ?? fallback);
const clock = new FakeClock(Date.now());
// The fakes deliver by their clock; keep it on real time.
setInterval(() => clock.set(new Date().toISOString()), 1_000);

const meta = startMetaFake({ port: port("META_FAKE_PORT", 8101), clock });
const metaAccount = meta.addAccount({
  name: "Fake Meta shop",
  currency: "USD",
  timezone: "America/Los_Angeles",
});
// Each fake has a campaign delivering for the last 120 days, so a connected account has history.
meta.seedCampaign(metaAccount, {
  name: "Evergreen traffic",
  dailyBudget: 5_000,
  activeSince: Date.now() - 120 * 86_400_000,
});
const google = startGoogleAdsFake({ port: port("GOOGLE_ADS_FAKE_PORT", 8102), clock });
const googleManager = google.addCustomer({
  name: "Fake Google Ads manager",
  currency: "USD",
  timezone: "America/New_York",
  manager: true,
});
const googleCustomer = google.addCustomer({
  name: "Fake Google Ads shop",
  currency: "USD",
  timezone: "America/New_York",
  managerId: googleManager,
});
google.seedCampaign(googleCustomer, {
  name: "Evergreen search",
  dailyBudgetMicros: 40_000_000,
  activeSince: Date.now() - 120 * 86_400_000,
});
const tiktok = startTikTokFake({ port: port("TIKTOK_FAKE_PORT", 8103), clock });
const advertiser = tiktok.addAdvertiser({
  name: "Fake TikTok shop",
  currency: "EUR",
  timezone: "Europe/Berlin",
});
tiktok.seedCampaign(advertiser, {
  name: "Evergreen video",
  dailyBudget: 30,
  activeSince: Date.now() - 120 * 86_400_000,
});

console.log(`To connect them in the app (Ad accounts → Connect …), start it with:
  META_APP_ID=${meta.app.clientId} META_APP_SECRET=${meta.app.clientSecret} \\
  META_API_BASE_URL=${meta.url} META_LOGIN_BASE_URL=${meta.url} \\
  GOOGLE_ADS_CLIENT_ID=${google.app.clientId} GOOGLE_ADS_CLIENT_SECRET=${google.app.clientSecret} \\
  GOOGLE_ADS_DEVELOPER_TOKEN=${google.developerToken} GOOGLE_ADS_LOGIN_CUSTOMER_ID=${googleManager} \\
  GOOGLE_ADS_API_BASE_URL=${google.url} GOOGLE_ADS_OAUTH_BASE_URL=${google.url} \\
  GOOGLE_ADS_API_VERSION=${GOOGLE_ADS_FAKE_VERSION} \\
  TIKTOK_APP_ID=${tiktok.app.appId} TIKTOK_APP_SECRET=${tiktok.app.secret} TIKTOK_API_BASE_URL=${tiktok.url} \\
  deno task start

Meta Graph API fake    ${meta.url}
  META_API_BASE_URL=${meta.url}
  ad account act_${metaAccount}, token ${meta.issueToken([metaAccount])}
  OAuth app: client id ${meta.app.clientId}, secret ${meta.app.clientSecret}
TikTok Marketing fake   ${tiktok.url}
  TIKTOK_API_BASE_URL=${tiktok.url}
  advertiser ${advertiser}, token ${tiktok.issueToken([advertiser])}
  OAuth app: app id ${tiktok.app.appId}, secret ${tiktok.app.secret}
Google Ads API fake     ${google.url}
  GOOGLE_ADS_API_BASE_URL=${google.url} GOOGLE_ADS_API_VERSION=${GOOGLE_ADS_FAKE_VERSION}
  GOOGLE_ADS_DEVELOPER_TOKEN=${google.developerToken}
  customer ${googleCustomer} under manager ${googleManager} (login-customer-id),
  token ${google.issueToken([googleManager])}, refresh token ${
  google.issueRefreshToken([googleManager])
}
  OAuth client: id ${google.app.clientId}, secret ${google.app.clientSecret}
  (consent ${google.url}/o/oauth2/v2/auth, token ${google.url}/token)
Ctrl-C stops them.`);
