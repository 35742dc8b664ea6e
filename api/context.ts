/**
 * What the REST API is built from, and the per-request variables its middleware sets.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AgentRuns } from "../agent/runs/types.ts";
import type { Context, MiddlewareHandler } from "hono";
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.ts";
import type { RunOnceOutcome, StoredResponse } from "../domain/idempotency.ts";
import type { PlatformRequestKey } from "../domain/platforms/adapter.ts";
import type { Actor, Clock, Domain } from "../domain/mod.ts";
import type { Config } from "../lib/config.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import type { Logger } from "../lib/log.ts";
import type { AccessTokens } from "./auth/access_tokens.ts";

/** Everything `createApi` needs; `lib/services.ts`'s `Services` satisfies it. */
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

/** How a request proved who it is. */
export type AuthMethod = "access_token" | "api_token" | "cookie";

/** The authenticated caller of a request. */
export interface RequestAuth {
  actor: Actor;
  method: AuthMethod;
  /** The session of an access token or cookie; null for API tokens. */
  sessionId: string | null;
  /** `Set-Cookie` values to add to the response (after a transparent cookie refresh). */
  setCookies: string[];
}

/** Hono environment of the API app: `c.env` is Deno's connection info when served. */
export interface ApiEnv {
  Bindings: { remoteAddr?: Deno.Addr };
  Variables: {
    requestId: string;
    log: Logger;
    auth: RequestAuth;
    /** Set by the `idempotency` middleware of `onceGuards` routes for a keyed request. */
    idempotent: IdempotentRequest | undefined;
  };
}

/** A request holding an `Idempotency-Key` claim whose effect commits with its record. */
export interface IdempotentRequest {
  /** What the ad platform deduplicates this request's attempts by. */
  platformRequestKey: PlatformRequestKey;
  /** `domain.idempotency.runOnce` on the request's claim. */
  runOnce<Body>(
    effect: (trx: Transaction<DB>) => Promise<StoredResponse<Body>>,
  ): Promise<RunOnceOutcome<Body>>;
}

/** The API app type every route module registers on. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** What route modules receive: the dependencies and the guards of private routes. */
export interface RouteContext {
  deps: ApiDependencies;
  /** Authentication, rate limit and idempotency, in that order. */
  guards: MiddlewareHandler<ApiEnv>[];
  /**
   * Guards of routes answering through `respondOnce`: their claims carry an owner lease that a
   * retry takes over once the owner is gone.
   */
  onceGuards: MiddlewareHandler<ApiEnv>[];
  /** The same without idempotency, for responses that must never be stored (secrets). */
  guardsWithoutReplay: MiddlewareHandler<ApiEnv>[];
}

/** The authenticated actor of a request behind `requireAuth`. */
export function actorOf(c: Context<ApiEnv>): Actor {
  return c.get("auth").actor;
}
