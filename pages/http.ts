/**
 * Response helpers shared by page handlers: Post/Redirect/Get redirects with a flash message
 * and extra cookies, the same-origin (CSRF) guard, and safe `next` targets.
 *
 * @module
 */
import { isSameOrigin } from "../auth/authenticate.ts";
import type { Config } from "../lib/config.ts";
import { type Flash, flashCookie } from "./flash.ts";

/** What a redirect carries besides its target. */
export interface RedirectOptions {
  flash?: Flash;
  /** `Set-Cookie` values to send (session cookies, for instance). */
  cookies?: readonly string[];
}

/** A 303 See Other to `location`, so the browser follows with a GET. */
export function redirect(location: string, options: RedirectOptions = {}): Response {
  const headers = new Headers({ location });
  for (const cookie of options.cookies ?? []) headers.append("set-cookie", cookie);
  if (options.flash) headers.append("set-cookie", flashCookie(options.flash));
  return new Response(null, { status: 303, headers });
}

/** The 403 answer to a form posted from another site. */
export function crossSiteRejected(): Response {
  return new Response("Cross-site form submission rejected", {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** 403 unless `req` comes from our own origin; null when it may proceed. */
export function rejectCrossSite(
  req: Request,
  config: Pick<Config, "PUBLIC_URL">,
): Response | null {
  return isSameOrigin(req, config) ? null : crossSiteRejected();
}

/** A local path to continue to after signing in; `/dashboard` for anything else. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) && value.length <= 2048
    ? value
    : "/dashboard";
}

/** Appends `Set-Cookie` values to a response (a new one when its headers are immutable). */
export function withCookies(response: Response, cookies: readonly string[]): Response {
  if (cookies.length === 0) return response;
  try {
    for (const cookie of cookies) response.headers.append("set-cookie", cookie);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const cookie of cookies) copy.headers.append("set-cookie", cookie);
    return copy;
  }
}

/**
 * Marks a signed-in page's response `Cache-Control: no-store`, so no cache (nor the browser's
 * Back button after signing out) keeps a copy of private data.
 */
export function noStore(response: Response): Response {
  try {
    response.headers.set("cache-control", "no-store");
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("cache-control", "no-store");
    return copy;
  }
}
