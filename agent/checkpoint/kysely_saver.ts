/**
 * A LangGraph checkpoint saver on the app's Kysely database (MySQL 8 / MariaDB, or the embedded
 * SQLite), modelled on LangGraph's Postgres saver: a checkpoint row without its channel values,
 * one blob row per channel per version written only when the channel changed, and one row per
 * pending write. Unlike the Postgres saver, list channels that grow by appending (a ReAct loop's
 * `messages`) are stored as append deltas, so a long conversation is not re-stored on every step.
 *
 * Per step the saver costs one `put` (a multi-row insert of the changed blobs, then the checkpoint
 * row, in one transaction) and one `putWrites` (one multi-row insert); LangGraph runs them
 * concurrently. With `groupCommit` (MySQL; the default on SQLite) both commit as one transaction,
 * on MySQL in one round trip (see `writer.ts`). A guard's carried writes (a runner's step
 * outcome and token usage) join that transaction, so a durable step costs one commit here.
 *
 * Writes can be guarded (`WriteGuard`, or the `GuardedSaver` view): the condition is part of the
 * insert statements themselves, so a runner that lost its lease cannot slip a write in between a
 * check and the write.
 *
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CompiledQuery, Expression, SqlBool } from "kysely";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  compareWritesSortKeys,
  JsonPlusSerializer,
  maxChannelVersion,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey,
} from "@langchain/langgraph-checkpoint";
import { isDeepStrictEqual } from "node:util";
import type { Database } from "../../db/database.ts";
import { fromDbJson } from "../../db/json.ts";
import { blobKey, resolveBlobs, type ResolvedBlob } from "./blob_reader.ts";
import { DeltaCache, type KnownCheckpoint, type ListVersion } from "./delta_cache.ts";
import { appendedItems } from "./list_delta.ts";
import { pruneCheckpoints, type PruneOptions, type PruneReport } from "./retention.ts";
import {
  binary,
  type CheckpointRow,
  checkpointStatements,
  chunks,
  compileWrites,
  deleteThreadRows,
  type NewBlobRow,
  type NewWriteRow,
  rowStamp,
  selectCheckpoint,
  selectCheckpointKeys,
  selectCheckpointsByIds,
  selectWrites,
  type WriteRow,
} from "./store.ts";
import { nextChannelVersion } from "./versions.ts";
import { GroupCommitWriter, type StatementWriter, transactionWriter } from "./writer.ts";

/** Options of `KyselySaver`. */
export interface KyselySaverOptions {
  /** Serializer for checkpoints, values and writes (default: LangGraph's JSON serializer). */
  serde?: SerializerProtocol;
  /**
   * Store list channels that grew by appending as deltas. Default: on with LangGraph's JSON
   * serializer, whose arrays serialize item by item; off for other serializers.
   */
  listDeltas?: boolean;
  /**
   * Deltas allowed on top of a full blob before the next full one (default 50): bounds the rows
   * read to rebuild a value, at the cost of re-storing the whole list that often.
   */
  maxDeltaDepth?: number;
  /** Threads/namespaces remembered for deltas (default 1000). */
  cacheSize?: number;
  /** Bytes of serialized lists remembered for deltas (default 64 MiB). */
  cacheBytes?: number;
  /**
   * Commit the writes of calls made in the same event-loop turn together, in one round trip
   * (default: on for SQLite, where it is one transaction on the shared connection; off for
   * MySQL, where it needs a pool of its own opened with `multipleStatements` (`openMysql(url, {
   * multipleStatements: true })`). `bench/agent.ts` measures both ways.
   */
  groupCommit?: boolean;
  /** Clock for row timestamps (tests move it to exercise retention). */
  now?: () => Date;
}

/**
 * A condition a write must meet as it commits, e.g. "this runner still holds the run's lease".
 * It is evaluated by the statement that stores the checkpoint row or the pending writes.
 */
