/**
 * How many bytes the checkpoint tables hold, measured the same way on every backend: the sum of
 * the stored values' sizes (UTF-8 text, binary length, 8 bytes per number), which is what the
 * rows carry regardless of engine page overhead. Used by the benchmark and tests.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { CHECKPOINT_TABLE_NAMES } from "../../db/schema.ts";

/** Bytes per checkpoint table, and their total. */
export interface CheckpointStorageBytes {
  agent_checkpoints: number;
  agent_checkpoint_blobs: number;
  agent_checkpoint_writes: number;
  total: number;
}

/** Sums row sizes in the checkpoint tables, optionally for one thread. */
export async function checkpointStorageBytes(
  db: Database,
  threadId?: string,
): Promise<CheckpointStorageBytes> {
  const result: CheckpointStorageBytes = {
    agent_checkpoints: 0,
    agent_checkpoint_blobs: 0,
    agent_checkpoint_writes: 0,
    total: 0,
  };
  const encoder = new TextEncoder();
  for (const table of CHECKPOINT_TABLE_NAMES) {
    let query = db.kysely.selectFrom(table).selectAll();
    if (threadId !== undefined) query = query.where("thread_id", "=", threadId);
    let bytes = 0;
    for (const row of await query.execute()) {
      for (const value of Object.values(row)) bytes += valueBytes(value, encoder);
    }
    result[table] = bytes;
    result.total += bytes;
  }
  return result;
}

function valueBytes(value: unknown, encoder: TextEncoder): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === "string") return encoder.encode(value).byteLength;
  return 8;
}
