/**
 * Rate limits on the coordination layer's fixed-window counters (Redis across instances, in
 * process otherwise): requests per authenticated user, and sign-in attempts per account and per
 * client IP. Over the limit → 429 with `Retry-After`. While Redis is unreachable the limits are
 * counted in this process alone (with a warning), so an outage does not fail every request.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../../lib/config.ts";
import { createMemoryCounters } from "../../lib/coordination/memory.ts";
import { type Coordination, CoordinationUnavailableError } from "../../lib/coordination/types.ts";
import type { Logger } from "../../lib/log.ts";
import type { ApiEnv } from "../context.ts";
import { RateLimitedError } from "../errors.ts";

type LimitConfig = Pick<
  Config,
  | "API_RATE_LIMIT_PER_MINUTE"
  | "LOGIN_RATE_LIMIT_PER_ACCOUNT"
  | "LOGIN_RATE_LIMIT_PER_IP"
  | "LOGIN_RATE_LIMIT_WINDOW_SECONDS"
  | "TRUST_PROXY"
>;

/** This process's counters, used while the shared ones cannot be reached. */
const localCounters = createMemoryCounters();

/**
 * Counts one event under `key`; throws 429 once more than `limit` happened in the window. Falls
 * back to this process's counters (logging a warning) while the coordination backend is down.
 */
export async function enforceLimit(
  coordination: Coordination,
  key: string,
  limit: number,
  windowMs: number,
  log?: Logger,
): Promise<void> {
  const counterKey = `ratelimit:${key}`;
  const { count, resetInMs } = await coordination.counters.increment(counterKey, windowMs)
    .catch((error) => {
      if (!(error instanceof CoordinationUnavailableError)) throw error;
      log?.warn("local rate limit: coordination unavailable", { error: error.message });
      return localCounters.increment(counterKey, windowMs);
    });
  if (count > limit) throw new RateLimitedError(resetInMs / 1000);
}

/**
 * Takes back one event counted under `key` (an attempt that turned out not to count), in the
 * shared counters or, while they cannot be reached, this process's.
 */
export async function refundLimit(
  coordination: Coordination,
  key: string,
  log?: Logger,
): Promise<void> {
  const counterKey = `ratelimit:${key}`;
  await coordination.counters.decrement(counterKey).catch((error) => {
    if (!(error instanceof CoordinationUnavailableError)) throw error;
    log?.warn("local rate limit: coordination unavailable", { error: error.message });
    return localCounters.decrement(counterKey);
  });
}

/** The client's IP address: the socket peer, or the first `X-Forwarded-For` hop behind a proxy. */
export function clientIp(c: Context<ApiEnv>, config: Pick<Config, "TRUST_PROXY">): string {
  if (config.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const addr = c.env?.remoteAddr;
  return addr && "hostname" in addr ? addr.hostname : "unknown";
}

/** Requests per authenticated user per minute (after `requireAuth`). */
export function apiRateLimit(
  deps: { coordination: Coordination; config: LimitConfig },
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await enforceLimit(
      deps.coordination,
      `api:${c.get("auth").actor.userId}`,
      deps.config.API_RATE_LIMIT_PER_MINUTE,
      60_000,
      c.get("log"),
    );
    await next();
  };
}

/** Sign-in and registration attempts per client IP. */
export async function limitAuthByIp(
  c: Context<ApiEnv>,
  deps: { coordination: Coordination; config: LimitConfig },
): Promise<void> {
  await enforceLimit(
    deps.coordination,
    `auth-ip:${clientIp(c, deps.config)}`,
    deps.config.LOGIN_RATE_LIMIT_PER_IP,
    deps.config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000,
    c.get("log"),
  );
}

/** What a sign-in attempt was counted under, to take it back once it succeeds. */
export interface SignInAttempt {
  /** Takes the attempt back: call it after a successful sign-in, so only failures count. */
  succeeded(): Promise<void>;
}

/**
 * Counts a sign-in attempt per client IP and per account (by normalized email), throwing 429
 * once either is over its limit. The attempt is counted before the password is checked, so
 * parallel guesses cannot slip past the limit; a successful sign-in then takes it back.
 */
export async function countSignInAttempt(
  deps: { coordination: Coordination; config: LimitConfig },
  ip: string,
  email: string,
  log?: Logger,
): Promise<SignInAttempt> {
  const { coordination, config } = deps;
  const windowMs = config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000;
  const keys = [`auth-ip:${ip}`, `login:${email.trim().toLowerCase()}`];
  await enforceLimit(coordination, keys[0], config.LOGIN_RATE_LIMIT_PER_IP, windowMs, log);
  await enforceLimit(coordination, keys[1], config.LOGIN_RATE_LIMIT_PER_ACCOUNT, windowMs, log);
  return {
    async succeeded() {
      for (const key of keys) await refundLimit(coordination, key, log);
    },
  };
}

/** Sign-in attempts per client IP and per account; see `countSignInAttempt`. */
export function limitLogin(
  c: Context<ApiEnv>,
  deps: { coordination: Coordination; config: LimitConfig },
  email: string,
): Promise<SignInAttempt> {
  return countSignInAttempt(deps, clientIp(c, deps.config), email, c.get("log"));
}
