/**
 * `GET /health` under the API's base path, for load balancers that route only `/api/v1`: the
 * same liveness answer as `/healthz` (readiness of the database and coordination stays at
 * `/readyz`).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { ApiApp } from "../context.ts";
import { publicRoute } from "../openapi.ts";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

/** Registers the health check. */
export function registerHealthRoutes(app: ApiApp): void {
  app.openapi(
    publicRoute({
      method: "get",
      path: "/health",
      tags: ["Health"],
      summary: "Liveness check",
      description: "Answers 200 while the process serves requests; no credentials, no " +
        "rate limit. The same as `/healthz` outside the API; readiness is `/readyz`.",
      responses: {
        200: { description: "Up", content: { "application/json": { schema: HealthSchema } } },
      },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
}
