/**
 * The checkpoint-validation initializer for `KyselySaver`: one scratch database for the whole
 * run (migrating one per saver would dominate on MariaDB), emptied before each saver is created,
 * so every saver the suite asks for starts isolated with empty tables and a cold delta cache.
 * On MySQL the savers are configured as the app runs them: `groupCommit` on a multi-statement
 * pool.
 *
 * @module
 */
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { KyselySaver } from "../../../../agent/checkpoint/kysely_saver.ts";
import type { Database } from "../../../../db/database.ts";
import { openScratchDatabase, type ScratchDatabase } from "../_scratch.ts";

let scratch: ScratchDatabase | undefined;
let saverDb: Database | undefined;

const initializer: CheckpointSaverTestInitializer<KyselySaver> = {
  checkpointerName: "KyselySaver",
  beforeAllTimeout: 60_000,
  async beforeAll() {
    scratch = await openScratchDatabase();
    saverDb = scratch.db.dialect === "mysql"
      ? scratch.openAnother({ multipleStatements: true })
      : scratch.db;
  },
  async afterAll() {
    await scratch?.close();
    scratch = undefined;
    saverDb = undefined;
  },
  async createCheckpointer() {
    if (!scratch || !saverDb) throw new Error("validation initializer: beforeAll did not run");
    await scratch.clearCheckpoints();
    return new KyselySaver(saverDb, { groupCommit: saverDb !== scratch.db });
  },
};

export default initializer;
