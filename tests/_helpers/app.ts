/**
 * The real app's handler from `main.ts`, created once per test process over services of its own:
 * a temporary data directory, and the database and Redis of the environment when set.
 *
 * @module
 */
import { createApp } from "../../main.ts";
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { openServices } from "../../lib/services.ts";

let app: Promise<Deno.ServeHandler> | undefined;

async function open(): Promise<Deno.ServeHandler> {
  const config = loadConfig({
    DATABASE_URL: Deno.env.get("DATABASE_URL"),
    REDIS_URL: Deno.env.get("REDIS_URL"),
    DATA_DIR: await Deno.makeTempDir({ prefix: "aae-app-test-" }),
    JWT_SECRET_KEY: "test-secret-test-secret-test-secret-0123",
  });
  return createApp(await openServices(config, createLogger("error")));
}

/** The handler `deno task start` serves. */
export function appHandler(): Promise<Deno.ServeHandler> {
  app ??= open();
  return app;
}