export interface WriteGuard {
  /** A SQL condition on the saver's database. */
  readonly condition: Expression<SqlBool>;
  /** The error a refused write rejects with. */
  refused(): Error;
  /** Writes of the guard's owner that commit with the next guarded write (see `CarriedWrites`). */
  readonly carried?: CarriedWrites;
}

/**
 * Statements waiting to commit in the same transaction as the next guarded write, e.g. a
 * runner's step outcome riding with the checkpoint that follows it: one commit instead of two.
 * Each statement is fenced by its owner, so one that affects no row means the guard refused.
 * They must be compiled for the saver's dialect (the runner and the saver share one database).
 */
export interface CarriedWrites {
  /** The statements waiting; the caller now owns them. */
  take(): CompiledQuery[];
  /** Statements taken by a write that did not commit: they wait again, ahead of newer ones. */
  giveBack(statements: CompiledQuery[]): void;
}

/** Checkpoint as stored: everything but the channel values. */
type StoredCheckpoint = Omit<Checkpoint, "channel_values"> & { channel_values?: never };

/** Configurable keys the saver reads. */
interface SaverConfigurable {
  thread_id?: string | number;
  checkpoint_ns?: string;
  checkpoint_id?: string;
}

/** Checkpoints assembled per round of `list` reads. */
const LIST_PAGE_SIZE = 50;

/**
 * LangGraph checkpoint saver storing into the `agent_checkpoint*` tables (created by the
 * `2026_11_26_0002_agent_checkpoints` migration). Column sizes bound thread ids and channel
 * names to 128 characters and namespaces to 255.
 */
export class KyselySaver extends BaseCheckpointSaver {
  readonly #db: Database;
  readonly #cache: DeltaCache;
  readonly #listDeltas: boolean;
  readonly #maxDeltaDepth: number;
  readonly #now: () => Date;
  readonly #writer: StatementWriter;

  constructor(db: Database, options: KyselySaverOptions = {}) {
    super(options.serde);
    this.#db = db;
    this.#cache = new DeltaCache(options.cacheSize ?? 1000, options.cacheBytes ?? 64 * 1024 * 1024);
    this.#listDeltas = options.listDeltas ?? this.serde instanceof JsonPlusSerializer;
    this.#maxDeltaDepth = options.maxDeltaDepth ?? 50;
    this.#now = options.now ?? (() => new Date());
    this.#writer = options.groupCommit ?? db.dialect === "sqlite"
      ? new GroupCommitWriter(db)
      : transactionWriter(db);
  }

  /** The database this saver writes to. */
  get database(): Database {
    return this.#db;
  }

  /** Versions carry a random part so forks of a thread never reuse one (see `versions.ts`). */
  override getNextVersion(current: number | undefined): number {
    return nextChannelVersion(current);
  }

