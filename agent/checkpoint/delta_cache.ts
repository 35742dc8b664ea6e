/**
 * What the saver remembers about the checkpoints it last wrote or read, per thread and
 * namespace, so the next `put` can store list channels as append deltas without reading the
 * previous value back. Only a `put` whose parent is the remembered checkpoint uses it: then the
 * remembered list versions are exactly the parent's, whose blobs are stored (and kept by
 * retention, which never removes a thread's latest checkpoint or what it references).
 *
 * Bounded (least recently used entries go first): a miss only costs a full blob.
 *
 * @module
 */
import type { ChannelVersions } from "@langchain/langgraph-checkpoint";

/** A list channel's serialized value at a version, and how many deltas lead to it. */
export interface ListVersion {
  version: string;
  /** The whole serialized JSON array at `version`. */
  bytes: Uint8Array;
  /** 0 for a full blob, else the number of deltas on top of the last full blob. */
  depth: number;
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
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
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
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets one thread/namespace. */
  forget(threadId: string, namespace: string): void {
    this.#entries.delete(cacheKey(threadId, namespace));
  }

  /** Forgets every namespace of a thread. */
  forgetThread(threadId: string): void {
    const prefix = cacheKey(threadId, "");
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) this.#entries.delete(key);
    }
  }
}

function cacheKey(threadId: string, namespace: string): string {
  // NUL cannot appear in a thread id stored in the database's key columns.
  return `${threadId}\u0000${namespace}`;
}
