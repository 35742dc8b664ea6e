/**
 * The real ad platforms as the app registers them: each configured platform's adapter reading
 * encrypted credentials (renewed through its OAuth client), and able to revoke a connection's
 * grant when an account is disconnected.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import type { PlatformAdapter, PlatformRegistry } from "../platforms/adapter.ts";
import type { CredentialCipher } from "../platforms/credential_cipher.ts";
import { createGoogleAdsAdapter } from "../platforms/google_ads.ts";
import type { HttpPolicy } from "../platforms/http.ts";
import { createMetaAdapter } from "../platforms/meta.ts";
import type { OAuthClient, OAuthPlatform } from "../platforms/oauth.ts";
import { createTikTokAdapter } from "../platforms/tiktok.ts";
import { encryptedCredentials, openTokens } from "./credentials.ts";

/** What the configured platforms are. */
export interface ConnectedPlatformsOptions {
  db: Database;
  cipher: CredentialCipher;
  oauth: Partial<Record<OAuthPlatform, OAuthClient>>;
  meta?: { baseUrl: string; apiVersion: string };
  google?: { baseUrl: string; apiVersion: string; developerToken: string };
  tiktok?: { baseUrl: string };
  http?: Partial<HttpPolicy>;
  /** The time tokens' expiry is judged at (tests pass their clock). */
  now?: () => Date;
}

/** Adapters of the platforms whose sign-in is configured. */
export function connectedPlatforms(options: ConnectedPlatformsOptions): PlatformRegistry {
  const { db, cipher, oauth, http, now } = options;
  const registry: PlatformRegistry = {};
  if (oauth.meta && options.meta) {
    registry.meta = revocable(
      createMetaAdapter({
        ...options.meta,
        credentials: encryptedCredentials(db, cipher, oauth.meta, now),
        http,
      }),
      cipher,
      oauth.meta,
    );
  }
  if (oauth.google && options.google) {
    registry.google = revocable(
      createGoogleAdsAdapter({
        ...options.google,
        credentials: encryptedCredentials(db, cipher, oauth.google, now),
        http,
      }),
      cipher,
      oauth.google,
    );
  }
  if (oauth.tiktok && options.tiktok) {
    registry.tiktok = revocable(
      createTikTokAdapter({
        ...options.tiktok,
        credentials: encryptedCredentials(db, cipher, oauth.tiktok, now),
        http,
      }),
      cipher,
      oauth.tiktok,
    );
  }
  return registry;
}

/**
 * The adapter with `revokeCredentials`: revokes the grant at the platform unless another
 * connected account still uses the same token (several accounts picked from one sign-in share
 * it). A platform that cannot be reached is not retried: disconnecting never waits on it.
 */
export function revocable(
  adapter: PlatformAdapter,
  cipher: CredentialCipher,
  oauth: OAuthClient,
): PlatformAdapter {
  return {
    ...adapter,
    async revokeCredentials(stored, stillConnected) {
      const tokens = await openTokens(cipher, stored);
      for (const other of stillConnected) {
        const theirs = await openTokens(cipher, other).catch(() => null);
        if (theirs?.accessToken === tokens.accessToken) return { revoked: false };
        if (tokens.refreshToken && theirs?.refreshToken === tokens.refreshToken) {
          return { revoked: false };
        }
      }
      await oauth.revoke(tokens);
      return { revoked: true };
    },
  };
}
