/**
 * The ad platforms of an app instance from its configuration: the sandbox always; Meta, Google
 * Ads and TikTok when their sign-in (app id and secret; Google also the developer token) is
 * configured, with credentials encrypted by the instance's key.
 *
 * @module
 */
import type { Database } from "../db/database.ts";
import { connectedPlatforms } from "../domain/connections/registry.ts";
import type { ConnectionsOptions } from "../domain/connections/service.ts";
import type { PlatformRegistry } from "../domain/platforms/adapter.ts";
import type { CredentialCipher } from "../domain/platforms/credential_cipher.ts";
import {
  createGoogleOAuth,
  createMetaOAuth,
  createTikTokOAuth,
  type OAuthClient,
  type OAuthPlatform,
} from "../domain/platforms/oauth.ts";
import { createSandboxPlatform } from "../domain/platforms/sandbox.ts";
import type { Config } from "../lib/config.ts";

/** The sign-in clients of the configured platforms. */
export function oauthClients(config: Config): Partial<Record<OAuthPlatform, OAuthClient>> {
  const clients: Partial<Record<OAuthPlatform, OAuthClient>> = {};
  if (config.META_APP_ID && config.META_APP_SECRET) {
    clients.meta = createMetaOAuth({
      appId: config.META_APP_ID,
      appSecret: config.META_APP_SECRET,
      apiBaseUrl: config.META_API_BASE_URL,
      apiVersion: config.META_API_VERSION,
      loginBaseUrl: config.META_LOGIN_BASE_URL,
      loginConfigId: config.META_LOGIN_CONFIG_ID,
    });
  }
  if (
    config.GOOGLE_ADS_CLIENT_ID && config.GOOGLE_ADS_CLIENT_SECRET &&
    config.GOOGLE_ADS_DEVELOPER_TOKEN
  ) {
    const base = config.GOOGLE_ADS_OAUTH_BASE_URL?.replace(/\/+$/, "");
    clients.google = createGoogleOAuth({
      clientId: config.GOOGLE_ADS_CLIENT_ID,
      clientSecret: config.GOOGLE_ADS_CLIENT_SECRET,
      authorizeUrl: base
        ? `${base}/o/oauth2/v2/auth`
        : "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: base ? `${base}/token` : "https://oauth2.googleapis.com/token",
      revokeUrl: base ? `${base}/revoke` : "https://oauth2.googleapis.com/revoke",
      loginCustomerId: config.GOOGLE_ADS_LOGIN_CUSTOMER_ID,
    });
  }
  if (config.TIKTOK_APP_ID && config.TIKTOK_APP_SECRET) {
    clients.tiktok = createTikTokOAuth({
      appId: config.TIKTOK_APP_ID,
      secret: config.TIKTOK_APP_SECRET,
      baseUrl: config.TIKTOK_API_BASE_URL,
    });
  }
  return clients;
}

/** The platform registry and the connection options of the domain. */
export function platformsFromConfig(
  config: Config,
  db: Database,
  cipher: CredentialCipher,
): { platforms: PlatformRegistry; connections: ConnectionsOptions & { syncIntervalMs: number } } {
  const oauth = oauthClients(config);
  const platforms: PlatformRegistry = {
    sandbox: createSandboxPlatform(),
    ...connectedPlatforms({
      db,
      cipher,
      oauth,
      meta: { baseUrl: config.META_API_BASE_URL, apiVersion: config.META_API_VERSION },
      google: config.GOOGLE_ADS_DEVELOPER_TOKEN
        ? {
          baseUrl: config.GOOGLE_ADS_API_BASE_URL,
          apiVersion: config.GOOGLE_ADS_API_VERSION,
          developerToken: config.GOOGLE_ADS_DEVELOPER_TOKEN,
        }
        : undefined,
      tiktok: { baseUrl: config.TIKTOK_API_BASE_URL },
    }),
  };
  return {
    platforms,
    connections: {
      cipher,
      oauth,
      redirectBaseUrl: config.OAUTH_REDIRECT_BASE_URL ?? config.PUBLIC_URL,
      backfillDays: config.METRICS_BACKFILL_DAYS,
      syncIntervalMs: config.PLATFORM_SYNC_INTERVAL_MINUTES * 60_000,
    },
  };
}
