/**
 * The real app from `main.ts`, opened once per test process over services of its own: a
 * temporary data directory and, when DATABASE_URL / REDIS_URL are set, a scratch database and a
 * Redis key prefix of this process, so nothing from other test files or earlier runs leaks in.
 *
 * @module
 */
import { createApp } from "../../main.ts";
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { openServices, type Services } from "../../app/services.ts";
import { scratchDatabaseUrl } from "./backend.ts";

/** The app under test and its services. */
export interface TestApp {
  handler: Deno.ServeHandler;
  services: Services;
}

let opened: Promise<TestApp> | undefined;

async function open(): Promise<TestApp> {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-app-test-" });
  // The app stays open for the whole test process, so its directory goes when the process does.
  globalThis.addEventListener("unload", () => Deno.removeSync(dataDir, { recursive: true }));
  const config = loadConfig({
    DATABASE_URL: await scratchDatabaseUrl("aae_test_app"),
    REDIS_URL: Deno.env.get("REDIS_URL"),
    DATA_DIR: dataDir,
    JWT_SECRET_KEY: "test-secret-test-secret-test-secret-0123",
  });
  const keyPrefix = `aae_test_app:${crypto.randomUUID()}:`;
  const services = await openServices(config, createLogger("error"), { keyPrefix });
  return { handler: await createApp(services), services };
}

/** The app, opened on first use. */
export function testApp(): Promise<TestApp> {
  opened ??= open();
  return opened;
}

/** The handler `deno task start` serves. */
export async function appHandler(): Promise<Deno.ServeHandler> {
  return (await testApp()).handler;
}
