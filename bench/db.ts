/**
 * `deno task bench db`: p50/p99 latency of the main reads through the domain layer —
 * a campaign list page of 20 with last-7-day totals, and an ad account's 30-day summary
 * (totals + daily series) — for a user with 1,000 campaigns and 90 days of metrics.
 *
 * Runs on embedded SQLite always, and on MySQL/MariaDB when DATABASE_URL is set or a server
 * answers at the default address (root@127.0.0.1:3306), each time in a scratch database it
 * creates and drops. Data comes through the real metrics sync once; the timed reads then find
 * metrics fresh (synced within the refresh interval), so they measure queries, not the sandbox.
 *
 * Options: `--iterations N` (default 500).
 *
 * @module
 */
import { join } from "node:path";
import { sql } from "kysely";
import { createPool } from "mysql2";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { openMysql } from "../db/mysql.ts";
import { openSqlite } from "../db/sqlite.ts";
import { toDbJson } from "../db/json.ts";
import { toDbTimestamp } from "../db/time.ts";
import { addDays, dateOf } from "../domain/dates.ts";
import { CAMPAIGN_OBJECTIVES } from "../domain/campaigns.ts";
import { createDomain, type Domain } from "../domain/mod.ts";
import type { Actor } from "../domain/actor.ts";
import { createMemoryCoordination } from "../lib/coordination/memory.ts";

const CAMPAIGNS = 1_000;
const DAYS = 90;
const PAGE_SIZE = 20;
const WARMUP = 30;
const GOAL_P99_MS = 20;
const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test";
const INSERT_BATCH = 1_000;

/** Entry point called by `bench/main.ts`. */
export async function main(args: string[]): Promise<void> {
  const iterationsFlag = args.indexOf("--iterations");
  const iterations = iterationsFlag >= 0 ? Number(args[iterationsFlag + 1]) : 500;
  console.log(
    `db bench: ${CAMPAIGNS} campaigns × ${DAYS} days of metrics, ${iterations} iterations per read`,
  );

  const dir = await Deno.makeTempDir({ prefix: "aae_bench_" });
  try {
    await benchBackend("sqlite (embedded)", openSqlite(join(dir, "bench.sqlite")), iterations);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const explicitUrl = Deno.env.get("DATABASE_URL");
  const serverUrl = explicitUrl ?? DEFAULT_MYSQL_URL;
  const source = explicitUrl ? "DATABASE_URL" : "default address";
  const scratch = await createScratchMysql(serverUrl).catch((error) => {
    if (explicitUrl) throw error;
    console.log(`mysql: skipped, nothing answers at ${DEFAULT_MYSQL_URL} (${error.message})`);
    return null;
  });
  if (!scratch) return;
  try {
    const db = openMysql(scratch.url);
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(db.kysely);
    const results = await benchBackend(`mysql ${rows[0].version} (${source})`, db, iterations);
    const worst = Math.max(...results.map((result) => result.p99));
    console.log(
      `goal p99 < ${GOAL_P99_MS} ms on MySQL/MariaDB: ${worst < GOAL_P99_MS ? "met" : "NOT met"}` +
        ` (worst p99 ${worst.toFixed(2)} ms)`,
    );
  } finally {
    await scratch.drop();
  }
}

interface ReadResult {
  name: string;
  p50: number;
  p99: number;
}

async function benchBackend(label: string, db: Database, iterations: number) {
  try {
    await migrateToLatest(db);
    const domain = createDomain({
      db,
      coordination: createMemoryCoordination(),
      passwordIterations: 1_000,
    });
    const started = performance.now();
    const { actor, adAccountId } = await fillDatabase(domain, db);
    console.log(`${label}: data loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const today = dateOf(new Date());
    const reads: [string, (iteration: number) => Promise<unknown>][] = [
      [
        "campaign list page (20, with 7-day totals)",
        (iteration) =>
          domain.campaigns.list(actor, {
            skip: (iteration * PAGE_SIZE) % CAMPAIGNS,
            limit: PAGE_SIZE,
          }),
      ],
      [
        "account summary, 30 days (totals + daily)",
        () =>
          domain.metrics.performance(actor, {
            adAccountId,
            from: addDays(today, -29),
            to: today,
          }),
      ],
    ];
    const results: ReadResult[] = [];
    for (const [name, read] of reads) {
      const timings = await measure(read, iterations);
      results.push({ name, ...timings });
      console.log(
        `${label}: ${name}: p50 ${timings.p50.toFixed(2)} ms, p99 ${timings.p99.toFixed(2)} ms`,
      );
    }
    return results;
  } finally {
    await db.close();
  }
}

async function measure(read: (iteration: number) => Promise<unknown>, iterations: number) {
  for (let iteration = 0; iteration < WARMUP; iteration++) await read(iteration);
  const durations: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const start = performance.now();
    await read(iteration);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const at = (quantile: number) =>
    durations[Math.min(durations.length - 1, Math.ceil(quantile * durations.length) - 1)];
  return { p50: at(0.5), p99: at(0.99) };
}

/**
 * One user, one sandbox account, 1,000 campaigns launched 90 days ago; their metrics come from
 * the real sync path (sandbox simulation, upserts, account rollup), triggered by one report.
 */
async function fillDatabase(
  domain: Domain,
  db: Database,
): Promise<{ actor: Actor; adAccountId: string }> {
  const { actor } = await domain.accounts.register({
    email: "bench@example.test",
    password: "bench password",
  });
  const adAccountId = (await domain.adAccounts.connectSandbox(actor, { name: "Bench" })).id;
  const now = new Date();
  const today = dateOf(now);
  const launched = new Date(now.getTime() - DAYS * 86_400_000);
  const campaigns = Array.from({ length: CAMPAIGNS }, (_, index) => ({
    id: crypto.randomUUID(),
    user_id: actor.userId,
    ad_account_id: adAccountId,
    external_id: `bench-${index}`,
    name: `Campaign ${String(index).padStart(4, "0")}`,
    objective: CAMPAIGN_OBJECTIVES[index % CAMPAIGN_OBJECTIVES.length],
    status: "active" as const,
    budget_type: "daily" as const,
    budget_amount_minor: 2_000 + (index % 10) * 1_000,
    start_date: null,
    end_date: null,
    targeting: toDbJson({}),
    landing_url: null,
    metrics_synced_through: null,
    created_at: toDbTimestamp(new Date(launched.getTime() + index * 1_000)),
    updated_at: toDbTimestamp(launched),
    deleted_at: null,
  }));
  await insertInBatches(
    campaigns,
    (rows) => db.kysely.insertInto("campaigns").values(rows).execute(),
  );
  await domain.metrics.performance(actor, { adAccountId, from: addDays(today, -DAYS), to: today });
  // A third of them paused since, so lists show mixed states.
  await db.kysely.updateTable("campaigns").set({ status: "paused" })
    .where("id", "in", campaigns.filter((_, index) => index % 3 === 0).map((row) => row.id))
    .execute();
  return { actor, adAccountId };
}

async function insertInBatches<Row>(
  rows: Row[],
  insert: (batch: Row[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await insert(rows.slice(start, start + INSERT_BATCH));
  }
}

/** A scratch database on the server at `serverUrl`, and how to drop it. */
async function createScratchMysql(serverUrl: string) {
  const name = `aae_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = createPool({ uri: serverUrl, connectionLimit: 1, connectTimeout: 3_000 })
    .promise();
  try {
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
  };
}
