/**
 * What the saver remembers about the checkpoints it last wrote or read, per thread and
 * namespace, so the next `put` can store list channels as append deltas without reading the
 * previous value back. Only a `put` whose parent is the remembered checkpoint uses it: then the
 * remembered list versions are exactly the parent's, whose blobs are stored (and kept by
 * retention, which never removes a thread's latest checkpoint or what it references).
 *
 * Bounded by entries and by the bytes of remembered lists (least recently used entries go first):
 * a miss only costs a full blob.
 *
 * @module
 */
import type { ChannelVersions } from "@langchain/langgraph-checkpoint";

/** A list channel's serialized value at a version, and how many deltas lead to it. */
export interface ListVersion {
  version: string;
  /** The whole serialized JSON array at `version`. */
  bytes: Uint8Array;
  /** 0 for a full blob, else the number of deltas on top of the chain's full blob. */
  depth: number;
  /** Version of the chain's full blob (`version` itself for a full blob). */
  root: string;
}

/** The latest checkpoint of a thread/namespace as this process knows it. */
export interface KnownCheckpoint {
  checkpointId: string;
  channelVersions: ChannelVersions;
  /** List channels whose serialized value at `channelVersions[channel]` is known. */
  lists: Map<string, ListVersion>;
}

/** Least-recently-used map of known checkpoints keyed by thread and namespace. */
export class DeltaCache {
  readonly #entries = new Map<string, KnownCheckpoint>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** The entry for a thread/namespace, refreshed as recently used. */
  get(threadId: string, namespace: string): KnownCheckpoint | undefined {
    const key = cacheKey(threadId, namespace);
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Remembers `entry` as the latest checkpoint of a thread/namespace. */
  set(threadId: string, namespace: string, entry: KnownCheckpoint): void {
    const key = cacheKey(threadId, namespace);
    this.#delete(key);
    this.#entries.set(key, entry);
    this.#bytes += entryBytes(entry);
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      this.#delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets one thread/namespace. */
  forget(threadId: string, namespace: string): void {
    this.#delete(cacheKey(threadId, namespace));
  }

  /** Forgets every namespace of a thread. */
  forgetThread(threadId: string): void {
    const prefix = cacheKey(threadId, "");
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) this.#delete(key);
    }
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entryBytes(entry);
  }
}

function entryBytes(entry: KnownCheckpoint): number {
  let bytes = 0;
  for (const list of entry.lists.values()) bytes += list.bytes.byteLength;
  return bytes;
}

function cacheKey(threadId: string, namespace: string): string {
  // NUL cannot appear in a thread id stored in the database's key columns.
  return `${threadId}\u0000${namespace}`;
}
