/**
 * The append-delta byte operations and the saver's delta cache: a delta is produced exactly when
 * the new JSON array extends the old one item by item, and joining restores the new array.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { appendedItems, joinAppended } from "../../../agent/checkpoint/list_delta.ts";
import { DeltaCache } from "../../../agent/checkpoint/delta_cache.ts";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

Deno.test("appendedItems/joinAppended round-trip any appended JSON items", () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue(), { minLength: 1 }),
      fc.array(fc.jsonValue(), { minLength: 1 }),
      (base, added) => {
        const delta = appendedItems(encode(base), encode([...base, ...added]));
        assert.ok(delta);
        assert.deepEqual(decode(delta), JSON.parse(JSON.stringify(added)));
        assert.deepEqual(
          decode(joinAppended(encode(base), delta)),
          JSON.parse(JSON.stringify([...base, ...added])),
        );
      },
    ),
  );
});

Deno.test("appendedItems refuses anything but a strict item-wise extension", () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), fc.array(fc.jsonValue()), (base, next) => {
      const delta = appendedItems(encode(base), encode(next));
      const extends_ = base.length > 0 && next.length > base.length &&
        JSON.stringify(next.slice(0, base.length)) === JSON.stringify(base);
      assert.equal(delta !== undefined, extends_);
    }),
  );
  // Same text prefix, but the last item changed: not a delta.
  assert.equal(appendedItems(encode([1]), encode([12, 3])), undefined);
  assert.equal(appendedItems(encode(["a"]), encode(["ab", "c"])), undefined);
  assert.equal(appendedItems(encode({ a: [1] }), encode({ a: [1, 2] })), undefined);
});

Deno.test("DeltaCache evicts least recently used entries by count and by bytes", () => {
  const entry = (id: string, size: number) => ({
    checkpointId: id,
    channelVersions: { messages: 1 },
    lists: new Map([["messages", {
      version: "1",
      bytes: new Uint8Array(size),
      depth: 0,
      root: "1",
    }]]),
  });
  const cache = new DeltaCache(2, 100);
  cache.set("a", "", entry("a1", 10));
  cache.set("b", "", entry("b1", 10));
  cache.get("a", "");
  cache.set("c", "", entry("c1", 10));
  assert.equal(cache.get("b", ""), undefined, "b was least recently used");
  assert.equal(cache.get("a", "")?.checkpointId, "a1");
  cache.set("d", "", entry("d1", 95));
  assert.equal(cache.get("a", ""), undefined, "over 100 bytes: older entries go");
  assert.equal(cache.get("c", ""), undefined);
  assert.equal(cache.get("d", "")?.checkpointId, "d1");
  cache.set("d", "sub", entry("d2", 1));
  cache.forgetThread("d");
  assert.equal(cache.get("d", ""), undefined);
  assert.equal(cache.get("d", "sub"), undefined);
});
