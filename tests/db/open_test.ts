/** Opening the database from configuration. */
import assert from "node:assert/strict";
import { openDatabase } from "../../db/mod.ts";

Deno.test({
  name: "openDatabase: an unreachable MySQL fails loudly and leaves nothing open",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await assert.rejects(
      openDatabase({ DATABASE_URL: "mysql://root@127.0.0.1:1/none", DATA_DIR: "unused" }),
    );
  },
});
