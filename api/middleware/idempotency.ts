/**
 * `Idempotency-Key` on POST: the first request with a key runs and, when it succeeds, its
 * response is stored through `domain.idempotency`; a retry with the same key and body replays it
 * (`Idempotent-Replayed: true`), the same key with another body is a 409. Failed requests (4xx,
 * 5xx) store nothing, so they may be retried with the same key.
 *
 * Every claim carries an owner lease, extended while the request runs. While the owner is alive
 * the same key answers 409 with `Retry-After`; once the lease has lapsed (the owner crashed or
 * hangs) a retry takes the claim over and runs the request afresh. That is safe because every
 * POST behind this middleware is one of two kinds:
 *
 * - It answers through `respondOnce`: its database effect and the stored response commit in one
 *   transaction (its ad platform call, before it, is deduplicated by the platform request key).
 *   A request cut off by a crash left both (a retry replays) or neither (a retry runs afresh).
 * - Its operation is idempotent on its own: running it again finds its effect already applied
 *   and answers for it (cancelling a cancelled run, the same approval of the same request, a
 *   message whose run the key already started — see the routes). Such a route commits its
 *   effect before the response is stored; a retry after a crash between the two runs it again.
 *
 * A POST that is neither must not use these guards (`RouteContext.guardsWithoutReplay`).
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
import type { StagedChange } from "../../domain/staged_change.ts";
import type { PlatformRequestKey } from "../../domain/platforms/adapter.ts";
import type { ApiDependencies, ApiEnv, IdempotentRequest } from "../context.ts";
import { type SnakeCased, toSnake } from "../case.ts";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Replays or records POST responses by `Idempotency-Key` (after `requireAuth`). TEST ONLY pause
 * points (`testHooks`, keyed requests only): `rest_before_commit:<scope>` inside the transaction
 * of a `respondOnce` effect, its writes made and nothing committed; `rest_after_effect:<scope>`
 * once the handler succeeded, before its response is stored. `<scope>` is `POST <route path>`.
 */
export function idempotency(
  deps: Pick<ApiDependencies, "domain" | "config" | "testHooks">,
): MiddlewareHandler<ApiEnv> {
  const { idempotency: records } = deps.domain;
  const leaseMs = deps.config.IDEMPOTENCY_LEASE_MS;
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
        if (error instanceof ConflictError && error.message === CLAIM_HELD_MESSAGE) {
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
        const outcome = await records.runOnce(actor, claim, async (trx) => {
          const response = await effect(trx);
          await deps.testHooks?.pause(`rest_before_commit:${scope}`);
          return response;
        });
        settled = true;
        return outcome;
      },
    };
    c.set("idempotent", request);
    // The lease is renewed well before it lapses, so only a dead or hung owner loses it.
    const heartbeat = setInterval(() => {
      records.heartbeat(actor, claim, leaseMs).catch((error) =>
        c.get("log").warn("idempotency lease not extended", { error: String(error) })
      );
    }, leaseMs / 3);
    try {
      await next();
    } finally {
      clearInterval(heartbeat);
      const status = c.res.status;
      const succeeded = status >= 200 && status < 300 && !c.error;
      if (succeeded) await deps.testHooks?.pause(`rest_after_effect:${scope}`);
      // A settled claim was completed by `runOnce` together with the effect.
      if (!settled && succeeded) {
        const responseBody = await c.res.clone().json();
        await records.complete(actor, { ...claim, responseStatus: status, responseBody });
      } else if (!settled) {
        await records.abandon(actor, claim);
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
