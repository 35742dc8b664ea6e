/**
 * `Idempotency-Key` on POST: the first request with a key runs and, when it succeeds, its
 * response is stored through `domain.idempotency`; a retry with the same key and body replays it
 * (`Idempotent-Replayed: true`), the same key with another body is a 409. Failed requests (4xx,
 * 5xx) store nothing, so they may be retried with the same key.
 *
 * Two kinds of routes:
 *
 * - Routes answering through `respondOnce` (guards `onceGuards`) commit their database effect and
 *   the stored response in one transaction. Their claim carries an owner lease, extended while
 *   the request runs: a request cut off by a crash left either both (a retry replays) or neither,
 *   and once the lease has lapsed a retry takes the claim over and runs afresh. While the owner is
 *   alive the same key answers 409 with `Retry-After`.
 * - Other routes commit their effect first and the response after it. A request interrupted
 *   between the two (a crash) keeps the key 409 until the record expires: its effect is not
 *   atomic with the record, so it is never re-run.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import {
  CLAIM_HELD_MESSAGE,
  type IdempotencyClaim,
  platformRequestKey,
  requestHash,
} from "../../domain/idempotency.ts";
import type { Domain } from "../../domain/mod.ts";
import type { StagedChange } from "../../domain/staged_change.ts";
import type { PlatformRequestKey } from "../../domain/platforms/adapter.ts";
import type { Config } from "../../lib/config.ts";
import type { ApiEnv, IdempotentRequest } from "../context.ts";
import { type SnakeCased, toSnake } from "../case.ts";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the middleware needs. */
export interface IdempotencyDependencies {
  domain: Domain;
  config: Pick<Config, "IDEMPOTENCY_LEASE_MS">;
}

/** Options of `idempotency`. */
export interface IdempotencyOptions {
  /** The guarded routes answer through `respondOnce` (their claims get an owner lease). */
  commitsWithRecord?: boolean;
}

/** Replays or records POST responses by `Idempotency-Key` (after `requireAuth`). */
export function idempotency(
  deps: IdempotencyDependencies,
  { commitsWithRecord = false }: IdempotencyOptions = {},
): MiddlewareHandler<ApiEnv> {
  const { idempotency: records } = deps.domain;
  const leaseMs = commitsWithRecord ? deps.config.IDEMPOTENCY_LEASE_MS : undefined;
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return await next();
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationError([{
        field: "idempotency-key",
        message: "must be 1-255 visible ASCII characters",
      }]);
    }
    const actor = c.get("auth").actor;
    const scope = `POST ${c.req.routePath}`.slice(0, 128);
    const body = await c.req.text();
    const hash = await requestHash({ path: c.req.path, body });
    const start = await records.begin(actor, { scope, key, requestHash: hash }, { leaseMs })
      .catch((error) => {
        // A live owner's claim: worth retrying once its lease could have lapsed.
        if (
          leaseMs !== undefined && error instanceof ConflictError &&
          error.message === CLAIM_HELD_MESSAGE
        ) {
          c.header("Retry-After", String(Math.ceil(leaseMs / 1000)));
        }
        throw error;
      });
    if (start.state === "replay") {
      c.header("Idempotent-Replayed", "true");
      return c.json(start.responseBody, start.responseStatus as ContentfulStatusCode);
    }
    const claim: IdempotencyClaim = { scope, key, claimToken: start.claimToken };
    let settled = false;
    const request: IdempotentRequest = {
      platformRequestKey: await platformRequestKey(actor, claim),
      async runOnce(effect) {
        const outcome = await records.runOnce(actor, claim, effect);
        settled = true;
        return outcome;
      },
    };
    if (commitsWithRecord) c.set("idempotent", request);
    // The lease is renewed well before it lapses, so only a dead or hung owner loses it.
    const heartbeat = leaseMs === undefined ? undefined : setInterval(() => {
      records.heartbeat(actor, claim, leaseMs).catch((error) =>
        c.get("log").warn("idempotency lease not extended", { error: String(error) })
      );
    }, leaseMs / 3);
    try {
      await next();
    } finally {
      clearInterval(heartbeat);
      if (!settled) {
        const status = c.res.status;
        if (status >= 200 && status < 300 && !c.error) {
          const responseBody = await c.res.clone().json();
          await records.complete(actor, { ...claim, responseStatus: status, responseBody });
        } else {
          await records.abandon(actor, claim);
        }
      }
    }
  };
}

/**
 * Answers `{data, message}` with the result of a staged change: committed together with the
 * request's idempotency record when it carries a key (the response of whichever attempt
 * committed, replayed if it was another's), or simply committed when it carries none. `stage`
 * gets the platform request key that makes repeated attempts change nothing more on the ad
 * platform.
 */
export async function respondOnce<T, Status extends 200 | 201 = 200>(
  c: Context<ApiEnv>,
  stage: (requestKey: PlatformRequestKey | undefined) => Promise<StagedChange<T>>,
  message: string,
  status?: Status,
) {
  const code = (status ?? 200) as Status;
  const once = c.get("idempotent");
  if (!once) {
    const data = await (await stage(undefined)).commit();
    return c.json({ data: toSnake(data), message }, code);
  }
  const change = await stage(once.platformRequestKey);
  const outcome = await once.runOnce(async (trx) => ({
    responseStatus: code,
    responseBody: { data: toSnake(await change.commit(trx)), message },
  }));
  if (outcome.state === "completed") return c.json(outcome.response.responseBody, code);
  // Another attempt of this request committed first (a takeover race): its response stands.
  c.header("Idempotent-Replayed", "true");
  return c.json(outcome.responseBody as { data: SnakeCased<T>; message: string }, code);
}
