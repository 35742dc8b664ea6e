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
import { runStatusSummary } from "../agent/runs/views.ts";
import { createModel } from "../agent/models/mod.ts";
import { type ApprovalGrants, createApprovalGrants } from "../mcp/grants.ts";
import { AccessTokens } from "../auth/access_tokens.ts";
import { loadJwtSecret } from "../auth/jwt_secret.ts";
import { type Database, openDatabase } from "../db/mod.ts";
import { createDomain, type Domain } from "../domain/mod.ts";
import type { Config } from "../lib/config.ts";
import { createSmtpMailer } from "../lib/mailer.ts";
import {
  type Coordination,
  openCoordination,
  type OpenCoordinationOptions,
} from "../lib/coordination/mod.ts";
import type { Logger } from "../lib/log.ts";
import type { PageState } from "../pages/state.ts";
import { setRunStatusSource } from "../lib/metrics.ts";
import { loadCredentialCipher } from "../domain/connections/keys.ts";
import { platformsFromConfig } from "./platforms.ts";

/** The opened dependencies of one app instance. */
export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly coordination: Coordination;
  readonly domain: Domain;
  readonly accessTokens: AccessTokens;
  /** Approval grants, keyed from the JWT secret: the agent's gate issues them, `/mcp` checks them. */
  readonly approvals: ApprovalGrants;
  /**
   * Durable agent runs and their reads. `main.ts` starts the recovery loop after listening and
   * drains it on SIGTERM.
   */
  readonly runs: AgentRuntime;
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
  const approvals = await createApprovalGrants(secret);
  const testHooks = testHooksFromEnv();
  if (testHooks) log.warn("TEST HOOKS ENABLED (AAE_TEST_HOOKS=1): never in production");
  const mailer = config.SMTP_URL ? createSmtpMailer(config.SMTP_URL, config.SMTP_FROM) : undefined;
  const cipher = await loadCredentialCipher(config, (message, fields) => log.warn(message, fields));
  const { platforms, connections } = platformsFromConfig(config, db, cipher);
  const domain = createDomain({
    db,
    coordination,
    platforms,
    connections,
    signupCredits: config.SIGNUP_CREDITS,
    monthlyAllowance: config.CREDITS_MONTHLY_ALLOWANCE,
    passwordIterations: config.PASSWORD_PBKDF2_ITERATIONS,
    approvalTtlMs: config.APPROVAL_TTL_HOURS * 3_600_000,
    rollbackLeaseMs: config.ROLLBACK_LEASE_MS,
    pause: testHooks?.pause,
    clock: testHooks?.clock,
    workflows: {
      leaseMs: config.WORKFLOW_LEASE_MS,
      pollMs: config.WORKFLOW_POLL_MS,
      log: (level, message, fields) => log[level](message, fields),
    },
    notifications: {
      mailer,
      publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
      leaseMs: config.NOTIFICATION_LEASE_MS,
      retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    },
  });
  const checkpoints = openAppSaver(db, config.DATABASE_URL);
  const stopRollbackResumer = resumeRollbacks(domain, log, config.ROLLBACK_LEASE_MS);
  // Every instance runs due workflow runs (rule evaluations, backfills, syncs, alert detections)
  // and enqueues what the schedulers find due: the rules' slots, the accounts' syncs and their
  // hourly anomaly detection (each runs once).
  const workflowWorker = domain.workflows.start(`instance-${crypto.randomUUID()}`, [
    ...domain.workflowTickers,
    {
      name: "rules scheduler",
      everyMs: config.RULES_TICK_MS,
      run: async () => {
        await domain.ruleExecution.tick(domain.workflows.enqueue);
      },
    },
    {
      name: "alert detection scheduler",
      everyMs: config.ALERTS_TICK_MS,
      run: async () => {
        await domain.alertDetection.tick(domain.workflows.enqueue);
      },
    },
  ]);
  const stopNotificationWorker = sendNotifications(
    domain,
    log,
    config.NOTIFICATION_WORKER_INTERVAL_MS,
  );
  const runs = createAgentRuntime({
    db,
    coordination,
    domain,
    log,
    config,
    accessTokens,
    approvals,
    model: testHooks?.model ?? createModel(config),
    checkpointer: checkpoints.saver,
    testHooks,
  });
  // The run gauges of `/metrics` read this database at each scrape (until it closes).
  const stopRunMetrics = setRunStatusSource(() => runStatusSummary(db, new Date()));
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
    approvals,
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
      stopRunMetrics();
      await workflowWorker.stop();
      await stopRollbackResumer();
      await stopNotificationWorker();
      mailer?.close();
      await coordination.close();
      await checkpoints.close();
      await db.close();
    },
  };
}

/**
 * Resumes rollbacks whose instance died, now and every half lease; returns how to stop (waiting
 * for a pass in progress, so nothing runs on a closed database).
 */
function resumeRollbacks(domain: Domain, log: Logger, leaseMs: number): () => Promise<void> {
  let pass: Promise<void> = Promise.resolve();
  const run = () => {
    pass = pass.then(() => domain.rollbacks.resumeInterrupted()).then(
      (resumed) => {
        if (resumed > 0) log.info("interrupted rollbacks resumed", { resumed });
      },
      (error) => log.warn("resuming rollbacks failed", { error: String(error) }),
    );
  };
  run();
  const timer = setInterval(run, Math.max(250, leaseMs / 2));
  return async () => {
    clearInterval(timer);
    await pass;
  };
}

/**
 * Sends due webhooks and emails from the notification outbox, now and every `intervalMs`; a pass
 * still running when the next is due is not doubled. Returns how to stop (waiting for the pass).
 */
function sendNotifications(domain: Domain, log: Logger, intervalMs: number): () => Promise<void> {
  let pass: Promise<void> = Promise.resolve();
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    pass = domain.notifications.outbox.runOnce().then(
      () => {},
      (error) => log.warn("sending notifications failed", { error: String(error) }),
    ).finally(() => {
      running = false;
    });
  };
  run();
  const timer = setInterval(run, intervalMs);
  return async () => {
    clearInterval(timer);
    await pass;
  };
}

/** A page-layer plugin putting `services` into `ctx.state` for every page request. */
export function servicesPlugin(services: Services): Plugin {
  return {
    name: "services",
    middlewares: [{
      path: "/",
      middleware: {
        handler: (_req, ctx) => {
          (ctx.state as Partial<PageState>).services = services;
          return ctx.next();
        },
      },
    }],
  };
}
