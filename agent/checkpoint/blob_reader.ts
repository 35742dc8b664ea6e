/**
 * Reads channel values back: fetches the blob rows a set of checkpoints reference and, for append
 * deltas, the chain of bases under them (one query per chain level, all channels at once), then
 * joins each delta onto its base so every value is deserialized from one whole byte array.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { joinAppended } from "./list_delta.ts";
import { type BlobRow, selectBlobs } from "./store.ts";

/** A channel value at a version, reassembled but not yet deserialized. */
export interface ResolvedBlob {
  /** Serializer type, or `empty` for a channel without a value. */
  type: string;
  /** Whole serialized value; null when `type` is `empty`. */
  bytes: Uint8Array | null;
  /** Deltas on top of the last full blob (0 for a full blob). */
  depth: number;
}

/** The blob type marking a channel that has no value at a version. */
export const EMPTY_BLOB_TYPE = "empty";

/** Longest delta chain a reader follows before declaring the data corrupt. */
const MAX_CHAIN_LEVELS = 64;

/** Key of a `[channel, version]` pair in resolver maps. */
export function blobKey(channel: string, version: string): string {
  return `${channel}\u0000${version}`;
}

/**
 * Resolves `[channel, version]` pairs of one thread/namespace. Pairs without a stored blob are
 * absent from the result (a channel whose value was never written, as LangGraph expects).
 */
export async function resolveBlobs(
  db: Database,
  threadId: string,
  namespace: string,
  pairs: Iterable<readonly [string, string]>,
): Promise<Map<string, ResolvedBlob>> {
  const rows = new Map<string, BlobRow>();
  let wanted = uniquePairs(pairs);
  for (let level = 0; wanted.length > 0; level++) {
    if (level > MAX_CHAIN_LEVELS) throw new Error("checkpoint blobs: delta chain too long");
    const fetched = await selectBlobs(db, threadId, namespace, wanted);
    for (const row of fetched) rows.set(blobKey(row.channel, row.version), row);
    // A missing base stops the walk; resolving the delta above it reports it.
    if (level > 0 && fetched.length === 0) break;
    // Bases not fetched yet: the next level of the chains.
    wanted = uniquePairs(
      fetched
        .filter((row) =>
          row.base_version !== null && !rows.has(blobKey(row.channel, row.base_version))
        )
        .map((row) => [row.channel, row.base_version!] as const),
    );
  }
  const resolved = new Map<string, ResolvedBlob>();
  const resolve = (row: BlobRow): ResolvedBlob => {
    const key = blobKey(row.channel, row.version);
    const known = resolved.get(key);
    if (known) return known;
    let result: ResolvedBlob;
    if (row.base_version === null) {
      result = { type: row.type, bytes: row.blob, depth: 0 };
    } else {
      const baseRow = rows.get(blobKey(row.channel, row.base_version));
      if (!baseRow || row.blob === null) {
        throw new Error(
          `checkpoint blobs: base ${row.base_version} of ${row.channel}@${row.version} is missing`,
        );
      }
      const base = resolve(baseRow);
      if (base.bytes === null) throw new Error("checkpoint blobs: an append delta has no base");
      result = { type: row.type, bytes: joinAppended(base.bytes, row.blob), depth: base.depth + 1 };
    }
    resolved.set(key, result);
    return result;
  };
  for (const row of rows.values()) resolve(row);
  return resolved;
}

function uniquePairs(pairs: Iterable<readonly [string, string]>): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const [channel, version] of pairs) seen.set(blobKey(channel, version), [channel, version]);
  return [...seen.values()];
}