  /** The checkpoint `config` names (or the thread's latest) with its values and pending writes. */
  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { thread_id, checkpoint_ns = "", checkpoint_id } = configurable(config);
    if (thread_id === undefined) return undefined;
    const threadId = String(thread_id);
    const row = await selectCheckpoint(
      this.#db,
      threadId,
      checkpoint_ns,
      checkpoint_id || undefined,
    );
    if (!row) return undefined;
    const stored = await this.#loadStoredCheckpoint(row);
    const [blobs, writes] = await Promise.all([
      resolveBlobs(this.#db, threadId, checkpoint_ns, versionPairs(stored.channel_versions)),
      selectWrites(this.#db, threadId, checkpoint_ns, [row.checkpoint_id]),
    ]);
    const tuple = await this.#assemble(row, stored, blobs, writes);
    this.#remember(threadId, checkpoint_ns, stored, blobs);
    return tuple;
  }

  /**
   * Checkpoints newest first. `config.configurable` narrows by thread, namespace and checkpoint
   * id; `before` keeps ids sorting before its checkpoint id; `filter` keeps checkpoints whose
   * metadata has each given key equal (deeply) to the given value.
   */
  override async *list(
    config: RunnableConfig,
    options: CheckpointListOptions = {},
  ): AsyncGenerator<CheckpointTuple> {
    const { thread_id, checkpoint_ns, checkpoint_id } = configurable(config);
    const filter = Object.entries(options.filter ?? {});
    const keys = await selectCheckpointKeys(this.#db, {
      threadId: thread_id === undefined ? undefined : String(thread_id),
      namespace: checkpoint_ns,
      checkpointId: checkpoint_id || undefined,
      beforeId: configurable(options.before ?? {}).checkpoint_id,
      // With a metadata filter the limit applies after filtering, below.
      limit: filter.length === 0 ? options.limit : undefined,
    });
    const matching = filter.length === 0 ? keys : keys.filter((key) => {
      const metadata = fromDbJson(key.metadata) as Record<string, unknown>;
      return filter.every(([name, value]) => isDeepStrictEqual(metadata?.[name], value));
    }).slice(0, options.limit);
    for (const page of chunks(matching, LIST_PAGE_SIZE)) {
      const tuples = new Map<string, CheckpointTuple>();
      for (const group of groupByThread(page)) {
        for (const tuple of await this.#loadMany(group.threadId, group.namespace, group.ids)) {
          tuples.set(tupleKey(tuple.config), tuple);
        }
      }
      for (const key of page) {
        const tuple = tuples.get(tupleKey({ configurable: key }));
        if (tuple) yield tuple;
      }
    }
  }

  /**
   * Stores a checkpoint and the values of the channels in `newVersions`; with a `guard`, only if
   * it holds (else rejects with `guard.refused()`).
   */
  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
    guard?: WriteGuard,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error("put: config.configurable is missing");
    const { thread_id, checkpoint_ns = "", checkpoint_id: parentId } = configurable(config);
    if (thread_id === undefined) throw new Error("put: config.configurable.thread_id is missing");
    const threadId = String(thread_id);
    const now = this.#now();

    const { channel_values: values, ...withoutValues } = checkpoint;
    const [type, bytes] = await this.serde.dumpsTyped(withoutValues);
    const checkpointRow = {
      ...rowStamp(now),
      thread_id: threadId,
      checkpoint_ns,
      checkpoint_id: checkpoint.id,
      parent_checkpoint_id: parentId ?? null,
      type,
      checkpoint: binary(bytes),
      metadata: await this.#dumpMetadata(metadata),
    };

