/**
 * First middleware of every request: assigns the request id (a sane incoming `X-Request-Id` is
 * kept), gives handlers a logger carrying it, and writes one structured access-log line with
 * method, path, status, duration and user id — never headers, bodies or tokens.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../lib/log.ts";
import type { ApiEnv } from "../context.ts";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id to use for an incoming `X-Request-Id` header value. */
export function requestIdFor(incoming: string | undefined): string {
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** Request id, logger, cookies set by authentication, and the access log. */
export function requestContext(log: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFor(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.set("log", log.child({ request_id: requestId }));
    await next();
    c.header("X-Request-Id", requestId);
    const auth = c.get("auth");
    for (const cookie of auth?.setCookies ?? []) c.header("Set-Cookie", cookie, { append: true });
    const status = c.res.status;
    const fields = {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      user_id: auth?.actor.userId ?? null,
    };
    if (status >= 500) log.error("request", fields);
    else log.info("request", fields);
  };
}
