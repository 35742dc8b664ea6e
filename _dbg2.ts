import { openMysql } from "./db/mysql.ts";
import { openSqlite } from "./db/sqlite.ts";
import { sql } from "kysely";
const ids = JSON.parse(Deno.readTextFileSync("/tmp/dbg_ids.json"));
const db = Deno.args[0] === "mysql" ? openMysql("mysql://root@127.0.0.1:3306/aae_dbg") : openSqlite("/tmp/dbg.sqlite");
const U = ids.actor.userId, A = ids.adAccountId;
async function time(name: string, f: () => Promise<unknown>) {
  const ts = [];
  for (let i = 0; i < 20; i++) { const t = performance.now(); await f(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(name, ts[10].toFixed(2), ts[19].toFixed(2));
}
const k = db.kysely;
await time("loadAccount", () => k.selectFrom("ad_accounts").selectAll().where("id", "=", A).where("user_id", "=", U).where("deleted_at", "is", null).executeTakeFirst());
await time("stale", () => k.selectFrom("ad_accounts").selectAll().where("user_id", "=", U).where("deleted_at", "is", null).where((eb) => eb.or([eb("metrics_synced_at", "is", null), eb("metrics_synced_at", "<", "2026-11-26 00:00:00.000")])).where("id", "in", [A]).execute());
await time("daily", () => k.selectFrom("campaign_metrics").select((eb) => ["metric_date", eb.fn.sum("impressions").as("i"), eb.fn.sum("clicks").as("c"), eb.fn.sum("spend_minor").as("s"), eb.fn.sum("conversions").as("v"), eb.fn.sum("revenue_minor").as("r")]).where("user_id", "=", U).where("ad_account_id", "in", [A]).where("metric_date", ">=", "2026-10-28").where("metric_date", "<=", "2026-11-26").groupBy("metric_date").execute());
await time("daily-raw", () => sql`select metric_date, sum(impressions) from campaign_metrics where user_id = ${U} and ad_account_id = ${A} and metric_date >= '2026-10-28' group by metric_date`.execute(k));
await time("count", () => k.selectFrom("campaigns").innerJoin("ad_accounts", "ad_accounts.id", "campaigns.ad_account_id").select((eb) => eb.fn.countAll().as("n")).where("campaigns.user_id", "=", U).where("campaigns.deleted_at", "is", null).where("ad_accounts.deleted_at", "is", null).execute());
await time("page", () => k.selectFrom("campaigns").innerJoin("ad_accounts", "ad_accounts.id", "campaigns.ad_account_id").selectAll("campaigns").select("ad_accounts.currency").where("campaigns.user_id", "=", U).where("campaigns.deleted_at", "is", null).where("ad_accounts.deleted_at", "is", null).orderBy("campaigns.created_at", "desc").orderBy("campaigns.id").limit(20).execute());
await db.close();
