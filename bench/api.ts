/**
 * REST API benchmark: `GET /api/v1/campaigns?limit=20` (bearer JWT, a user with 200 campaigns
 * and 30 days of metrics) through the real API, against a minimal hand-written `Deno.serve`
 * handler doing the same work — the same JWT check with the same imported key, the same six SQL
 * statements through the raw driver (node:sqlite / mysql2), the same JSON — and a bare Hono
 * text route for context. The load generator is `wrk` in a separate process.
 *
 * Usage: `deno task bench api [seconds-per-target] [connections]` (defaults 5 and 50). Runs on
 * embedded SQLite, and on MariaDB/MySQL when `BENCH_MYSQL_URL` (default
 * `mysql://root@127.0.0.1:3306`) answers; a scratch database is created and dropped.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { Hono } from "hono";
import { createPool } from "mysql2";
import { createApi } from "../api/app.ts";
import { AccessTokens } from "../auth/access_tokens.ts";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { openMysql } from "../db/mysql.ts";
import { openSqlite } from "../db/sqlite.ts";
import { toDbTimestamp } from "../db/time.ts";
import { isoFromDb } from "../db/time.ts";
import { addDays, dateOf } from "../domain/dates.ts";
import { withDerivedMetrics, ZERO_COUNTS } from "../domain/derived_metrics.ts";
import { createDomain } from "../domain/mod.ts";
import { loadConfig } from "../lib/config.ts";
import { createMemoryCoordination } from "../lib/coordination/memory.ts";
import { createLogger } from "../lib/log.ts";

const CAMPAIGNS = 200;
const DAYS = 30;
const RATIO_GOAL = 0.5;
const SECRET = "bench-secret-key-of-at-least-32-characters";
const PATH = "/api/v1/campaigns?limit=20";

type Row = Record<string, unknown>;
/** Runs one SQL statement with positional parameters. */
type Query = (sql: string, params: unknown[]) => Promise<Row[]>;

interface Result {
  target: string;
  rps: number;
  p99Ms: number;
}

async function seed(db: Database): Promise<{ token: string; userId: string }> {
  const domain = createDomain({
    db,
    coordination: createMemoryCoordination(),
    passwordIterations: 1000,
  });
  const { actor } = await domain.accounts.register({
    email: `bench-${crypto.randomUUID()}@example.test`,
    password: "benchmark password",
  });
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Bench" });
  const ids: string[] = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const campaign = await domain.campaigns.create(actor, {
      adAccountId: account.id,
      name: `Campaign ${String(i).padStart(3, "0")}`,
      objective: "traffic",
      budgetType: "daily",
      budgetAmountMinor: 1000 + i,
      targeting: { countries: ["US"], ageMin: 18 },
      landingUrl: "https://shop.example.com/",
    });
    ids.push(campaign.id);
  }
  const now = new Date();
  const today = dateOf(now);
  const stamp = toDbTimestamp(now);
  const rows = ids.flatMap((campaignId, c) =>
    Array.from({ length: DAYS }, (_, d) => ({
      id: crypto.randomUUID(),
      user_id: actor.userId,
      ad_account_id: account.id,
      campaign_id: campaignId,
      metric_date: addDays(today, -DAYS + d),
      impressions: 1000 + c + d,
      clicks: 20 + (c % 7),
      spend_minor: 500 + d,
      conversions: d % 3,
      revenue_minor: 900 + c,
      created_at: stamp,
      updated_at: stamp,
    }))
  );
  for (let i = 0; i < rows.length; i += 500) {
    await db.kysely.insertInto("campaign_metrics").values(rows.slice(i, i + 500)).execute();
  }
  // Metrics are fresh: reads during the run do not sync.
  await db.kysely.updateTable("campaigns").set({ metrics_synced_through: addDays(today, -1) })
    .execute();
  await db.kysely.updateTable("ad_accounts").set({ metrics_synced_at: stamp }).execute();
  const tokens = await AccessTokens.create(SECRET);
  const session = await domain.sessions.create(actor);
  const { token } = await tokens.issue({
    userId: actor.userId,
    sessionId: session.session.id,
    role: actor.role,
  });
  return { token, userId: actor.userId };
}

/** Targeting is stored with camelCase keys; the API shows them snake_cased. */
const snakeKeys = (value: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      item,
    ]),
  );

const placeholders = (count: number) => Array(count).fill("?").join(", ");

