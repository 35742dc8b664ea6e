/**
 * `Idempotency-Key` on POST: the first request with a key runs and, when it succeeds, its
 * response is stored through `domain.idempotency`; a retry with the same key and body replays it
 * (`Idempotent-Replayed: true`), the same key with another body is a 409. Failed requests (4xx,
 * 5xx) store nothing, so they may be retried with the same key. A request interrupted after its
 * handler committed but before its response was stored (a crash) keeps the key 409 until the
 * record expires: the handler's effect is not atomic with the record, so it is never re-run.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ValidationError } from "../../domain/errors.ts";
import { requestHash } from "../../domain/idempotency.ts";
import type { Domain } from "../../domain/mod.ts";
import type { ApiEnv } from "../context.ts";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Replays or records POST responses by `Idempotency-Key` (after `requireAuth`). */
export function idempotency(deps: { domain: Domain }): MiddlewareHandler<ApiEnv> {
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
    const start = await deps.domain.idempotency.begin(actor, { scope, key, requestHash: hash });
    if (start.state === "replay") {
      c.header("Idempotent-Replayed", "true");
      return c.json(start.responseBody, start.responseStatus as ContentfulStatusCode);
    }
    const claim = { scope, key, claimToken: start.claimToken };
    try {
      await next();
    } finally {
      const status = c.res.status;
      if (status >= 200 && status < 300 && !c.error) {
        const responseBody = await c.res.clone().json();
        await deps.domain.idempotency.complete(actor, {
          ...claim,
          responseStatus: status,
          responseBody,
        });
      } else {
        await deps.domain.idempotency.abandon(actor, claim);
      }
    }
  };
}
