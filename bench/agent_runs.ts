/**
 * Durable runs benchmark: the full 20-step scripted conversation (10 model calls, each asking
 * for one read tool; 10 tool calls through the in-process MCP server) run end to end through
 * the agent runtime — lease, fenced step rows, credit charges, conversation events, checkpoints
 * with `durability: "sync"`, final message — compared, in the same process, with the same model
 * and tool calls made in a plain loop (no graph, no persistence). The difference per step is
 * what durability costs.
 *
 * Round trips per step are counted the same way: every statement Kysely sends (transaction
 * control included; a multi-statement group commit counts once), commits (explicit, and writes
 * sent outside a transaction) and every coordination call (a Redis round trip each on Redis),
 * durable minus plain, divided by the steps. `--profile` lists the statements by SQL text.
 *
 * Usage: `deno task bench agent_runs [--runs=N] [--mysql=URL] [--redis=URL]` (default 10 runs;
 * MariaDB/MySQL and Redis rows are skipped when unreachable).
 *
 * @module
 */
import { join } from "node:path";
import type { LogConfig } from "kysely";
import { createPool } from "mysql2";
import { AccessTokens } from "../auth/access_tokens.ts";
import { createApprovalGrants } from "../mcp/grants.ts";
import type { ChatModel, ModelRequest, ModelTurn } from "../agent/models/types.ts";
import { type KyselySaver, openAppSaver } from "../agent/checkpoint/mod.ts";
import { createAgentRuntime } from "../agent/runs/mod.ts";
import { openToolbox } from "../agent/tools.ts";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { openMysql } from "../db/mysql.ts";
import { openSqlite } from "../db/sqlite.ts";
import { createDomain } from "../domain/mod.ts";
import { loadConfig } from "../lib/config.ts";
import { createMemoryCoordination } from "../lib/coordination/memory.ts";
import { openRedisCoordination } from "../lib/coordination/redis.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import { createLogger } from "../lib/log.ts";
import { percentile } from "./agent.ts";

/** Model calls per conversation (each but the last asks for one tool). */
const MODEL_CALLS = 10;
const SECRET = "bench-secret-0123456789abcdef-0123456789";
const READ_TOOLS = ["list_campaigns", "list_ad_accounts", "credit_balance"];

/** Turn N asks for a read tool; the last one answers. */
class BenchModel implements ChatModel {
  readonly name = "bench";
  generate(request: ModelRequest): Promise<ModelTurn> {
    const lastUser = request.messages.findLastIndex((message) => message.role === "user");
    const turn = request.messages.slice(lastUser + 1)
      .filter((message) => message.role === "assistant").length;
    const last = turn >= MODEL_CALLS - 1;
    const content = last ? "Here is the summary of everything." : "";
    request.onDelta?.(content);
    return Promise.resolve({
      content,
      toolCalls: last ? [] : [{ id: `b${turn}`, name: READ_TOOLS[turn % 3], args: {} }],
      usage: { inputTokens: 100, outputTokens: 20 },
    });
  }
}

/** Round trips counted so far. */
interface Trips {
  /** Statements sent to the database. */
  statements: number;
  /**
   * Commits: explicit ones, plus writes sent outside any transaction (each commits on its own).
   * Exact on SQLite (one connection); on a MySQL pool a write is taken to be inside a
   * transaction while any connection has one open, so autocommits may be undercounted.
   */
  commits: number;
  /** Coordination calls (leases, publishes). */
  coordination: number;
}

/** With `--profile`: statements by their SQL (first characters), with count and time. */
let profile: Map<string, { count: number; ms: number }> | undefined;

/** A Kysely log that counts statements into `trips`. */
function countingLog(trips: Trips): LogConfig {
  /** Transactions open (begun, not yet ended) across the pool's connections. */
  let open = 0;
  return (event) => {
    trips.statements++;
    if (profile) {
      const key = event.query.sql.replace(/\s+/g, " ").slice(0, 110);
      const entry = profile.get(key) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += event.queryDurationMillis;
      profile.set(key, entry);
    }
    const text = event.query.sql.trim();
    if (/^(begin|start transaction)$/i.test(text)) open++;
    else if (/^(commit|rollback)$/i.test(text)) open = Math.max(0, open - 1);
    if (/\bcommit$/i.test(text)) trips.commits++;
    else if (open === 0 && /^(insert|update|delete|replace)\b/i.test(text)) trips.commits++;
  };
}