/** The hand-written handler: the same checks, statements and JSON as the API route. */
function handWritten(query: Query, tokens: AccessTokens): Deno.ServeHandler {
  return async (req) => {
    const header = req.headers.get("authorization") ?? "";
    const claims = header.startsWith("Bearer ") ? await tokens.verify(header.slice(7)) : null;
    if (!claims) return Response.json({ detail: "unauthenticated" }, { status: 401 });
    const url = new URL(req.url);
    const limit = Math.min(100, Number(url.searchParams.get("limit") ?? 20));
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const user = claims.userId;
    const [idRows, countRows] = await Promise.all([
      query(
        "select id from campaigns where user_id = ? and deleted_at is null " +
          "order by created_at desc, id desc limit ? offset ?",
        [user, limit, skip],
      ),
      query(
        "select count(*) as total from campaigns where user_id = ? and deleted_at is null",
        [user],
      ),
    ]);
    const ids = idRows.map((row) => String(row.id));
    const campaigns = ids.length === 0 ? [] : await query(
      `select * from campaigns where user_id = ? and id in (${placeholders(ids.length)})`,
      [user, ...ids],
    );
    const byId = new Map(campaigns.map((row) => [row.id, row]));
    const accountIds = [...new Set(campaigns.map((row) => String(row.ad_account_id)))];
    const now = new Date();
    const today = dateOf(now);
    let currencies: Row[] = [];
    let totals: Row[] = [];
    if (accountIds.length > 0) {
      await query(
        "select * from ad_accounts where user_id = ? and deleted_at is null and " +
          "(metrics_synced_at is null or metrics_synced_at < ?) and " +
          `id in (${placeholders(accountIds.length)})`,
        [user, toDbTimestamp(new Date(now.getTime() - 15 * 60_000)), ...accountIds],
      );
      [currencies, totals] = await Promise.all([
        query(
          `select id, currency from ad_accounts where user_id = ? and id in (${
            placeholders(accountIds.length)
          })`,
          [user, ...accountIds],
        ),
        query(
          "select campaign_id, sum(impressions) as impressions, sum(clicks) as clicks, " +
            "sum(spend_minor) as spend_minor, sum(conversions) as conversions, " +
            "sum(revenue_minor) as revenue_minor from campaign_metrics where user_id = ? and " +
            `campaign_id in (${placeholders(ids.length)}) and metric_date >= ? and ` +
            "metric_date <= ? group by campaign_id",
          [user, ...ids, addDays(today, -7), addDays(today, -1)],
        ),
      ]);
    }
    const currencyOf = new Map(currencies.map((row) => [row.id, String(row.currency)]));
    const totalsOf = new Map(totals.map((row) => [row.campaign_id, row]));
    const items = ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const currency = currencyOf.get(row.ad_account_id) ?? "USD";
      const sums = totalsOf.get(id);
      const metrics = withDerivedMetrics(
        sums
          ? {
            impressions: Number(sums.impressions),
            clicks: Number(sums.clicks),
            spendMinor: Number(sums.spend_minor),
            conversions: Number(sums.conversions),
            revenueMinor: Number(sums.revenue_minor),
          }
          : ZERO_COUNTS,
        currency,
      );
      return [{
        id: row.id,
        ad_account_id: row.ad_account_id,
        external_id: row.external_id,
        name: row.name,
        objective: row.objective,
        status: row.status,
        budget_type: row.budget_type,
        budget_amount_minor: Number(row.budget_amount_minor),
        currency,
        start_date: row.start_date,
        end_date: row.end_date,
        targeting: snakeKeys(
          typeof row.targeting === "string" ? JSON.parse(row.targeting) : row.targeting as Row,
        ),
        landing_url: row.landing_url,
        created_at: isoFromDb(String(row.created_at)),
        updated_at: isoFromDb(String(row.updated_at)),
        last7_days: {
          impressions: metrics.impressions,
          clicks: metrics.clicks,
          spend_minor: metrics.spendMinor,
          conversions: metrics.conversions,
          revenue_minor: metrics.revenueMinor,
          ctr: metrics.ctr,
          cpc: metrics.cpc,
          cpa: metrics.cpa,
          roas: metrics.roas,
        },
      }];
    });
    return Response.json({ items, total: Number(countRows[0].total), skip, limit });
  };
}

function serve(handler: Deno.ServeHandler) {
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    handler,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async stop() {
      controller.abort();
      await server.finished;
    },
  };
}

function toMs(value: string, unit: string): number {
  const factor = { us: 0.001, ms: 1, s: 1000 }[unit] ?? 1;
  return Number(value) * factor;
}

