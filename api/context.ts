/**
 * What the REST API is built from, and the per-request variables its middleware sets.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AgentRuns } from "../agent/runs/types.ts";
import type { TestHooks } from "../agent/runs/test_hooks.ts";
import type { Context, MiddlewareHandler } from "hono";
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.ts";
import type { RunOnceOutcome, StoredResponse } from "../domain/idempotency.ts";
import type { PlatformRequestKey } from "../domain/platforms/adapter.ts";
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
  /**
   * TEST ONLY (`AAE_TEST_HOOKS=1`): the crash tests' pause points; the `idempotency` middleware
   * reaches `rest_before_commit:<scope>` and `rest_after_effect:<scope>` (see there).
   */
  testHooks?: Pick<TestHooks, "pause">;
}

/** Hono environment of the API app: `c.env` is Deno's connection info when served. */
export interface ApiEnv {
  Bindings: { remoteAddr?: Deno.Addr };
  Variables: {
    requestId: string;
    log: Logger;
    auth: RequestAuth;
    /** Set by the `idempotency` middleware for a request carrying an `Idempotency-Key`. */
    idempotent: IdempotentRequest | undefined;
  };
}

/** A request holding an `Idempotency-Key` claim (see `api/middleware/idempotency.ts`). */
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
  /**
   * Authentication, rate limit and idempotency, in that order. A retry takes over the key of a
   * request whose instance died and runs it again, so a POST behind these guards answers through
   * `respondOnce` or is idempotent on its own (see `api/middleware/idempotency.ts`).
   */
  guards: MiddlewareHandler<ApiEnv>[];
  /** The same without idempotency, for responses that must never be stored (secrets). */
  guardsWithoutReplay: MiddlewareHandler<ApiEnv>[];
}

/** The authenticated actor of a request behind `requireAuth`. */
export function actorOf(c: Context<ApiEnv>): Actor {
  return c.get("auth").actor;
}
