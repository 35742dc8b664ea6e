/**
 * Server entry: opens the services, then serves the health checks, the REST API at `/api/v1`,
 * the MCP server at `/mcp` and the pages, side by side (Hono stays out of the page pipeline).
 * `deno task start` runs this file; tests call `createApp` with services of their own.
 *
 * @module
 */
import { createHandler } from "$fresh/server.ts";
import { API_BASE_PATH, createApi } from "./api/app.ts";
import { createMcpHandler } from "./api/mcp/mod.ts";
import config from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { createLogger } from "./lib/log.ts";
import { openServices, type Services, servicesPlugin } from "./lib/services.ts";

/** The app's request handler over opened `services`. */
export async function createApp(services: Services): Promise<Deno.ServeHandler> {
  const pages = await createHandler(manifest, {
    ...config,
    plugins: [...config.plugins ?? [], servicesPlugin(services)],
  });
  const api = createApi(services);
  const mcp = createMcpHandler(services);
  return async (req, info) => {
    const { pathname } = new URL(req.url);
    if (pathname === API_BASE_PATH || pathname.startsWith(`${API_BASE_PATH}/`)) {
      return await api.fetch(req, { remoteAddr: info.remoteAddr });
    }
    switch (pathname) {
      case "/healthz":
        return Response.json({ status: "ok" });
      case "/readyz":
        return await readiness(services);
      case "/mcp":
        return await mcp(req);
    }
    return await pages(req, info);
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
  const server = Deno.serve({
    port: appConfig.PORT,
    hostname: appConfig.HOSTNAME,
    onListen: ({ hostname, port }) => log.info("listening", { url: `http://${hostname}:${port}/` }),
  }, await createApp(services));
  const shutdown = async (signal: string) => {
    log.info("shutting down", { signal });
    await server.shutdown();
    await services.close();
    Deno.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => void shutdown(signal));
  }
}

if (import.meta.main) await serve();
