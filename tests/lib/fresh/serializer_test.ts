import assert from "node:assert/strict";
import fc from "fast-check";
import { computed, signal } from "@preact/signals";
import { deserialize, isSignal, serialize } from "$fresh/src/serializer.ts";
import { readProps } from "$fresh/src/runtime/props.ts";

/** Leaves that devalue must carry across with their type. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: true }),
  fc.string().map((s) => `</script><!--${s}`),
);

const key = fc.string().filter((k) => k !== "__proto__");

const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("node"), { maxLength: 4 }),
    // devalue refuses own `__proto__` keys (a prototype-pollution guard); tested below.
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    fc.array(tie("node"), { maxLength: 3 }).map((items) => new Set(items)),
    fc.array(fc.tuple(key, tie("node")), { maxLength: 3 }).map((e) => new Map(e)),
  ),
})).node;

Deno.test("serializer", async (t) => {
  await t.step("round-trips nested values (property)", () => {
    fc.assert(
      fc.property(tree, (value) => {
        assert.deepStrictEqual(deserialize(serialize(value)), value);
      }),
      { numRuns: 300 },
    );
  });

  await t.step("keeps shared references shared (property)", () => {
    fc.assert(
      fc.property(tree, (value) => {
        const shared = { value };
        const [a, b] = deserialize(serialize([shared, { again: shared }])) as [
          unknown,
          { again: unknown },
        ];
        assert.equal(a, b.again);
      }),
      { numRuns: 100 },
    );
  });

  await t.step("output is safe inside a <script> element", () => {
    fc.assert(
      fc.property(tree, (value) => {
        assert.doesNotMatch(serialize(value), /</);
      }),
      { numRuns: 100 },
    );
  });

  await t.step("objects with an own __proto__ key are refused, not smuggled", () => {
    assert.throws(() => serialize(JSON.parse('{"__proto__": {"polluted": true}}')));
  });

  await t.step("a signal passed twice comes back as one signal, falsy values included", () => {
    for (const initial of [0, "", false, null, undefined, { n: 1 }]) {
      const shared = signal<unknown>(initial);
      const [first, second] = deserialize(serialize([{ s: shared }, { s: shared }])) as {
        s: unknown;
      }[];
      assert.ok(isSignal(first.s));
      assert.equal(first.s, second.s);
      assert.deepStrictEqual(first.s.value, initial);
    }
  });

  await t.step("computed signals arrive as signals holding their current value", () => {
    const base = signal(2);
    const doubled = computed(() => base.value * 2);
    const revived = deserialize(serialize({ doubled })) as { doubled: unknown };
    assert.ok(isSignal(revived.doubled));
    assert.equal(revived.doubled.value, 4);
  });

  await t.step("plain props travel as JSON, which the browser reads without devalue", async () => {
    const props = [{ theme: "dark", count: 3, tags: ["a", "b"], nested: { ok: true, none: null } }];
    const text = serialize(props);
    assert.deepStrictEqual(JSON.parse(text), { json: props });
    assert.deepStrictEqual(deserialize(text), props);
    assert.deepStrictEqual(await readProps(text), props);
  });

  await t.step("what JSON would change goes through devalue, in the browser too", async () => {
    const shared = { n: 1 };
    const cases: unknown[] = [
      [{ at: new Date(0) }],
      [{ missing: undefined }],
      [{ a: shared, b: shared }],
      [-0],
      [Object.create(null)],
      [[1, , 3]],
      // Mentions the signal tag without holding a signal.
      [{ text: '["Signal",1]', at: new Date(0) }],
      [{ count: signal(5) }],
    ];
    for (const value of cases) {
      const text = serialize(value);
      assert.ok(!text.startsWith("{"), `devalue for ${Deno.inspect(value)}`);
      const read = await readProps(text);
      assert.deepStrictEqual(
        Deno.inspect(read, { depth: 5 }),
        Deno.inspect(deserialize(text), { depth: 5 }),
      );
    }
    const [{ a, b }] = await readProps(serialize([{ a: shared, b: shared }])) as {
      a: unknown;
      b: unknown;
    }[];
    assert.equal(a, b, "a shared object stays shared");
    const [{ count }] = await readProps(serialize([{ count: signal(5) }])) as { count: unknown }[];
    assert.ok(isSignal(count));
    assert.equal(count.value, 5);
  });
});
