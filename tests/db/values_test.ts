/** Values survive the round trip on every backend: timestamps, text, JSON, money, upserts. */
import assert from "node:assert/strict";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import { isoFromDb, toDbTimestamp } from "../../db/time.ts";
import { upsert } from "../../db/upsert.ts";
import { lockingTransaction } from "../../db/locking.ts";
import type { Queryable } from "../../db/database.ts";
import { sql } from "kysely";
import { backendTest } from "../_helpers/backend.ts";

const MOMENT = new Date("2026-03-04T05:06:07.089Z");

backendTest("database values", async (t, { db }) => {
  const insertUser = (id: string, displayName: string) =>
    db.kysely.insertInto("users").values({
      id,
      email: `${id}@example.test`,
      password_hash: null,
      google_subject: null,
      display_name: displayName,
      locale: "en",
      timezone: "UTC",
      role: "user",
      last_login_at: toDbTimestamp(MOMENT),
      created_at: toDbTimestamp(MOMENT),
      updated_at: toDbTimestamp(MOMENT),
      deleted_at: null,
    }).execute();

  const userId = crypto.randomUUID();
  await insertUser(userId, "Zoë 🚀 漢字");

  await t.step("timestamps keep millisecond precision in UTC", async () => {
    const row = await db.kysely.selectFrom("users").select(["created_at", "last_login_at"])
      .where("id", "=", userId).executeTakeFirstOrThrow();
    assert.equal(isoFromDb(row.created_at), MOMENT.toISOString());
    assert.equal(row.created_at, "2026-03-04 05:06:07.089");
  });

  await t.step("utf8mb4 text (emoji, CJK) round-trips", async () => {
    const row = await db.kysely.selectFrom("users").select("display_name")
      .where("id", "=", userId).executeTakeFirstOrThrow();
    assert.equal(row.display_name, "Zoë 🚀 漢字");
  });

  const now = toDbTimestamp(MOMENT);
  const accountId = crypto.randomUUID();
  const campaignId = crypto.randomUUID();
  await db.kysely.insertInto("ad_accounts").values({
    id: accountId,
    user_id: userId,
    platform: "sandbox",
    external_account_id: "x",
    name: "A",
    currency: "USD",
    timezone: "UTC",
    status: "active",
    credentials_encrypted: null,
    metrics_synced_at: null,
    sync_succeeded_at: null,
    sync_error: null,
    sync_error_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  }).execute();
  const targeting = { interests: ["café ☕"], nested: { ageMin: 18, list: [1, 2.5, null] } };
  await db.kysely.insertInto("campaigns").values({
    id: campaignId,
    user_id: userId,
    ad_account_id: accountId,
    external_id: null,
    name: "C",
    objective: "sales",
    status: "draft",
    budget_type: "daily",
    budget_amount_minor: Number.MAX_SAFE_INTEGER,
    start_date: "2026-02-28",
    end_date: null,
    targeting: toDbJson(targeting),
    landing_url: null,
    metrics_synced_through: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  }).execute();

  await t.step("JSON comes back as text and parses to the same value", async () => {
    const row = await db.kysely.selectFrom("campaigns").select("targeting")
      .where("id", "=", campaignId).executeTakeFirstOrThrow();
    assert.equal(typeof row.targeting, "string");
    assert.deepEqual(fromDbJson(row.targeting), targeting);
  });

  await t.step("64-bit money and dates come back exactly", async () => {
    const row = await db.kysely.selectFrom("campaigns")
      .select(["budget_amount_minor", "start_date"])
      .where("id", "=", campaignId).executeTakeFirstOrThrow();
    assert.equal(row.budget_amount_minor, Number.MAX_SAFE_INTEGER);
    assert.equal(row.start_date, "2026-02-28");
  });

  await t.step("upsert inserts, then updates only the listed columns", async () => {
    const row = (clicks: number, stamp: string) => ({
      id: crypto.randomUUID(),
      user_id: userId,
      ad_account_id: accountId,
      campaign_id: campaignId,
      metric_date: "2026-03-01",
      impressions: 1_000,
      clicks,
      spend_minor: 1_234,
      conversions: 1,
      revenue_minor: 5_000,
      created_at: stamp,
      updated_at: stamp,
    });
    const upsertClicks = (clicks: number, stamp: string) =>
      upsert(db.kysely, db.dialect, {
        table: "campaign_metrics",
        rows: [row(clicks, stamp)],
        conflictColumns: ["campaign_id", "metric_date"],
        updateColumns: ["clicks", "updated_at"],
      });
    await upsertClicks(10, "2026-03-01 00:00:00.000");
    await upsertClicks(20, "2026-03-02 00:00:00.000");
    const rows = await db.kysely.selectFrom("campaign_metrics").selectAll()
      .where("campaign_id", "=", campaignId).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].clicks, 20);
    assert.equal(rows[0].created_at, "2026-03-01 00:00:00.000");
    assert.equal(rows[0].updated_at, "2026-03-02 00:00:00.000");
  });

  await t.step(
    "locking transactions run READ COMMITTED; other transactions keep the default",
    async () => {
      if (db.dialect !== "mysql") return;
      const level = (executor: Queryable) =>
        sql<{ level: string }>`select @@tx_isolation as level`.execute(executor)
          .then((result) => result.rows[0].level);
      assert.equal(await lockingTransaction(db, (trx) => level(trx)), "READ-COMMITTED");
      assert.equal(
        await db.kysely.transaction().execute((trx) => level(trx)),
        "REPEATABLE-READ",
      );
    },
  );

  await t.step("ping answers", async () => {
    await db.ping();
  });
});
