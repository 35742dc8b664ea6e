import { sql } from "kysely";
import { openMysql } from "./db/mysql.ts";
import { openSqlite } from "./db/sqlite.ts";
import { migrateToLatest } from "./db/migrator.ts";
import { createDomain } from "./domain/mod.ts";
import { createMemoryCoordination } from "./lib/coordination/memory.ts";
import { fillDatabase } from "./bench/db.ts";
import { createPool } from "mysql2";
const which = Deno.args[0];
let db;
if (which === "mysql") {
  const admin = createPool({ uri: "mysql://root@127.0.0.1:3306/test" }).promise();
  await admin.query("drop database if exists aae_dbg"); await admin.query("create database aae_dbg"); await admin.end();
  db = openMysql("mysql://root@127.0.0.1:3306/aae_dbg");
} else { try { Deno.removeSync("/tmp/dbg.sqlite"); } catch {} ; db = openSqlite("/tmp/dbg.sqlite"); }
await migrateToLatest(db);
const domain = createDomain({ db, coordination: createMemoryCoordination(), passwordIterations: 1000 });
const { actor, adAccountId } = await fillDatabase(domain, db);
const orig = db.kysely;
const log: string[] = [];
const { Kysely } = await import("kysely");
const traced = orig.withPlugin({ transformQuery: (a: any) => a.node, transformResult: async (a: any) => a.result });
// time each query via log option: re-create quickly
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  await domain.campaigns.list(actor, { limit: 20 });
  console.log("list", (performance.now() - t).toFixed(2));
  t = performance.now();
  await domain.metrics.performance(actor, { adAccountId, from: "2026-10-28", to: "2026-11-26" });
  console.log("perf", (performance.now() - t).toFixed(2));
}
Deno.writeTextFileSync("/tmp/dbg_ids.json", JSON.stringify({ actor, adAccountId }));
await db.close();