    const known = this.#cache.get(threadId, checkpoint_ns);
    const parent = known !== undefined && known.checkpointId === parentId ? known : undefined;
    const encoded = await this.#encodeBlobs(
      threadId,
      checkpoint_ns,
      values,
      newVersions,
      now,
      parent,
    );
    const carried = guard?.carried?.take() ?? [];
    /** Writes the rows; false when the guard refused them. */
    const store = async (blobs: NewBlobRow[]) => {
      const statements = checkpointStatements(this.#db, blobs, checkpointRow, guard?.condition);
      const counts = await this.#writer.write([...carried, ...statements]);
      return guard === undefined || (counts.at(-1) !== 0 && allApplied(counts, carried.length));
    };
    let stored: boolean;
    let lists: Map<string, ListVersion>;
    try {
      try {
        stored = await store(encoded.rows);
        lists = carryLists(parent, checkpoint.channel_versions, encoded.lists);
      } catch (error) {
        if (!encoded.usesDeltas) throw error;
        // A delta's base was removed behind this process's back (the foreign key refused it):
        // store the values whole, and trust only what was just written.
        this.#cache.forget(threadId, checkpoint_ns);
        stored = await store(encoded.fullRows);
        lists = new Map(
          [...encoded.lists].map(([channel, list]) => [
            channel,
            { ...list, depth: 0, root: list.version },
          ]),
        );
      }
    } catch (error) {
      if (carried.length > 0) guard?.carried?.giveBack(carried);
      throw error;
    }
    if (!stored) throw guard!.refused();
    this.#cache.set(threadId, checkpoint_ns, {
      checkpointId: checkpoint.id,
      channelVersions: { ...checkpoint.channel_versions },
      lists,
    });
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  /**
   * Stores a task's writes against the checkpoint `config` names; with a `guard`, only if it
   * holds (else rejects with `guard.refused()`).
   */
  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
    guard?: WriteGuard,
  ): Promise<void> {
    const { thread_id, checkpoint_ns = "", checkpoint_id } = configurable(config);
    if (thread_id === undefined) {
      throw new Error("putWrites: config.configurable.thread_id is missing");
    }
    if (!checkpoint_id) throw new Error("putWrites: config.configurable.checkpoint_id is missing");
    if (writes.length === 0) return;
    const stamp = this.#now();
    const rows: NewWriteRow[] = await Promise.all(writes.map(async ([channel, value], index) => {
      const [type, bytes] = await this.serde.dumpsTyped(value);
      return {
        ...rowStamp(stamp),
        thread_id: String(thread_id),
        checkpoint_ns,
        checkpoint_id,
        task_id: taskId,
        idx: WRITES_IDX_MAP[channel] ?? index,
        channel,
        type,
        blob: binary(bytes),
        task_path: taskPath,
      };
    }));
    // Special writes (errors, interrupts, resume values) replace earlier ones of the task.
    const overwrite = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    const carried = guard?.carried?.take() ?? [];
    let counts: number[];
    try {
      counts = await this.#writer.write([
        ...carried,
        compileWrites(this.#db, rows, overwrite, guard?.condition),
      ]);
    } catch (error) {
      if (carried.length > 0) guard?.carried?.giveBack(carried);
      throw error;
    }
    if (guard && (counts.at(-1) === 0 || !allApplied(counts, carried.length))) {
      throw guard.refused();
    }
  }

  /** Deletes every checkpoint, blob and write of a thread. */
  override async deleteThread(threadId: string): Promise<void> {
    this.#cache.forgetThread(String(threadId));
    await deleteThreadRows(this.#db, String(threadId));
  }

  /** Prunes old checkpoints of idle (or the given) threads; see `pruneCheckpoints`. */
  prune(options: PruneOptions): Promise<PruneReport> {
    return pruneCheckpoints(this.#db, this.serde, { now: this.#now(), ...options });
  }

  async #encodeBlobs(
    threadId: string,
    namespace: string,
    values: Record<string, unknown>,
    newVersions: ChannelVersions,
    now: Date,
    parent: KnownCheckpoint | undefined,
  ): Promise<{
    rows: NewBlobRow[];
    fullRows: NewBlobRow[];
    usesDeltas: boolean;
    lists: Map<string, ListVersion>;
  }> {
    const rows: NewBlobRow[] = [];
    const fullRows: NewBlobRow[] = [];
    const lists = new Map<string, ListVersion>();
    let usesDeltas = false;
    for (const [channel, rawVersion] of Object.entries(newVersions)) {
      // A channel without a value gets no row: reads find no blob and leave it out, as asked.
      if (!Object.prototype.hasOwnProperty.call(values, channel)) continue;
      const version = String(rawVersion);
      const value = values[channel];
      const [type, bytes] = await this.serde.dumpsTyped(value);
      const full: NewBlobRow = {
        ...rowStamp(now),
        thread_id: threadId,
        checkpoint_ns: namespace,
        channel,
        version,
        base_version: null,
        root_version: null,
        type,
        blob: binary(bytes),
      };
      fullRows.push(full);
      if (!this.#listDeltas || type !== "json" || !Array.isArray(value)) {
        rows.push(full);
        continue;
      }
      const base = parent?.lists.get(channel);
      const usable = base !== undefined && base.depth < this.#maxDeltaDepth &&
        base.version === String(parent!.channelVersions[channel]);
      const delta = usable ? appendedItems(base.bytes, bytes) : undefined;
      if (delta && base) {
        rows.push({
          ...full,
          base_version: base.version,
          root_version: base.root,
          blob: binary(delta),
        });
        lists.set(channel, { version, bytes, depth: base.depth + 1, root: base.root });
        usesDeltas = true;
      } else {
        rows.push(full);
        lists.set(channel, { version, bytes, depth: 0, root: version });
      }
    }
    return { rows, fullRows, usesDeltas, lists };
  }

  async #dumpMetadata(metadata: CheckpointMetadata): Promise<string> {
    const [type, bytes] = await this.serde.dumpsTyped(metadata);
    if (type !== "json") throw new Error(`checkpoint metadata must serialize to json, not ${type}`);
    return new TextDecoder().decode(bytes);
  }

  async #loadStoredCheckpoint(row: CheckpointRow): Promise<StoredCheckpoint> {
    return await this.serde.loadsTyped(row.type, row.checkpoint) as StoredCheckpoint;
  }

  /** Full tuples of several checkpoints of one thread/namespace, with batched reads. */
  async #loadMany(
    threadId: string,
    namespace: string,
    ids: readonly string[],
  ): Promise<CheckpointTuple[]> {
    const rows = await selectCheckpointsByIds(this.#db, threadId, namespace, ids);
    const stored = await Promise.all(rows.map((row) => this.#loadStoredCheckpoint(row)));
    const [blobs, writes] = await Promise.all([
      resolveBlobs(
        this.#db,
        threadId,
        namespace,
        stored.flatMap((checkpoint) => versionPairs(checkpoint.channel_versions)),
      ),
      selectWrites(this.#db, threadId, namespace, ids),
    ]);
    return await Promise.all(rows.map((row, index) =>
      this.#assemble(
        row,
        stored[index],
        blobs,
        writes.filter((write) => write.checkpoint_id === row.checkpoint_id),
      )
    ));
  }

  async #assemble(
    row: CheckpointRow,
    stored: StoredCheckpoint,
    blobs: Map<string, ResolvedBlob>,
    writes: readonly WriteRow[],
  ): Promise<CheckpointTuple> {
    const channelValues: Record<string, unknown> = {};
    for (const [channel, version] of versionPairs(stored.channel_versions)) {
      const blob = blobs.get(blobKey(channel, version));
      if (blob) {
        channelValues[channel] = await this.serde.loadsTyped(blob.type, blob.bytes);
      }
    }
    const checkpoint: Checkpoint = { ...stored, channel_values: channelValues };
    if (checkpoint.v < 4 && row.parent_checkpoint_id !== null) {
      await this.#migratePendingSends(row, checkpoint);
    }
    const config = {
      configurable: {
        thread_id: row.thread_id,
        checkpoint_ns: row.checkpoint_ns,
        checkpoint_id: row.checkpoint_id,
      },
    };
    const parentConfig = row.parent_checkpoint_id === null ? undefined : {
      configurable: {
        thread_id: row.thread_id,
        checkpoint_ns: row.checkpoint_ns,
        checkpoint_id: row.parent_checkpoint_id,
      },
    };
    return {
      config,
      checkpoint,
      metadata: await this.serde.loadsTyped("json", row.metadata) as CheckpointMetadata,
      parentConfig,
      pendingWrites: await this.#decodeWrites(writes),
    };
  }

  /** Writes in the order LangGraph replays them: task path, task id, index. */
  async #decodeWrites(rows: readonly WriteRow[]): Promise<CheckpointPendingWrite[]> {
    const sorted = [...rows].sort((a, b) =>
      compareWritesSortKeys(
        writesSortKey(a.task_path, a.task_id, a.idx),
        writesSortKey(b.task_path, b.task_id, b.idx),
      )
    );
    return await Promise.all(
      sorted.map(async (row): Promise<CheckpointPendingWrite> => [
        row.task_id,
        row.channel,
        await this.serde.loadsTyped(row.type, row.blob),
      ]),
    );
  }

  /**
   * Checkpoints older than format 4 kept pending sends as writes to the parent's task channel;
   * format 4 keeps them as that channel's value. Old checkpoints are upgraded on read.
   */
  async #migratePendingSends(row: CheckpointRow, checkpoint: Checkpoint): Promise<void> {
    const sends = await selectWrites(
      this.#db,
      row.thread_id,
      row.checkpoint_ns,
      [row.parent_checkpoint_id!],
      TASKS,
    );
    if (sends.length === 0) return;
    const decoded = await this.#decodeWrites(sends);
    checkpoint.channel_values[TASKS] = decoded.map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = this.getNextVersion(
      versions.length === 0 ? undefined : Number(maxChannelVersion(...versions)),
    );
  }

  /** Seeds the delta cache from a checkpoint just read, so the run resuming it writes deltas. */
  #remember(
    threadId: string,
    namespace: string,
    stored: StoredCheckpoint,
    blobs: Map<string, ResolvedBlob>,
  ): void {
    if (!this.#listDeltas) return;
    const known = this.#cache.get(threadId, namespace);
    if (known !== undefined && known.checkpointId >= stored.id) return;
    const lists = new Map<string, ListVersion>();
    for (const [channel, version] of versionPairs(stored.channel_versions)) {
      const blob = blobs.get(blobKey(channel, version));
      if (blob?.type === "json" && blob.bytes[0] === 0x5b) {
        lists.set(channel, { version, bytes: blob.bytes, depth: blob.depth, root: blob.root });
      }
    }
    this.#cache.set(threadId, namespace, {
      checkpointId: stored.id,
      channelVersions: { ...stored.channel_versions },
      lists,
    });
  }
}

