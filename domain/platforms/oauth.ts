/**
 * Signing in with an ad platform to connect its accounts (OAuth 2.0 authorization code flows):
 *
 * - **Meta** (Facebook Login for Business, "Manually build a login flow"): the
 *   `/{version}/dialog/oauth` consent screen with `ads_management,ads_read` (or a Login for
 *   Business `config_id`), the code exchanged at `/{version}/oauth/access_token`, then exchanged
 *   again for a long-lived token (`grant_type=fb_exchange_token`, about 60 days, its expiry kept
 *   with the tokens). No refresh token: a token is extended by the same exchange while still
 *   valid (`extend`, in the week before it expires); an expired one means reconnecting. Revoked with `DELETE /{version}/me/permissions`.
 * - **Google Ads** ("OAuth 2.0 for Web Server Applications"): consent with the
 *   `https://www.googleapis.com/auth/adwords` scope, `access_type=offline` and `prompt=consent`
 *   (so a refresh token comes back), `POST /token` for the code and for refreshes, `POST /revoke`.
 *   Calls also carry the developer token and, through a manager account, `login-customer-id`.
 * - **TikTok** (Marketing API "Authentication"): the `/portal/auth` consent screen answering with
 *   `auth_code`, exchanged at `POST /open_api/v1.3/oauth2/access_token/` for a long-lived token;
 *   revoked at `POST /open_api/v1.3/oauth2/revoke_token/`.
 *
 * @module
 */
import { z } from "zod";
import type { PlatformName } from "../../db/schema.ts";
import { PlatformAuthError, PlatformError } from "../errors.ts";
import type { PlatformTokens } from "./credentials.ts";

/** The platforms that are connected by signing in. */
export type OAuthPlatform = Exclude<PlatformName, "sandbox">;

/** One platform's sign-in. */
export interface OAuthClient {
  readonly platform: OAuthPlatform;
  /** The consent screen to send the browser to. */
  authorizeUrl(state: string, redirectUri: string): string;
  /** The query parameter the platform returns the code in (`code`, TikTok `auth_code`). */
  readonly codeParameter: string;
  /** Exchanges the code for tokens; `PlatformAuthError` when the platform refuses it. */
  exchange(code: string, redirectUri: string): Promise<PlatformTokens>;
  /** New tokens for expired ones; null when they cannot be renewed (reconnect). */
  refresh(tokens: PlatformTokens): Promise<PlatformTokens | null>;
  /**
   * A fresh token for one still valid but close to its `expiresAt`, where the platform can only
   * extend a token before it expires (Meta); absent elsewhere.
   */
  extend?(tokens: PlatformTokens): Promise<PlatformTokens>;
  /** Revokes the grant at the platform (best effort: a token already invalid counts as done). */
  revoke(tokens: PlatformTokens): Promise<void>;
}

/** Meta app settings. */
export interface MetaOAuthOptions {
  appId: string;
  appSecret: string;
  /** Graph API host (token endpoints, revocation). */
  apiBaseUrl: string;
  apiVersion: string;
  /** Where the consent dialog is (`https://www.facebook.com`). */
  loginBaseUrl: string;
  /** A Facebook Login for Business configuration (sent instead of scopes when set). */
  loginConfigId?: string;
  fetch?: typeof fetch;
  /** The time tokens' expiry is counted from (tests pass their clock). */
  now?: () => Date;
}

/** Google OAuth client settings. */
export interface GoogleOAuthOptions {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** The manager account calls go through (`login-customer-id`), if any. */
  loginCustomerId?: string;
  fetch?: typeof fetch;
}

/** TikTok app settings. */
export interface TikTokOAuthOptions {
  appId: string;
  secret: string;
  /** `https://business-api.tiktok.com` (consent at `/portal/auth`, API under `/open_api`). */
  baseUrl: string;
  fetch?: typeof fetch;
}

/** The Google Ads API scope. */
export const GOOGLE_ADS_SCOPE = "https://www.googleapis.com/auth/adwords";
/** Meta permissions for managing campaigns and reading insights. */
export const META_SCOPES = "ads_management,ads_read";

const trim = (url: string) => url.replace(/\/+$/, "");

async function answer(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 200) };
  }
}

function refused(platform: string, body: unknown): PlatformAuthError {
  const message = z.object({
    error: z.union([
      z.string(),
      z.object({ message: z.string() }).transform((error) => error.message),
    ]),
    error_description: z.string().optional(),
  }).safeParse(body);
  const detail = message.success
    ? [message.data.error, message.data.error_description].filter(Boolean).join(": ")
    : "the platform refused the sign-in";
  return new PlatformAuthError(`${platform} sign-in failed (${detail}); try connecting again`);
}