/** `inner`, counting each lease and publish call into `trips`. */
function countingCoordination(inner: Coordination, trips: Trips): Coordination {
  const counted = <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
  (
    ...args: Args
  ) => {
    trips.coordination++;
    return call(...args);
  };
  const { leases, pubsub } = inner;
  return {
    kind: inner.kind,
    leases: {
      acquire: counted(leases.acquire.bind(leases)),
      extend: counted(leases.extend.bind(leases)),
      release: counted(leases.release.bind(leases)),
      isCurrent: counted(leases.isCurrent.bind(leases)),
      assertCurrent: counted(leases.assertCurrent.bind(leases)),
    },
    pubsub: {
      publish: counted(pubsub.publish.bind(pubsub)),
      subscribe: pubsub.subscribe.bind(pubsub),
    },
    counters: inner.counters,
    ping: () => inner.ping(),
    watchAvailability: (listener) => inner.watchAvailability(listener),
    close: () => inner.close(),
  };
}

interface Backend {
  name: string;
  trips: Trips;
  db: Database;
  coordination: Coordination;
  /** As the app sets it up (`openAppSaver`); default: a saver on `db`. */
  checkpointer?: KyselySaver;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = await Deno.makeTempDir({ prefix: "aae-bench-runs-" });
  const trips: Trips = { statements: 0, commits: 0, coordination: 0 };
  const db = openSqlite(join(dir, "bench.sqlite"), { log: countingLog(trips) });
  await migrateToLatest(db);
  return {
    name: "sqlite + memory",
    trips,
    db,
    coordination: countingCoordination(createMemoryCoordination(), trips),
    async close() {
      await db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function mysqlBackend(url: string, redisUrl: string): Promise<Backend | undefined> {
  const name = `aae_bench_runs_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = createPool({ uri: url, connectionLimit: 1 }).promise();
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } catch {
    await admin.end();
    return undefined;
  }
  let coordination: Coordination;
  try {
    coordination = await openRedisCoordination(redisUrl, { keyPrefix: `${name}:` });
  } catch {
    await admin.query(`DROP DATABASE \`${name}\``);
    await admin.end();
    return undefined;
  }
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const trips: Trips = { statements: 0, commits: 0, coordination: 0 };
  const db = openMysql(scratch.toString(), { log: countingLog(trips) });
  await migrateToLatest(db);
  const checkpoints = openAppSaver(db, scratch.toString(), { log: countingLog(trips) });
  return {
    name: "mariadb + redis",
    trips,
    db,
    coordination: countingCoordination(coordination, trips),
    checkpointer: checkpoints.saver,
    async close() {
      await coordination.close();
      await checkpoints.close();
      await db.close();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
  };
}

/** What `measure` reports. */
interface Measured {
  /** Per-conversation times (ms): plain loop and through the runtime. */
  plain: number[];
  durable: number[];
  /** Round trips of all measured conversations: plain loop and through the runtime. */
  plainTrips: Trips;
  durableTrips: Trips;
}

function tripsSince(trips: Trips, before: Trips): Trips {
  return {
    statements: trips.statements - before.statements,
    commits: trips.commits - before.commits,
    coordination: trips.coordination - before.coordination,
  };
}

function addTrips(total: Trips, more: Trips): void {
  total.statements += more.statements;
  total.commits += more.commits;
  total.coordination += more.coordination;
}

/** Times and round trips of `runs` conversations each way (after one warm-up). */
async function measure(backend: Backend, runs: number): Promise<Measured> {
  const config = loadConfig({ JWT_SECRET_KEY: SECRET, LOG_LEVEL: "error" });
  const log = createLogger("error");
  const domain = createDomain({
    db: backend.db,
    coordination: backend.coordination,
    passwordIterations: 1_000,
    signupCredits: 1_000_000,
  });
  const { actor } = await domain.accounts.register({
    email: `bench-${crypto.randomUUID().slice(0, 8)}@example.test`,
    password: "correct horse battery staple",
  });
  await domain.adAccounts.connectSandbox(actor, { name: "Bench" });
  const approvals = await createApprovalGrants(SECRET);
  const accessTokens = await AccessTokens.create(SECRET);
  const model = new BenchModel();
  const runtime = createAgentRuntime({
    db: backend.db,
    coordination: backend.coordination,
    domain,
    log,
    config,
    accessTokens,
    approvals,
    model,
    checkpointer: backend.checkpointer,
  });
  const plain: number[] = [];
  const durable: number[] = [];
  const zero = (): Trips => ({ statements: 0, commits: 0, coordination: 0 });
  const plainTrips = zero();
  const durableTrips = zero();
  for (let index = 0; index < runs + 1; index++) {
    // Baseline: the same model turns and tool calls, nothing persisted.
    let before = { ...backend.trips };
    let start = performance.now();
    const toolbox = await openToolbox(
      { config, domain, log, approvals, accessTokens },
      actor,
      crypto.randomUUID(),
    );
    const messages: ModelRequest["messages"] = [{ role: "user", content: "Summarize" }];
    for (;;) {
      const turn = await model.generate({ messages, tools: [...toolbox.specs] });
      messages.push({ role: "assistant", content: turn.content, toolCalls: turn.toolCalls });
      if (turn.toolCalls.length === 0) break;
      for (const call of turn.toolCalls) {
        const result = await toolbox.call(call.name, call.args);
        messages.push({
          role: "tool",
          toolCallId: call.id,
          name: call.name,
          content: JSON.stringify(result.structuredContent ?? null),
        });
      }
    }
    await toolbox.close();
    const plainMs = performance.now() - start;
    const plainCount = tripsSince(backend.trips, before);

    before = { ...backend.trips };
    start = performance.now();
    const submitted = await runtime.submit(actor, { content: "Summarize everything" });
    await runtime.idle();
    const durableMs = performance.now() - start;
    const durableCount = tripsSince(backend.trips, before);
    const view = await runtime.get(actor, submitted.runId);
    if (view.status !== "completed" || view.steps.length !== 2 * MODEL_CALLS - 1) {
      throw new Error(`run ended ${view.status} with ${view.steps.length} steps`);
    }
    if (index > 0) { // the first conversation warms caches and JIT
      plain.push(plainMs);
      durable.push(durableMs);
      addTrips(plainTrips, plainCount);
      addTrips(durableTrips, durableCount);
    }
  }
  await runtime.drain();
  return { plain, durable, plainTrips, durableTrips };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Entry point for `deno task bench agent_runs`. */
export async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = Number(option("runs") ?? 10);
  if (args.includes("--profile")) profile = new Map();
  const mysqlUrl = option("mysql") ?? "mysql://root@127.0.0.1:3306";
  const redisUrl = option("redis") ?? "redis://127.0.0.1:6379";
  const steps = 2 * MODEL_CALLS - 1;
  console.log(
    `agent_runs bench: ${steps}-step conversation (${MODEL_CALLS} model calls, ${
      MODEL_CALLS - 1
    } tool calls) through the durable runtime vs. a plain loop; ${runs} runs per backend`,
  );
  const backends: Backend[] = [await sqliteBackend()];
  const mysql = await mysqlBackend(mysqlUrl, redisUrl);
  if (mysql) backends.push(mysql);
  else console.log(`MariaDB/MySQL or Redis not reachable (${mysqlUrl}, ${redisUrl}): skipped`);
  for (const backend of backends) {
    try {
      const { plain, durable, plainTrips, durableTrips } = await measure(backend, runs);
      const overhead = durable.map((value, index) => (value - plain[index]) / steps);
      const extra = tripsSince(durableTrips, plainTrips);
      const perStep = (count: number) => (count / runs / steps).toFixed(1);
      console.log(
        `${backend.name.padEnd(18)} plain p50 ${ms(percentile(plain, 50))}  durable p50 ${
          ms(percentile(durable, 50))
        } p95 ${ms(percentile(durable, 95))}  overhead/step p50 ${
          ms(percentile(overhead, 50))
        } p95 ${ms(percentile(overhead, 95))} (${
          (percentile(durable, 50) / percentile(plain, 50)).toFixed(1)
        }× plain)\n${" ".repeat(18)} round trips/step: ${perStep(extra.statements)} statements (${
          perStep(extra.commits)
        } commits), ${perStep(extra.coordination)} coordination calls`,
      );
      if (profile) {
        const top = [...profile].sort((a, b) => b[1].count - a[1].count).slice(0, 30);
        for (const [key, { count, ms }] of top) {
          console.log(
            `  ${(count / (runs + 1) / steps).toFixed(2).padStart(6)}/step ${
              (ms / count).toFixed(3)
            } ms  ${key}`,
          );
        }
        profile.clear();
      }
    } finally {
      await backend.close();
    }
  }
}

if (import.meta.main) await main(Deno.args);
