/**
 * The SQL behind the Kysely saver: every statement it runs, on MySQL/MariaDB and SQLite alike.
 * Rows go in with the project's upsert helper (no `ON CONFLICT`/`RETURNING` spelled out here),
 * reads select by the tables' unique keys, and list-shaped lookups are chunked so a statement
 * never carries thousands of parameters.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { CompiledQuery, Expression, Insertable, Selectable, SqlBool } from "kysely";
import type { Database } from "../../db/database.ts";
import type {
  AgentCheckpointBlobsTable,
  AgentCheckpointsTable,
  AgentCheckpointWritesTable,
} from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { compileUpsert } from "../../db/upsert.ts";

/** A checkpoint row as inserted. */
export type NewCheckpointRow = Insertable<AgentCheckpointsTable>;
/** A blob row as inserted. */
export type NewBlobRow = Insertable<AgentCheckpointBlobsTable>;
/** A pending-write row as inserted. */
export type NewWriteRow = Insertable<AgentCheckpointWritesTable>;
/** A checkpoint row as read. */
export type CheckpointRow = Selectable<AgentCheckpointsTable>;
/** A blob row as read (without bookkeeping columns). */
export type BlobRow = Pick<
  Selectable<AgentCheckpointBlobsTable>,
  "channel" | "version" | "base_version" | "root_version" | "type" | "blob"
>;
/** A pending-write row as read (without bookkeeping columns). */
export type WriteRow = Pick<
  Selectable<AgentCheckpointWritesTable>,
  "checkpoint_id" | "task_id" | "idx" | "channel" | "type" | "blob" | "task_path"
>;

/** Largest number of keys one statement looks up or deletes. */
export const CHUNK_SIZE = 200;

/** Bookkeeping columns every inserted row carries. */
export function rowStamp(now: Date): { id: string; created_at: string; updated_at: string } {
  const stamp = toDbTimestamp(now);
  return { id: crypto.randomUUID(), created_at: stamp, updated_at: stamp };
}

