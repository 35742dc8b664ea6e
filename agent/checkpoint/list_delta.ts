/**
 * Append deltas for list channels. A ReAct loop's `messages` channel changes on every step by
 * appending one message, so storing each version whole (as LangGraph's Postgres saver does)
 * grows quadratically with the conversation. When a new version's serialized JSON array starts
 * with the previous version's items, only the appended items are stored, as their own JSON array,
 * and reads join the bytes back before deserializing once.
 *
 * Working on the serialized bytes (not on the objects) makes the check exact: a delta is written
 * only if the stored base bytes are literally a prefix of the new value's bytes, so a message
 * edited or removed in place simply produces a full version.
 *
 * @module
 */
import { Buffer } from "node:buffer";

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c; // ,

/**
 * The items `next` appends to `base`, as a JSON array, when both are JSON arrays and `next`'s
 * text starts with all of `base`'s items; `undefined` otherwise (including an empty `base`,
 * where a delta would save nothing).
 */
export function appendedItems(base: Uint8Array, next: Uint8Array): Uint8Array | undefined {
  if (base.length < 3 || base[0] !== OPEN || base[base.length - 1] !== CLOSE) return undefined;
  const prefixLength = base.length - 1;
  // `base` is valid JSON, so its text minus the closing bracket ends exactly after its last
  // item; the same bytes followed by a comma in `next` are the same items followed by more.
  if (next.length <= prefixLength + 1) return undefined;
  if (next[prefixLength] !== COMMA || next[next.length - 1] !== CLOSE) return undefined;
  if (Buffer.compare(base.subarray(0, prefixLength), next.subarray(0, prefixLength)) !== 0) {
    return undefined;
  }
  const delta = new Uint8Array(next.length - prefixLength);
  delta[0] = OPEN;
  delta.set(next.subarray(prefixLength + 1), 1);
  return delta;
}

/** The JSON array of `base`'s items followed by `delta`'s items (the inverse of `appendedItems`). */
export function joinAppended(base: Uint8Array, delta: Uint8Array): Uint8Array {
  if (base.length < 2 || base[0] !== OPEN || base[base.length - 1] !== CLOSE) {
    throw new Error("checkpoint blob: an append delta's base is not a JSON array");
  }
  if (delta.length < 2 || delta[0] !== OPEN || delta[delta.length - 1] !== CLOSE) {
    throw new Error("checkpoint blob: an append delta is not a JSON array");
  }
  if (base.length === 2) return delta;
  if (delta.length === 2) return base;
  const joined = new Uint8Array(base.length + delta.length - 1);
  joined.set(base.subarray(0, base.length - 1));
  joined[base.length - 1] = COMMA;
  joined.set(delta.subarray(1), base.length);
  return joined;
}
