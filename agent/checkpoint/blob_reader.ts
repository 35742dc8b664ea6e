/**
 * Reads channel values back: fetches the blob rows a set of checkpoints reference, then, for
 * append deltas, every row of their chains in one more query (by root), joins each delta onto its
 * base and hands back whole byte arrays, so every value is deserialized once.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { joinAppended } from "./list_delta.ts";
import { type BlobRow, selectBlobChains, selectBlobs } from "./store.ts";

/** A channel value at a version, reassembled but not yet deserialized. */
export interface ResolvedBlob {
  /** Serializer type. */
  type: string;
  /** The whole serialized value. */
  bytes: Uint8Array;
  /** Deltas on top of the chain's full blob (0 for a full blob). */
  depth: number;
  /** Version of the chain's full blob (its own version for a full blob). */
  root: string;
}

/** Key of a `[channel, version]` pair in resolver maps. */
export function blobKey(channel: string, version: string): string {
  return `${channel}\u0000${version}`;
}

/**
 * Resolves `[channel, version]` pairs of one thread/namespace. Pairs without a stored blob are
 * absent from the result: the channel has no value at that version.
 */
export async function resolveBlobs(
  db: Database,
  threadId: string,
  namespace: string,
  pairs: Iterable<readonly [string, string]>,
): Promise<Map<string, ResolvedBlob>> {
  const rows = new Map<string, BlobRow>();
  const add = (row: BlobRow) => rows.set(blobKey(row.channel, row.version), row);
  (await selectBlobs(db, threadId, namespace, unique(pairs))).forEach(add);
  const roots = unique(
    [...rows.values()].filter((row) => row.root_version !== null)
      .map((row) => [row.channel, row.root_version!] as const),
  );
  if (roots.length > 0) (await selectBlobChains(db, threadId, namespace, roots)).forEach(add);

  const resolved = new Map<string, ResolvedBlob>();
  const resolve = (row: BlobRow): ResolvedBlob => {
    const key = blobKey(row.channel, row.version);
    let result = resolved.get(key);
    if (result) return result;
    if (row.base_version === null) {
      result = { type: row.type, bytes: row.blob, depth: 0, root: row.version };
    } else {
      const baseRow = rows.get(blobKey(row.channel, row.base_version));
      if (!baseRow) {
        throw new Error(
          `checkpoint blobs: base ${row.base_version} of ${row.channel}@${row.version} is missing`,
        );
      }
      const base = resolve(baseRow);
      result = {
        type: row.type,
        bytes: joinAppended(base.bytes, row.blob),
        depth: base.depth + 1,
        root: base.root,
      };
    }
    resolved.set(key, result);
    return result;
  };
  for (const row of rows.values()) resolve(row);
  return resolved;
}

function unique(pairs: Iterable<readonly [string, string]>): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const [channel, version] of pairs) seen.set(blobKey(channel, version), [channel, version]);
  return [...seen.values()];
}