/** Meta's sign-in. */
export function createMetaOAuth(options: MetaOAuthOptions): OAuthClient {
  const http = options.fetch ?? fetch;
  const api = `${trim(options.apiBaseUrl)}/${options.apiVersion}`;
  const now = options.now ?? (() => new Date());
  const tokenSchema = z.object({
    access_token: z.string().min(1),
    expires_in: z.number().optional(),
  });

  async function tokenCall(params: Record<string, string>) {
    const url = new URL(`${api}/oauth/access_token`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await http(url);
    const body = await answer(response);
    const parsed = tokenSchema.safeParse(body);
    if (!response.ok || !parsed.success) throw refused("Meta", body);
    return parsed.data;
  }

  /** A long-lived token (about 60 days) for a valid one: the code's, or one about to expire. */
  async function longLived(token: string): Promise<PlatformTokens> {
    const answer = await tokenCall({
      grant_type: "fb_exchange_token",
      client_id: options.appId,
      client_secret: options.appSecret,
      fb_exchange_token: token,
    });
    const expiresAt = answer.expires_in === undefined
      ? null
      : new Date(now().getTime() + answer.expires_in * 1000).toISOString();
    return { accessToken: answer.access_token, refreshToken: null, expiresAt };
  }

  return {
    platform: "meta",
    codeParameter: "code",
    authorizeUrl(state, redirectUri) {
      const url = new URL(`${trim(options.loginBaseUrl)}/${options.apiVersion}/dialog/oauth`);
      url.searchParams.set("client_id", options.appId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("state", state);
      url.searchParams.set("response_type", "code");
      if (options.loginConfigId) url.searchParams.set("config_id", options.loginConfigId);
      else url.searchParams.set("scope", META_SCOPES);
      return url.toString();
    },
    async exchange(code, redirectUri) {
      const shortLived = await tokenCall({
        client_id: options.appId,
        client_secret: options.appSecret,
        redirect_uri: redirectUri,
        code,
      });
      // A long-lived token instead of the 1-2 hour one the code gives.
      return await longLived(shortLived.access_token);
    },
    // Meta has no refresh token; an expired long-lived token needs the person to sign in again.
    refresh: () => Promise.resolve(null),
    // Before it expires, a long-lived token can be exchanged for a new one.
    extend: (tokens) => longLived(tokens.accessToken),
    async revoke(tokens) {
      const response = await http(`${api}/me/permissions`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      await response.body?.cancel();
    },
  };
}

/** Google's sign-in for the Google Ads API. */
export function createGoogleOAuth(options: GoogleOAuthOptions): OAuthClient {
  const http = options.fetch ?? fetch;
  const tokenSchema = z.object({
    access_token: z.string().min(1),
    refresh_token: z.string().optional(),
  });

  async function tokenCall(form: Record<string, string>) {
    const response = await http(options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        ...form,
      }),
    });
    const body = await answer(response);
    const parsed = tokenSchema.safeParse(body);
    return { ok: response.ok && parsed.success, body, tokens: parsed.data };
  }

  return {
    platform: "google",
    codeParameter: "code",
    authorizeUrl(state, redirectUri) {
      const url = new URL(options.authorizeUrl);
      url.searchParams.set("client_id", options.clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("scope", GOOGLE_ADS_SCOPE);
      url.searchParams.set("access_type", "offline");
      url.searchParams.set("prompt", "consent");
      url.searchParams.set("include_granted_scopes", "true");
      url.searchParams.set("state", state);
      return url.toString();
    },
    async exchange(code, redirectUri) {
      const result = await tokenCall({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
      });
      if (!result.ok || !result.tokens) throw refused("Google", result.body);
      if (!result.tokens.refresh_token) {
        throw new PlatformAuthError(
          "Google sent no refresh token; remove the app's access in your Google account and connect again",
        );
      }
      return {
        accessToken: result.tokens.access_token,
        refreshToken: result.tokens.refresh_token,
        loginCustomerId: options.loginCustomerId ?? null,
      };
    },
    async refresh(tokens) {
      if (!tokens.refreshToken) return null;
      const result = await tokenCall({
        grant_type: "refresh_token",
        refresh_token: tokens.refreshToken,
      });
      if (!result.ok || !result.tokens) {
        // invalid_grant: revoked or expired refresh token — the person must connect again.
        if (z.object({ error: z.literal("invalid_grant") }).safeParse(result.body).success) {
          return null;
        }
        throw new PlatformError("Google's token endpoint failed; try again later");
      }
      return { ...tokens, accessToken: result.tokens.access_token };
    },
    async revoke(tokens) {
      const response = await http(options.revokeUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: tokens.refreshToken ?? tokens.accessToken }),
      });
      await response.body?.cancel();
    },
  };
}

/** TikTok's sign-in. */
export function createTikTokOAuth(options: TikTokOAuthOptions): OAuthClient {
  const http = options.fetch ?? fetch;
  const base = trim(options.baseUrl);
  const envelope = z.object({ code: z.number(), message: z.string(), data: z.unknown() });

  async function post(path: string, body: Record<string, string>) {
    const response = await http(`${base}/open_api/v1.3${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return envelope.safeParse(await answer(response));
  }

  return {
    platform: "tiktok",
    codeParameter: "auth_code",
    authorizeUrl(state, redirectUri) {
      const url = new URL(`${base}/portal/auth`);
      url.searchParams.set("app_id", options.appId);
      url.searchParams.set("state", state);
      url.searchParams.set("redirect_uri", redirectUri);
      return url.toString();
    },
    async exchange(code) {
      const result = await post("/oauth2/access_token/", {
        app_id: options.appId,
        secret: options.secret,
        auth_code: code,
      });
      const token = z.object({ access_token: z.string().min(1) }).safeParse(
        result.success ? result.data.data : null,
      );
      if (!result.success || result.data.code !== 0 || !token.success) {
        throw new PlatformAuthError(
          `TikTok sign-in failed (${
            result.success ? result.data.message : "unreadable answer"
          }); try connecting again`,
        );
      }
      return { accessToken: token.data.access_token, refreshToken: null };
    },
    // Marketing API tokens are long-lived; one that stops working needs a new sign-in.
    refresh: () => Promise.resolve(null),
    async revoke(tokens) {
      await post("/oauth2/revoke_token/", {
        app_id: options.appId,
        secret: options.secret,
        access_token: tokens.accessToken,
      });
    },
  };
}
