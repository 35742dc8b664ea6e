import { KyselySaver } from "./agent/checkpoint/kysely_saver.ts";
import { scriptedReactGraph } from "./bench/agent.ts";
import { wrapKysely } from "./db/database.ts";
import { migrateToLatest } from "./db/migrator.ts";
import { openMysql } from "./db/mysql.ts";
import { createPool } from "mysql2";
import { Kysely, MysqlDialect } from "kysely";
const admin = createPool({ uri: "mysql://root@127.0.0.1:3306" }).promise();
await admin.query("DROP DATABASE IF EXISTS probe_z"); await admin.query("CREATE DATABASE probe_z");
const plain = openMysql("mysql://root@127.0.0.1:3306/probe_z");
await migrateToLatest(plain); await plain.close();
const q: Record<string, number[]> = {};
const pool = createPool({ uri: "mysql://root@127.0.0.1:3306/probe_z", dateStrings: true, timezone: "Z", connectionLimit: 10 });
const kysely = new Kysely<any>({ dialect: new MysqlDialect({ pool }), log(e) { const k = e.query.sql.slice(0, 40); (q[k] ??= []).push(e.queryDurationMillis); } });
const db = wrapKysely(kysely, "mysql", "x");
const t: Record<string, number[]> = {};
class Timed extends KyselySaver {
  override async put(...a: Parameters<KyselySaver["put"]>) { const s = performance.now(); try { return await super.put(...a); } finally { (t.put ??= []).push(performance.now() - s); } }
  override async putWrites(...a: Parameters<KyselySaver["putWrites"]>) { const s = performance.now(); try { return await super.putWrites(...a); } finally { (t.putWrites ??= []).push(performance.now() - s); } }
}
const graph = scriptedReactGraph(new Timed(db, { transactionalPut: Deno.args[0] === "tx" }));
const steps: number[] = [];
for (let i = 0; i < 20; i++) {
  let last: number | undefined;
  for await (const _ of await graph.stream({ messages: [{ role: "user", content: "hi" }] }, { configurable: { thread_id: crypto.randomUUID() }, durability: "sync", streamMode: "values" })) { const n = performance.now(); if (last) steps.push(n - last); last = n; }
}
(t.step = steps);
const show = (m: Record<string, number[]>) => { for (const [k, v] of Object.entries(m)) { v.sort((a, b) => a - b); console.log(k.padEnd(42), v.length, "p50", v[v.length >> 1].toFixed(3), "p95", v[Math.floor(v.length * .95)].toFixed(3)); } };
show(t); show(q);
await db.close(); await admin.query("DROP DATABASE probe_z"); await admin.end();
