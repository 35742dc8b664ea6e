/**
 * What the REST API is built from, and the per-request variables its middleware sets.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AgentRuns } from "../agent/runs/types.ts";
import type { Context, MiddlewareHandler } from "hono";
import type { Actor, Clock, Domain } from "../domain/mod.ts";
import type { Config } from "../lib/config.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import type { Logger } from "../lib/log.ts";
import type { AccessTokens } from "../auth/access_tokens.ts";
import type { RequestAuth } from "../auth/authenticate.ts";

/** Everything `createApi` needs; `app/services.ts`'s `Services` satisfies it. */
export interface ApiDependencies {
  domain: Domain;
  coordination: Coordination;
  accessTokens: AccessTokens;
  config: Config;
  log: Logger;
  /** Durable agent runs (chat and run routes answer 503 without them). */
  runs?: AgentRuns;
  /** Time source for token expiry (defaults to the system clock; tests pass the domain's). */
  clock?: Clock;
}

/** Hono environment of the API app: `c.env` is Deno's connection info when served. */
export interface ApiEnv {
  Bindings: { remoteAddr?: Deno.Addr };
  Variables: {
    requestId: string;
    log: Logger;
    auth: RequestAuth;
  };
}

/** The API app type every route module registers on. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** What route modules receive: the dependencies and the guards of private routes. */
export interface RouteContext {
  deps: ApiDependencies;
  /** Authentication, rate limit and idempotency, in that order. */
  guards: MiddlewareHandler<ApiEnv>[];
  /** The same without idempotency, for responses that must never be stored (secrets). */
  guardsWithoutReplay: MiddlewareHandler<ApiEnv>[];
}

/** The authenticated actor of a request behind `requireAuth`. */
export function actorOf(c: Context<ApiEnv>): Actor {
  return c.get("auth").actor;
}