function configurable(config: RunnableConfig): SaverConfigurable {
  return (config.configurable ?? {}) as SaverConfigurable;
}

function versionPairs(versions: ChannelVersions): [string, string][] {
  return Object.entries(versions).map(([channel, version]) => [channel, String(version)]);
}

function tupleKey(config: RunnableConfig): string {
  const { thread_id, checkpoint_ns, checkpoint_id } = configurable(config);
  return JSON.stringify([String(thread_id), checkpoint_ns, checkpoint_id]);
}

function groupByThread(
  keys: readonly Pick<CheckpointRow, "thread_id" | "checkpoint_ns" | "checkpoint_id">[],
): { threadId: string; namespace: string; ids: string[] }[] {
  const groups = new Map<string, { threadId: string; namespace: string; ids: string[] }>();
  for (const key of keys) {
    const id = JSON.stringify([key.thread_id, key.checkpoint_ns]);
    let group = groups.get(id);
    if (!group) {
      group = { threadId: key.thread_id, namespace: key.checkpoint_ns, ids: [] };
      groups.set(id, group);
    }
    group.ids.push(key.checkpoint_id);
  }
  return [...groups.values()];
}

/** Lists known after a put: the parent's unchanged ones plus those just written. */
function carryLists(
  parent: KnownCheckpoint | undefined,
  versions: ChannelVersions,
  written: Map<string, ListVersion>,
): Map<string, ListVersion> {
  const lists = new Map<string, ListVersion>();
  for (const [channel, list] of parent?.lists ?? []) {
    if (list.version === String(versions[channel])) lists.set(channel, list);
  }
  for (const [channel, list] of written) lists.set(channel, list);
  return lists;
}

/** True when each of the first `count` statements (carried, fenced ones) affected a row. */
function allApplied(counts: readonly number[], count: number): boolean {
  return counts.slice(0, count).every((affected) => affected > 0);
}
