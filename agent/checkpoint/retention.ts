/**
 * Retention for checkpoint tables. A finished thread needs only its latest checkpoint per
 * namespace (to show or resume it); older checkpoints, their pending writes and the blobs no
 * remaining checkpoint references are removed once older than a configurable age. Called
 * periodically by the runs layer.
 *
 * Safety with writers still active: only rows created before the cutoff are deleted, so the
 * blobs of a checkpoint being written now are never touched, and a thread's latest checkpoint
 * per namespace, with every blob it references (delta bases included), always stays.
 *
 * @module
 */
import type { ChannelVersions, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { sql } from "kysely";
import type { Database } from "../../db/database.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { chunks } from "./store.ts";

/** Options of `pruneCheckpoints`. */
export interface PruneOptions {
  /** Rows younger than this many milliseconds are kept. */
  olderThanMs: number;
  /**
   * Threads to prune (e.g. those whose runs finished). Default: every thread whose newest
   * checkpoint is older than `olderThanMs`.
   */
  threadIds?: readonly string[];
  /** Threads handled per round when finding idle threads (default 100). */
  batchSize?: number;
  /** The current time (default: now). */
  now?: Date;
}

/** What a prune removed. */
export interface PruneReport {
  threads: number;
  checkpoints: number;
  blobs: number;
  writes: number;
}

/** Prunes old checkpoints; see the module doc. */
export async function pruneCheckpoints(
  db: Database,
  serde: SerializerProtocol,
  options: PruneOptions,
): Promise<PruneReport> {
  const cutoff = toDbTimestamp(
    new Date((options.now ?? new Date()).getTime() - options.olderThanMs),
  );
  const report: PruneReport = { threads: 0, checkpoints: 0, blobs: 0, writes: 0 };
  const prune = async (threadId: string) => {
    const pruned = await pruneThread(db, serde, threadId, cutoff);
    report.threads += pruned.checkpoints + pruned.blobs + pruned.writes > 0 ? 1 : 0;
    report.checkpoints += pruned.checkpoints;
    report.blobs += pruned.blobs;
    report.writes += pruned.writes;
  };
  if (options.threadIds) {
    for (const threadId of options.threadIds) await prune(threadId);
    return report;
  }
  const done = new Set<string>();
  for (;;) {
    const idle = (await idleThreads(db, cutoff, options.batchSize ?? 100))
      .filter((threadId) => !done.has(threadId));
    if (idle.length === 0) return report;
    for (const threadId of idle) {
      done.add(threadId);
      await prune(threadId);
    }
  }
}

/** Threads whose newest checkpoint is older than the cutoff and that have more than one per namespace. */
async function idleThreads(db: Database, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db.kysely.selectFrom("agent_checkpoints")
    .select("thread_id")
    .groupBy("thread_id")
    .having((eb) => eb.fn.max("created_at"), "<", cutoff)
    .having(sql<number>`count(*)`, ">", sql<number>`count(distinct checkpoint_ns)`)
    .orderBy("thread_id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.thread_id);
}

async function pruneThread(
  db: Database,
  serde: SerializerProtocol,
  threadId: string,
  cutoff: string,
): Promise<Omit<PruneReport, "threads">> {
  // 1. Checkpoints: all but the latest per namespace, if older than the cutoff.
  const checkpoints = await db.kysely.selectFrom("agent_checkpoints")
    .select(["id", "checkpoint_ns", "checkpoint_id", "created_at"])
    .where("thread_id", "=", threadId)
    .execute();
  const latest = new Map<string, string>();
  for (const row of checkpoints) {
    const current = latest.get(row.checkpoint_ns);
    if (current === undefined || row.checkpoint_id > current) {
      latest.set(row.checkpoint_ns, row.checkpoint_id);
    }
  }
  const isDoomed = (row: (typeof checkpoints)[number]) =>
    row.created_at < cutoff && row.checkpoint_id !== latest.get(row.checkpoint_ns);
  const doomed = checkpoints.filter(isDoomed);
  const kept = new Set(
    checkpoints.filter((row) => !isDoomed(row))
      .map((row) => pairKey(row.checkpoint_ns, row.checkpoint_id)),
  );
  const deletedCheckpoints = await deleteByIds(db, "agent_checkpoints", doomed.map((r) => r.id));

  // 2. Writes of checkpoints that are gone (or never arrived), once old.
  const writes = await db.kysely.selectFrom("agent_checkpoint_writes")
    .select(["id", "checkpoint_ns", "checkpoint_id", "created_at"])
    .where("thread_id", "=", threadId)
    .where("created_at", "<", cutoff)
    .execute();
  const deletedWrites = await deleteByIds(
    db,
    "agent_checkpoint_writes",
    writes.filter((row) => !kept.has(pairKey(row.checkpoint_ns, row.checkpoint_id)))
      .map((row) => row.id),
  );

  // 3. Blobs no remaining checkpoint references, directly or as a delta base, once old.
  const remaining = await db.kysely.selectFrom("agent_checkpoints")
    .select(["checkpoint_ns", "type", "checkpoint"])
    .where("thread_id", "=", threadId)
    .execute();
  const referenced = new Set<string>();
  for (const row of remaining) {
    const stored = await serde.loadsTyped(row.type, row.checkpoint) as {
      channel_versions?: ChannelVersions;
    };
    for (const [channel, version] of Object.entries(stored.channel_versions ?? {})) {
      referenced.add(blobKey(row.checkpoint_ns, channel, String(version)));
    }
  }
  const blobs = await db.kysely.selectFrom("agent_checkpoint_blobs")
    .select(["id", "checkpoint_ns", "channel", "version", "base_version", "created_at"])
    .where("thread_id", "=", threadId)
    .execute();
  const byKey = new Map(
    blobs.map((row) => [blobKey(row.checkpoint_ns, row.channel, row.version), row]),
  );
  const reachable = new Set<string>();
  for (const key of referenced) {
    // Follow the delta chain down to its full blob, stopping where an earlier walk was.
    let next: string | undefined = key;
    while (next !== undefined && !reachable.has(next)) {
      const row = byKey.get(next);
      if (!row) break;
      reachable.add(next);
      next = row.base_version === null
        ? undefined
        : blobKey(row.checkpoint_ns, row.channel, row.base_version);
    }
  }
  const deletedBlobs = await deleteByIds(
    db,
    "agent_checkpoint_blobs",
    blobs.filter((row) =>
      row.created_at < cutoff &&
      !reachable.has(blobKey(row.checkpoint_ns, row.channel, row.version))
    ).map((row) => row.id),
  );
  return { checkpoints: deletedCheckpoints, blobs: deletedBlobs, writes: deletedWrites };
}

async function deleteByIds(
  db: Database,
  table: "agent_checkpoints" | "agent_checkpoint_blobs" | "agent_checkpoint_writes",
  ids: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const chunk of chunks(ids)) {
    const result = await db.kysely.deleteFrom(table).where("id", "in", chunk).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

function pairKey(namespace: string, checkpointId: string): string {
  return `${namespace}\u0000${checkpointId}`;
}

function blobKey(namespace: string, channel: string, version: string): string {
  return `${namespace}\u0000${channel}\u0000${version}`;
}