/** Binary values as mysql2 needs them (it escapes Buffers, not plain Uint8Arrays). */
export function binary(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The statements storing a checkpoint: its changed blobs first (the checkpoint row is what makes
 * them reachable), then the checkpoint row. With `onlyIf`, the checkpoint row is written only if
 * the condition holds as it commits; blobs nothing references are harmless (retention removes
 * them).
 */
export function checkpointStatements(
  db: Database,
  blobs: readonly NewBlobRow[],
  checkpoint: NewCheckpointRow,
  onlyIf?: Expression<SqlBool>,
): CompiledQuery[] {
  const blobUpsert = compileUpsert(db.kysely, db.dialect, {
    table: "agent_checkpoint_blobs",
    rows: blobs,
    conflictColumns: ["thread_id", "checkpoint_ns", "channel", "version"],
    // A version names one value; a repeated put of it keeps the stored row.
    updateColumns: ["updated_at"],
  });
  const checkpointUpsert = compileUpsert(db.kysely, db.dialect, {
    table: "agent_checkpoints",
    rows: [checkpoint],
    conflictColumns: ["thread_id", "checkpoint_ns", "checkpoint_id"],
    updateColumns: ["parent_checkpoint_id", "type", "checkpoint", "metadata", "updated_at"],
    onlyIf,
  })!;
  return blobUpsert ? [blobUpsert, checkpointUpsert] : [checkpointUpsert];
}

/**
 * The statement storing pending writes. `overwrite` replaces existing rows with the same task and
 * index (for special writes such as errors and interrupts, which a retried task re-reports);
 * otherwise the first stored write wins, as the retried task's writes are the same.
 */
export function compileWrites(
  db: Database,
  rows: readonly NewWriteRow[],
  overwrite: boolean,
  onlyIf?: Expression<SqlBool>,
): CompiledQuery {
  return compileUpsert(db.kysely, db.dialect, {
    table: "agent_checkpoint_writes",
    rows,
    conflictColumns: ["thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"],
    updateColumns: overwrite
      ? ["channel", "type", "blob", "task_path", "updated_at"]
      : ["updated_at"],
    onlyIf,
  })!;
}

/** One checkpoint by id, or the thread/namespace's latest when `checkpointId` is undefined. */
export async function selectCheckpoint(
  db: Database,
  threadId: string,
  namespace: string,
  checkpointId: string | undefined,
): Promise<CheckpointRow | undefined> {
  let query = db.kysely.selectFrom("agent_checkpoints").selectAll()
    .where("thread_id", "=", threadId)
    .where("checkpoint_ns", "=", namespace);
  query = checkpointId === undefined
    ? query.orderBy("checkpoint_id", "desc").limit(1)
    : query.where("checkpoint_id", "=", checkpointId);
  return await query.executeTakeFirst();
}

/** Filters of a checkpoint listing. */
export interface ListQuery {
  threadId?: string;
  namespace?: string;
  checkpointId?: string;
  /** Only checkpoints whose id sorts before this one. */
  beforeId?: string;
  limit?: number;
}

/** Identity and metadata of listed checkpoints, newest first (the cheap first pass of `list`). */
export async function selectCheckpointKeys(
  db: Database,
  filter: ListQuery,
): Promise<Pick<CheckpointRow, "thread_id" | "checkpoint_ns" | "checkpoint_id" | "metadata">[]> {
  let query = db.kysely.selectFrom("agent_checkpoints")
    .select(["thread_id", "checkpoint_ns", "checkpoint_id", "metadata"]);
  if (filter.threadId !== undefined) query = query.where("thread_id", "=", filter.threadId);
  if (filter.namespace !== undefined) query = query.where("checkpoint_ns", "=", filter.namespace);
  if (filter.checkpointId !== undefined) {
    query = query.where("checkpoint_id", "=", filter.checkpointId);
  }
  if (filter.beforeId !== undefined) query = query.where("checkpoint_id", "<", filter.beforeId);
  query = query.orderBy("checkpoint_id", "desc").orderBy("thread_id").orderBy("checkpoint_ns");
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return await query.execute();
}

/** Full rows of the given checkpoints of one thread/namespace. */
export async function selectCheckpointsByIds(
  db: Database,
  threadId: string,
  namespace: string,
  checkpointIds: readonly string[],
): Promise<CheckpointRow[]> {
  if (checkpointIds.length === 0) return [];
  return await db.kysely.selectFrom("agent_checkpoints").selectAll()
    .where("thread_id", "=", threadId)
    .where("checkpoint_ns", "=", namespace)
    .where("checkpoint_id", "in", [...checkpointIds])
    .execute();
}

/** Blob rows of one thread/namespace for the given `[channel, version]` pairs. */
export async function selectBlobs(
  db: Database,
  threadId: string,
  namespace: string,
  pairs: readonly (readonly [string, string])[],
): Promise<BlobRow[]> {
  const rows: BlobRow[] = [];
  for (const chunk of chunks(pairs)) {
    rows.push(
      ...await db.kysely.selectFrom("agent_checkpoint_blobs")
        .select(["channel", "version", "base_version", "root_version", "type", "blob"])
        .where("thread_id", "=", threadId)
        .where("checkpoint_ns", "=", namespace)
        .where((eb) =>
          eb.or(
            chunk.map(([channel, version]) =>
              eb.and([eb("channel", "=", channel), eb("version", "=", version)])
            ),
          )
        )
        .execute(),
    );
  }
  return rows;
}

/** Every blob row of the delta chains starting at the given `[channel, root version]` pairs. */
export async function selectBlobChains(
  db: Database,
  threadId: string,
  namespace: string,
  roots: readonly (readonly [string, string])[],
): Promise<BlobRow[]> {
  const rows: BlobRow[] = [];
  for (const chunk of chunks(roots)) {
    rows.push(
      ...await db.kysely.selectFrom("agent_checkpoint_blobs")
        .select(["channel", "version", "base_version", "root_version", "type", "blob"])
        .where("thread_id", "=", threadId)
        .where("checkpoint_ns", "=", namespace)
        .where((eb) =>
          eb.or(chunk.flatMap(([channel, root]) => [
            eb.and([eb("channel", "=", channel), eb("root_version", "=", root)]),
            eb.and([eb("channel", "=", channel), eb("version", "=", root)]),
          ]))
        )
        .execute(),
    );
  }
  return rows;
}

/** Pending writes of the given checkpoints of one thread/namespace, optionally one channel's. */
export async function selectWrites(
  db: Database,
  threadId: string,
  namespace: string,
  checkpointIds: readonly string[],
  channel?: string,
): Promise<WriteRow[]> {
  const rows: WriteRow[] = [];
  for (const chunk of chunks(checkpointIds)) {
    let query = db.kysely.selectFrom("agent_checkpoint_writes")
      .select(["checkpoint_id", "task_id", "idx", "channel", "type", "blob", "task_path"])
      .where("thread_id", "=", threadId)
      .where("checkpoint_ns", "=", namespace)
      .where("checkpoint_id", "in", chunk);
    if (channel !== undefined) query = query.where("channel", "=", channel);
    rows.push(...await query.execute());
  }
  return rows;
}

/** Deletes everything stored for a thread, in one transaction. */
export async function deleteThreadRows(db: Database, threadId: string): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom("agent_checkpoint_writes").where("thread_id", "=", threadId).execute();
    await trx.deleteFrom("agent_checkpoints").where("thread_id", "=", threadId).execute();
    await trx.deleteFrom("agent_checkpoint_blobs").where("thread_id", "=", threadId).execute();
  });
}

/** Splits a list into statement-sized chunks. */
export function chunks<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
