/**
 * Durable runs benchmark: the full 20-step scripted conversation (10 model calls, each asking
 * for one read tool; 10 tool calls through the in-process MCP server) run end to end through
 * the agent runtime — lease, fenced step rows, credit charges, conversation events, checkpoints
 * with `durability: "sync"`, final message — compared, in the same process, with the same model
 * and tool calls made in a plain loop (no graph, no persistence). The difference per step is
 * what durability costs.
 *
 * Usage: `deno task bench agent_runs [--runs=N] [--mysql=URL] [--redis=URL]` (default 10 runs;
 * MariaDB/MySQL and Redis rows are skipped when unreachable).
 *
 * @module
 */
import { join } from "node:path";
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

interface Backend {
  name: string;
  db: Database;
  coordination: Coordination;
  /** As the app sets it up (`openAppSaver`); default: a saver on `db`. */
  checkpointer?: KyselySaver;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = await Deno.makeTempDir({ prefix: "aae-bench-runs-" });
  const db = openSqlite(join(dir, "bench.sqlite"));
  await migrateToLatest(db);
  return {
    name: "sqlite + memory",
    db,
    coordination: createMemoryCoordination(),
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
  const db = openMysql(scratch.toString());
  await migrateToLatest(db);
  const checkpoints = openAppSaver(db, scratch.toString());
  return {
    name: "mariadb + redis",
    db,
    coordination,
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

/** Per-conversation times (ms): plain loop and through the runtime. */
async function measure(
  backend: Backend,
  runs: number,
): Promise<{ plain: number[]; durable: number[] }> {
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
  for (let index = 0; index < runs + 1; index++) {
    // Baseline: the same model turns and tool calls, nothing persisted.
    let start = performance.now();
    const toolbox = await openToolbox({ config, domain, log, approvals, accessTokens }, actor);
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

    start = performance.now();
    const submitted = await runtime.submit(actor, { content: "Summarize everything" });
    await runtime.idle();
    const durableMs = performance.now() - start;
    const view = await runtime.get(actor, submitted.runId);
    if (view.status !== "completed" || view.steps.length !== 2 * MODEL_CALLS - 1) {
      throw new Error(`run ended ${view.status} with ${view.steps.length} steps`);
    }
    if (index > 0) { // the first conversation warms caches and JIT
      plain.push(plainMs);
      durable.push(durableMs);
    }
  }
  await runtime.drain();
  return { plain, durable };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Entry point for `deno task bench agent_runs`. */
export async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = Number(option("runs") ?? 10);
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
      const { plain, durable } = await measure(backend, runs);
      const overhead = durable.map((value, index) => (value - plain[index]) / steps);
      console.log(
        `${backend.name.padEnd(18)} plain p50 ${ms(percentile(plain, 50))}  durable p50 ${
          ms(percentile(durable, 50))
        } p95 ${ms(percentile(durable, 95))}  overhead/step p50 ${
          ms(percentile(overhead, 50))
        } p95 ${ms(percentile(overhead, 95))}`,
      );
    } finally {
      await backend.close();
    }
  }
}

if (import.meta.main) await main(Deno.args);
