/**
 * Route guard: authenticates the request (bearer credential or session cookies) or answers 401,
 * and applies the same-origin (CSRF) check to cookie-authenticated unsafe requests (403).
 * Bearer requests need no Origin: a browser never attaches them on its own.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { UnauthenticatedError } from "../../domain/errors.ts";
import {
  type AuthDependencies,
  authenticateRequest,
  isSameOrigin,
  isUnsafeMethod,
} from "../../auth/authenticate.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE, requestCookies } from "../../auth/cookies.ts";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

/** 403 unless a cookie-authenticated unsafe request comes from our own origin. */
export function assertCsrfSafe(req: Request, deps: Pick<AuthDependencies, "config">): void {
  if (isUnsafeMethod(req.method) && !isSameOrigin(req, deps.config)) {
    throw new ApiError(403, "Cross-site request rejected: Origin does not match");
  }
}

/** Whether the request carries a session cookie. */
export function hasSessionCookie(req: Request): boolean {
  const cookies = requestCookies(req);
  return Boolean(cookies[ACCESS_COOKIE] || cookies[REFRESH_COOKIE]);
}

/** Requires an authenticated caller; sets `c.var.auth`. */
export function requireAuth(deps: AuthDependencies): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const req = c.req.raw;
    // Checked before cookies are used, so a cross-site request cannot even rotate them.
    if (!req.headers.has("authorization") && hasSessionCookie(req)) assertCsrfSafe(req, deps);
    const auth = await authenticateRequest(req, deps);
    if (!auth) {
      throw new UnauthenticatedError("Missing, invalid or expired credentials");
    }
    c.set("auth", auth);
    await next();
  };
}
