/**
 * Operators' view of the running app: the Prometheus endpoint (`GET /metrics`, text format,
 * behind a bearer token) and the page-layer plugin that records page requests. REST requests
 * are recorded by a middleware of the API app, the other endpoints by `main.ts`.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { Plugin } from "$fresh/server.ts";
import { METRICS_CONTENT_TYPE, observeRequest, registry } from "../lib/metrics.ts";

/** Where the metrics are served. */
export const METRICS_PATH = "/metrics";

const encoder = new TextEncoder();

/** Compares in constant time for equal lengths, so the token cannot be guessed byte by byte. */
function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [encoder.encode(given), encoder.encode(expected)];
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/**
 * The `/metrics` handler. Without a token configured the endpoint does not exist (404), so
 * nothing about the process leaks by default; with one, requests must send
 * `Authorization: Bearer <token>` (401 otherwise).
 */
export function createMetricsHandler(
  token: string | undefined,
): (req: Request) => Promise<Response> {
  return async (req) => {
    if (!token) return new Response("Not Found", { status: 404 });
    const header = req.headers.get("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    if (!sameSecret(given, token)) {
      return new Response("Unauthorized", {
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="metrics"' },
      });
    }
    return new Response(await registry.metrics(), {
      headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  };
}

/**
 * Answers with `answer()` and records the request under `route`; a throw counts as a 500.
 * For endpoints outside the API app and the page layer (health checks, MCP, chat, metrics).
 */
export async function timed(
  req: Request,
  route: string,
  answer: () => Response | Promise<Response>,
): Promise<Response> {
  const started = performance.now();
  let status = 500;
  try {
    const response = await answer();
    status = response.status;
    return response;
  } finally {
    observeRequest(req.method, route, status, started);
  }
}

/**
 * A page-layer plugin recording every page request under its route pattern (`/campaigns/:id`);
 * static files and unknown paths are labelled `static` and `notFound`.
 */
export const pageMetricsPlugin: Plugin = {
  name: "metrics",
  middlewares: [{
    path: "/",
    middleware: {
      // Promise callbacks rather than an async function: one frame less on every page.
      handler: (req, ctx) => {
        const started = performance.now();
        const record = (status: number) => {
          const route = ctx.destination === "route" ? ctx.route : ctx.destination;
          observeRequest(req.method, route, status, started);
        };
        return ctx.next().then((response) => {
          record(response.status);
          return response;
        }, (error) => {
          record(500);
          throw error;
        });
      },
    },
  }],
};
