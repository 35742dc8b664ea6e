/**
 * Server entry: the page layer plus the few endpoints that live outside it. `deno task start`
 * runs this file; tests import `createApp` to exercise the same handler in-process.
 *
 * @module
 */
import { createHandler } from "$fresh/server.ts";
import { loadConfig } from "@/lib/config.ts";
import config from "./fresh.config.ts";
import manifest from "./fresh.gen.ts";

/** The app's request handler: the health check, then the pages. */
export async function createApp(): Promise<Deno.ServeHandler> {
  const pages = await createHandler(manifest, config);
  return (req, info) => {
    if (new URL(req.url).pathname === "/healthz") return Response.json({ status: "ok" });
    return pages(req, info);
  };
}

if (import.meta.main) {
  const { PORT, HOSTNAME } = loadConfig();
  Deno.serve({ port: PORT, hostname: HOSTNAME }, await createApp());
}
