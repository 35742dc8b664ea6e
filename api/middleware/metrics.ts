/**
 * Records each API request in the `/metrics` request histogram under the pattern of the route
 * that answered it (`/api/v1/campaigns/:id`), not its raw path, so there is one series per route.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { observeRequest } from "../../lib/metrics.ts";
import type { ApiEnv } from "../context.ts";

/** The API's outermost middleware: errors are already answers (`onError`) when it records. */
export const recordRequest: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  observeRequest(c.req.method, routePath(c, -1), c.res.status, started);
};
