/**
 * Signing in and out from pages with the same functions the REST API uses: the domain creates
 * the session, `issueTokens` the access token, `sessionCookies` the browser cookies.
 *
 * @module
 */
import {
  issueTokens,
  type RequestAuth,
  sessionClient,
  tokenCookies,
} from "../auth/authenticate.ts";
import { clearSessionCookies } from "../auth/cookies.ts";
import { endSignIn } from "../auth/sign_out.ts";
import { RateLimitedError } from "../api/errors.ts";
import {
  countSignInAttempt,
  enforceLimit,
  type SignInAttempt,
} from "../api/middleware/rate_limit.ts";
import type { Actor } from "../domain/actor.ts";
import type { PageServices } from "./state.ts";

/** The client's IP address: the socket peer, or the first forwarded hop behind a proxy. */
export function pageClientIp(
  req: Request,
  remoteAddr: Deno.NetAddr,
  services: PageServices,
): string {
  if (services.config.TRUST_PROXY) {
    const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return remoteAddr.hostname ?? "unknown";
}

/** Starts a session for `actor` and answers the cookies that store it in the browser. */
export async function startSession(
  services: PageServices,
  req: Request,
  ip: string,
  actor: Actor,
): Promise<string[]> {
  const session = await services.domain.sessions.create(actor, sessionClient(req, ip));
  const tokens = await issueTokens(services, { ...session, actor });
  return tokenCookies(tokens, services);
}

/**
 * Ends the sign-in the browser is signed in with (its session cookies'), so neither its refresh
 * cookie nor its access cookie works any more, and answers the cookies that clear them.
 */
export async function endSession(
  services: PageServices,
  auth: RequestAuth | null,
): Promise<string[]> {
  if (auth) await endSignIn(services.domain, auth);
  return clearSessionCookies(services.config);
}

/**
 * Counts a registration attempt against the same per-IP limit as the API; the retry delay in
 * seconds once over the limit, else null.
 */
export async function authAttemptLimited(
  services: PageServices,
  ip: string,
): Promise<number | null> {
  const { config, coordination } = services;
  const windowMs = config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000;
  try {
    await enforceLimit(coordination, `auth-ip:${ip}`, config.LOGIN_RATE_LIMIT_PER_IP, windowMs);
    return null;
  } catch (error) {
    return retryDelay(error);
  }
}

/**
 * Counts a sign-in attempt against the same limits as the API (per client IP and per account):
 * the attempt, to take back once the password proved right, or the retry delay in seconds once
 * over a limit.
 */
export async function pageSignInAttempt(
  services: PageServices,
  ip: string,
  email: string,
): Promise<{ attempt: SignInAttempt } | { retryAfter: number }> {
  try {
    return { attempt: await countSignInAttempt(services, ip, email) };
  } catch (error) {
    return { retryAfter: retryDelay(error) };
  }
}

function retryDelay(error: unknown): number {
  if (!(error instanceof RateLimitedError)) throw error;
  return Number(error.headers["Retry-After"] ?? 60);
}
