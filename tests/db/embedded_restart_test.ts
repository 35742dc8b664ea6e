/**
 * The embedded default keeps everything across a restart: close the SQLite file, reopen it from
 * the same DATA_DIR, and the data is there. Always runs on SQLite, whatever the environment.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { openDatabase, SQLITE_FILE_NAME } from "../../db/mod.ts";
import { createMemoryCoordination } from "../../lib/coordination/memory.ts";
import { createDomain } from "../../domain/mod.ts";
import { TEST_PASSWORD_ITERATIONS } from "../_helpers/backend.ts";

Deno.test("embedded SQLite survives a restart", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "aae_restart_" });
  const boot = async () => {
    const db = await openDatabase({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    const domain = createDomain({
      db,
      coordination: createMemoryCoordination(),
      passwordIterations: TEST_PASSWORD_ITERATIONS,
    });
    return { db, domain };
  };

  try {
    const first = await boot();
    const { actor } = await first.domain.accounts.register({
      email: "keeper@example.test",
      password: "persistent password",
    });
    const account = await first.domain.adAccounts.connectSandbox(actor, { name: "Kept" });
    await first.domain.credits.charge(actor, { amount: 12, idempotencyKey: "k", description: "x" });

    await t.step("the file uses WAL and enforces foreign keys", async () => {
      /** A PRAGMA's value: its result is one row with one column named after it. */
      const pragma = async (name: string) => {
        const { rows } = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`)
          .execute(first.db.kysely);
        return String(Object.values({ ...rows[0] })[0]);
      };
      assert.equal((await pragma("journal_mode")).toLowerCase(), "wal");
      assert.equal(await pragma("foreign_keys"), "1");
      assert.equal(await pragma("busy_timeout"), "5000");
    });
    await first.db.close();

    await t.step("reopening finds the same data", async () => {
      const second = await boot();
      try {
        const { actor: again } = await second.domain.accounts.authenticate({
          email: "keeper@example.test",
          password: "persistent password",
        });
        assert.deepEqual(again, actor);
        assert.equal((await second.domain.adAccounts.get(actor, account.id)).name, "Kept");
        assert.equal(await second.domain.credits.balance(actor), 88);
      } finally {
        await second.db.close();
      }
      const stat = await Deno.stat(`${dataDir}/${SQLITE_FILE_NAME}`);
      assert.ok(stat.isFile);
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
