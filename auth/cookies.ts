/**
 * Browser session cookies: a short-lived access JWT and the rotating refresh token, both
 * HttpOnly and `SameSite=Lax`, `Secure` when the public URL is https. Pages and the API share
 * these helpers so both read and write the same cookies.
 *
 * @module
 */
import { parse, serialize } from "hono/utils/cookie";
import type { Config } from "../lib/config.ts";

/** Name of the access-token cookie. */
export const ACCESS_COOKIE = "aae_access";
/** Name of the refresh-token cookie. */
export const REFRESH_COOKIE = "aae_refresh";

/** What a session cookie pair is made from. */
export interface SessionCookieValues {
  accessToken: string;
  /** Seconds the access token lives. */
  accessTtlSeconds: number;
  refreshToken: string;
  /** When the refresh token expires (ISO 8601). */
  refreshExpiresAt: string;
}

/** Whether cookies must be `Secure` (the app is served over https). */
export function secureCookies(config: Pick<Config, "PUBLIC_URL">): boolean {
  return config.PUBLIC_URL?.startsWith("https:") ?? false;
}

/** Attributes both session cookies carry. */
function sessionCookieAttributes(config: Pick<Config, "PUBLIC_URL">) {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: secureCookies(config) } as const;
}

/** `Set-Cookie` values that store a session in the browser. */
export function sessionCookies(
  values: SessionCookieValues,
  config: Pick<Config, "PUBLIC_URL">,
  now = new Date(),
): string[] {
  const base = sessionCookieAttributes(config);
  const refreshSeconds = Math.max(
    0,
    Math.floor((Date.parse(values.refreshExpiresAt) - now.getTime()) / 1000),
  );
  return [
    serialize(ACCESS_COOKIE, values.accessToken, { ...base, maxAge: values.accessTtlSeconds }),
    serialize(REFRESH_COOKIE, values.refreshToken, { ...base, maxAge: refreshSeconds }),
  ];
}

/** `Set-Cookie` values that remove the session cookies. */
export function clearSessionCookies(config: Pick<Config, "PUBLIC_URL">): string[] {
  const base = sessionCookieAttributes(config);
  return [
    serialize(ACCESS_COOKIE, "", { ...base, maxAge: 0 }),
    serialize(REFRESH_COOKIE, "", { ...base, maxAge: 0 }),
  ];
}

/** The cookies of a request, by name. */
export function requestCookies(req: Request): Record<string, string> {
  const header = req.headers.get("cookie");
  return header ? parse(header) : {};
}
