/**
 * The checkpoint-validation initializer for `KyselySaver`: one scratch database for the whole
 * run (migrating one per saver would dominate on MariaDB), emptied before each saver is created,
 * so every saver the suite asks for starts isolated with empty tables and a cold delta cache.
 *
 * @module
 */
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { KyselySaver } from "../../../../agent/checkpoint/kysely_saver.ts";
import { openScratchDatabase, type ScratchDatabase } from "../_scratch.ts";

let scratch: ScratchDatabase | undefined;

const initializer: CheckpointSaverTestInitializer<KyselySaver> = {
  checkpointerName: "KyselySaver",
  beforeAllTimeout: 60_000,
  async beforeAll() {
    scratch = await openScratchDatabase();
  },
  async afterAll() {
    await scratch?.close();
    scratch = undefined;
  },
  async createCheckpointer() {
    if (!scratch) throw new Error("validation initializer: beforeAll did not run");
    await scratch.clearCheckpoints();
    return new KyselySaver(scratch.db);
  },
};

export default initializer;
