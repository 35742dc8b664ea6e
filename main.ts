/**
 * Server entry: opens the services, then serves the health checks, the Prometheus metrics at
 * `/metrics`, the REST API at `/api/v1`, the MCP server at `/mcp` and the pages, side by side
 * (Hono stays out of the page pipeline).
 * `deno task start` runs this file; tests call `createApp` with services of their own.
 *
 * @module
 */
import { compressResponse, createHandler } from "$fresh/server.ts";
import { createApi } from "./api/app.ts";
import { CHAT_PATH } from "./api/chat/protocol.ts";
import { createChatServer } from "./api/chat/server.ts";
import { createMcpHandler } from "./api/mcp_http.ts";
import { createMetricsHandler, METRICS_PATH, pageMetricsPlugin, timed } from "./api/metrics.ts";
import config from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { createLogger } from "./lib/log.ts";
import { openServices, type Services, servicesPlugin } from "./app/services.ts";

/** Where the API's paths start, its versions (`API_BASE_PATH`) and unknown ones alike. */
const API_PREFIX = "/api";

/** Options of `createApp`. */
export interface AppOptions {
  /** Aborted on shutdown: open chat sockets are closed so their clients resume elsewhere. */
  shutdownSignal?: AbortSignal;
}

/** The app's request handler over opened `services`. */
export async function createApp(
  services: Services,
  options: AppOptions = {},
): Promise<Deno.ServeHandler> {
  const pages = await createHandler(manifest, {
    ...config,
    plugins: [...config.plugins ?? [], pageMetricsPlugin, servicesPlugin(services)],
  });
  const api = createApi(services);
  const mcp = createMcpHandler(services);
  const metrics = createMetricsHandler(services.config.METRICS_TOKEN);
  // Outside Hono: its response handling would break the 101 upgrade response.
  const chat = createChatServer({
    domain: services.domain,
    accessTokens: services.accessTokens,
    config: services.config,
    log: services.log,
    coordination: services.coordination,
    agentRuns: services.runs,
  });
  options.shutdownSignal?.addEventListener("abort", () => void chat.close());
  // Not async: each handler's promise is returned as it is, without another frame around it.
  const route: Deno.ServeHandler = (req, info) => {
    const url = new URL(req.url);
    const { pathname } = url;
    // All of `/api/` is the API's: another version, or a path that `..` segments led out of
    // `/api/v1`, gets its JSON 404 rather than the HTML page.
    if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) {
      return api.fetch(req, { remoteAddr: info.remoteAddr });
    }
    switch (pathname) {
      case "/healthz":
        return timed(req, pathname, () => Response.json({ status: "ok" }));
      case "/readyz":
        return timed(req, pathname, () => readiness(services));
      case METRICS_PATH:
        return timed(req, pathname, () => metrics(req));
      case "/mcp":
        return timed(req, pathname, () => mcp(req));
      case CHAT_PATH:
        return timed(req, pathname, () => chat.handle(req));
    }
    return pages(req, info, url);
  };
  // Text responses go out brotli- or gzip-compressed to clients that accept it; precompressed
  // build files and upgrades (no content type) pass through untouched (see the page framework's
  // `compression.ts`, which also precompresses the build).
  return (req, info) => {
    const response = route(req, info);
    return response instanceof Promise
      ? response.then((settled) => compressResponse(req, settled))
      : compressResponse(req, response);
  };
}

async function readiness(services: Services): Promise<Response> {
  const failures = await services.checkReadiness();
  const down = Object.keys(failures);
  if (down.length === 0) return Response.json({ status: "ready" });
  services.log.warn("not ready", failures);
  return Response.json({ detail: `unavailable: ${down.join(", ")}` }, { status: 503 });
}

/** Serves until SIGTERM/SIGINT, then stops accepting, finishes open requests and closes. */
async function serve(): Promise<void> {
  let appConfig;
  try {
    appConfig = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
  const log = createLogger(appConfig.LOG_LEVEL);
  const services = await openServices(appConfig, log);
  const shutdownController = new AbortController();
  const server = Deno.serve({
    port: appConfig.PORT,
    hostname: appConfig.HOSTNAME,
    onListen: ({ hostname, port }) => {
      log.info("listening", { url: `http://${hostname}:${port}/` });
      // Take over agent runs whose runner died (recovery loop) once this instance serves.
      services.runs.start();
    },
  }, await createApp(services, { shutdownSignal: shutdownController.signal }));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Agent runs stop at their next step boundary (the current step is checkpointed) and
    // release their leases, so another instance continues them at once.
    const drained = services.runs.drain();
    shutdownController.abort();
    await server.shutdown();
    await drained;
    await services.close();
    Deno.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => void shutdown(signal));
  }
}

if (import.meta.main) await serve();