async function wrk(url: string, token: string, seconds: number, connections: number) {
  const output = await new Deno.Command("wrk", {
    args: [
      "-t2",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      "-H",
      `Authorization: Bearer ${token}`,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  if (!output.success || !p99 || Number.isNaN(rps)) throw new Error(`wrk failed:\n${text}`);
  if (non2xx) throw new Error(`${non2xx[1]} error responses from ${url}`);
  return { rps, p99Ms: toMs(p99[1], p99[2]) };
}

async function measure(
  target: string,
  handler: Deno.ServeHandler,
  path: string,
  token: string,
  seconds: number,
  connections: number,
): Promise<Result> {
  const server = serve(handler);
  try {
    await wrk(`${server.url}${path}`, token, 1, connections); // warm-up
    return { target, ...await wrk(`${server.url}${path}`, token, seconds, connections) };
  } finally {
    await server.stop();
  }
}

async function openBackend(kind: "sqlite" | "mysql", mysqlUrl: string) {
  if (kind === "sqlite") {
    const dir = await Deno.makeTempDir({ prefix: "aae_bench_" });
    const path = join(dir, "bench.sqlite");
    const db = openSqlite(path);
    await migrateToLatest(db);
    const raw = new DatabaseSync(path);
    raw.exec("PRAGMA busy_timeout = 5000");
    const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
    const query: Query = (sql, params) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, statement = raw.prepare(sql));
      return Promise.resolve(
        statement.all(...params as (string | number | null)[]) as Row[],
      );
    };
    return {
      db,
      query,
      async close() {
        raw.close();
        await db.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  }
  const name = `aae_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = createPool({ uri: mysqlUrl, connectionLimit: 1 }).promise();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = `${mysqlUrl.replace(/\/$/, "")}/${name}`;
  const db = openMysql(url);
  await migrateToLatest(db);
  const pool = createPool({
    uri: url,
    charset: "UTF8MB4_UNICODE_CI",
    timezone: "Z",
    dateStrings: true,
    supportBigNumbers: true,
    decimalNumbers: true,
    connectionLimit: 10,
  }).promise();
  const query: Query = async (sql, params) => {
    const [rows] = await pool.query(sql, params);
    return rows as Row[];
  };
  return {
    db,
    query,
    async close() {
      await pool.end();
      await db.close();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
  };
}

async function mysqlReachable(url: string): Promise<boolean> {
  const pool = createPool({ uri: url, connectionLimit: 1, connectTimeout: 2000 }).promise();
  try {
    await pool.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await pool.end().catch(() => {});
  }
}

async function benchBackend(
  kind: "sqlite" | "mysql",
  mysqlUrl: string,
  seconds: number,
  connections: number,
): Promise<Result[]> {
  const backend = await openBackend(kind, mysqlUrl);
  try {
    const { token } = await seed(backend.db);
    const accessTokens = await AccessTokens.create(SECRET);
    const config = loadConfig({
      JWT_SECRET_KEY: SECRET,
      API_RATE_LIMIT_PER_MINUTE: String(1e9),
      LOG_LEVEL: "warn",
    });
    const api = createApi({
      domain: createDomain({ db: backend.db, coordination: createMemoryCoordination() }),
      coordination: createMemoryCoordination(),
      accessTokens,
      config,
      log: createLogger("warn"),
    });
    const ours: Deno.ServeHandler = (req, info) => api.fetch(req, { remoteAddr: info.remoteAddr });
    const baseline = handWritten(backend.query, accessTokens);
    const info = {
      remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 1 },
      completed: Promise.resolve(),
    };
    const request = () =>
      new Request(`http://localhost${PATH}`, { headers: { authorization: `Bearer ${token}` } });
    const [a, b] = await Promise.all([ours(request(), info), baseline(request(), info)]);
    const [ourJson, theirJson] = [await a.json(), await b.json()];
    assert.equal(a.status, 200);
    assert.equal(ourJson.items.length, 20);
    assert.deepStrictEqual(theirJson, ourJson, "the hand-written handler answers the same JSON");
    const hello = new Hono().get("/", (c) => c.text("hello"));
    const results = [
      await measure(`${kind}: API route`, ours, PATH, token, seconds, connections),
      await measure(`${kind}: hand-written`, baseline, PATH, token, seconds, connections),
      await measure(
        `${kind}: bare Hono hello`,
        (req) => hello.fetch(req),
        "/",
        token,
        seconds,
        connections,
      ),
    ];
    return results;
  } finally {
    await backend.close();
  }
}

/** Runs the benchmark and prints requests/s, p99 and the API/hand-written ratio per backend. */
export async function main(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 5);
  const connections = Number(args[1] ?? 50);
  const mysqlUrl = Deno.env.get("BENCH_MYSQL_URL") ?? "mysql://root@127.0.0.1:3306";
  const kinds: ("sqlite" | "mysql")[] = ["sqlite"];
  if (await mysqlReachable(mysqlUrl)) kinds.push("mysql");
  else console.log(`MySQL/MariaDB not reachable at ${mysqlUrl}: SQLite only`);
  console.log(
    `GET ${PATH}: ${CAMPAIGNS} campaigns × ${DAYS} days of metrics, ` +
      `wrk -t2 -c${connections} -d${seconds}s\n`,
  );
  let failed = false;
  for (const kind of kinds) {
    const results = await benchBackend(kind, mysqlUrl, seconds, connections);
    for (const result of results) {
      console.log(
        `${result.target.padEnd(28)} ${result.rps.toFixed(0).padStart(8)} req/s   ` +
          `p99 ${result.p99Ms.toFixed(2).padStart(7)} ms`,
      );
    }
    const ratio = results[0].rps / results[1].rps;
    const ok = ratio >= RATIO_GOAL;
    failed ||= !ok;
    console.log(
      `${kind}: API / hand-written = ${ratio.toFixed(2)} (goal ≥ ${RATIO_GOAL}) ${
        ok ? "ok" : "BELOW GOAL"
      }\n`,
    );
  }
  if (failed) Deno.exitCode = 1;
}

if (import.meta.main) await main(Deno.args);
