/**
 * The composition root of one app instance: everything a request needs, opened once from the
 * configuration and closed together on shutdown. REST, pages, and later the agent and the chat
 * all receive this one object.
 *
 * @module
 */
import type { Plugin } from "$fresh/server.ts";
import { openAppSaver } from "../agent/checkpoint/mod.ts";
import {
  type AgentRuntime,
  createAgentRuntime,
  type TestHooks,
  testHooksFromEnv,
} from "../agent/runs/mod.ts";
import { createModel } from "../agent/models/mod.ts";
import { createApprovalGrants } from "../api/mcp/grants.ts";
import { AccessTokens } from "../api/auth/access_tokens.ts";
import { loadJwtSecret } from "../api/auth/jwt_secret.ts";
import { type Database, openDatabase } from "../db/mod.ts";
import { createDomain, type Domain } from "../domain/mod.ts";
import type { Config } from "./config.ts";
import {
  type Coordination,
  openCoordination,
  type OpenCoordinationOptions,
} from "./coordination/mod.ts";
import type { Logger } from "./log.ts";

/** The opened dependencies of one app instance. */
export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly coordination: Coordination;
  readonly domain: Domain;
  readonly accessTokens: AccessTokens;
  /**
   * Durable agent runs (absent in services assembled by hand for tests that need none).
   * `main.ts` starts its recovery loop after listening and drains it on SIGTERM.
   */
  readonly runs?: AgentRuntime;
  /** TEST ONLY: pause points and scripted model, when `AAE_TEST_HOOKS=1` (see `TestHooks`). */
  readonly testHooks?: TestHooks;
  /** Dependencies that do not answer, by name, with the reason; empty when all are up. */
  checkReadiness(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Opens the database (applying migrations), coordination and the domain on top of them. */
export async function openServices(
  config: Config,
  log: Logger,
  coordinationOptions: OpenCoordinationOptions = {},
): Promise<Services> {
  const db = await openDatabase(config);
  const coordination = await openCoordination(config, coordinationOptions);
  const secret = await loadJwtSecret(config, log);
  const accessTokens = await AccessTokens.create(secret);
  const domain = createDomain({
    db,
    coordination,
    signupCredits: config.SIGNUP_CREDITS,
    passwordIterations: config.PASSWORD_PBKDF2_ITERATIONS,
  });
  const checkpoints = openAppSaver(db, config.DATABASE_URL);
  const testHooks = testHooksFromEnv();
  if (testHooks) log.warn("TEST HOOKS ENABLED (AAE_TEST_HOOKS=1): never in production");
  const runs = createAgentRuntime({
    db,
    coordination,
    domain,
    log,
    config,
    accessTokens,
    // Keyed from the same secret as the `/mcp` endpoint's grants, so either verifies them.
    approvals: await createApprovalGrants(secret),
    model: testHooks?.model ?? createModel(config),
    checkpointer: checkpoints.saver,
    testHooks,
  });
  log.info("services opened", {
    database: config.DATABASE_URL ? "mysql" : "embedded sqlite",
    coordination: coordination.kind,
  });
  return {
    config,
    log,
    db,
    coordination,
    domain,
    accessTokens,
    runs,
    testHooks,
    async checkReadiness() {
      const checks: [string, () => Promise<void>][] = [
        ["database", () => db.ping()],
        ["coordination", () => coordination.ping()],
      ];
      const failures: Record<string, string> = {};
      await Promise.all(checks.map(async ([name, check]) => {
        try {
          await check();
        } catch (error) {
          failures[name] = error instanceof Error ? error.message : String(error);
        }
      }));
      return failures;
    },
    async close() {
      await coordination.close();
      await checkpoints.close();
      await db.close();
    },
  };
}

/** The page-layer state every route can read: the app's services. */
export interface ServicesState {
  services: Services;
}

/** A page-layer plugin putting `services` into `ctx.state` for every page request. */
export function servicesPlugin(services: Services): Plugin {
  return {
    name: "services",
    middlewares: [{
      path: "/",
      middleware: {
        handler: (_req, ctx) => {
          (ctx.state as Partial<ServicesState>).services = services;
          return ctx.next();
        },
      },
    }],
  };
}
