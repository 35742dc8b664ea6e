/**
 * Sends generated malformed requests to every operation of the published document: random path
 * ids, junk query strings, bodies that are invalid by construction (broken JSON, non-objects,
 * documented fields holding objects, other content types) and junk headers. No response may be
 * a 5xx, every error is `{"detail"}` (the client also checks each against the document), and no
 * row of any table changes.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { snapshotTables } from "../_helpers/fixtures.ts";
import { apiTest } from "./_helpers/harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Target {
  method: string;
  template: string;
  params: string[];
  bodyProps: string[] | null;
}

function targetsOf(doc: Json): Target[] {
  const targets: Target[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      const resolved = schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
      targets.push({
        method: method.toUpperCase(),
        template,
        params: (op.parameters ?? []).filter((p: Json) => p.in === "query").map((p: Json) =>
          p.name
        ),
        bodyProps: resolved ? Object.keys(resolved.properties ?? {}) : null,
      });
    }
  }
  return targets;
}

/** Only bytes a header value may hold. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\x80-\xff]/g, "");

const junkText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "-1", "1e309", "NaN", "null", "' OR 1=1 --", "../../etc", "%00", "💥"),
);

/** A body no operation accepts: invalid JSON, a non-object, or a documented field set to an object. */
function malformedBody(props: string[]) {
  const broken = fc.constantFrom('{"a":', "{", "nul", "[1,]", '{"x" 1}', "\u0000", "{}}");
  const nonObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), fc.string())
    .map((value) => JSON.stringify(value));
  const wrongField = props.length === 0 ? nonObject : fc.record({
    prop: fc.constantFrom(...props),
    junk: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 3,
    }),
    value: fc.jsonValue({ maxDepth: 2 }),
  }).map(({ prop, junk, value }) => JSON.stringify({ ...junk, [prop]: { $fuzz: value } }));
  return fc.record({
    text: fc.oneof(broken, nonObject, wrongField),
    contentType: fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ),
  });
}

apiTest("fuzz: malformed requests never 5xx, always {detail}, write nothing", async (t, api) => {
  const { client, backend } = api;
  const session = await api.register("fuzz");
  const targets = targetsOf(api.doc);
  assert.ok(targets.length >= 30, `only ${targets.length} operations`);
  const before = await snapshotTables(backend.db);

  // Every operation gets its share of the runs, so each one is exercised whatever the seed.
  const runsPerTarget = Math.ceil(1000 / targets.length);
  const request = (target: (typeof targets)[number]) =>
    fc.record({
      target: fc.constant(target),
      id: fc.oneof(fc.uuid(), junkText.filter((text) => text.length > 0)),
      query: fc.array(fc.tuple(fc.oneof(fc.constant(""), junkText), junkText), { maxLength: 4 }),
      useDocumentedNames: fc.boolean(),
      body: fc.option(fc.constant(null)),
      auth: fc.constantFrom("valid", "valid", "valid", "junk", "none", "cookie"),
      junkHeader: fc.record({
        requestId: fc.option(junkText.map(headerSafe)),
        idempotencyKey: fc.option(junkText.map(headerSafe)),
        origin: fc.option(fc.constantFrom("https://evil.example", "null", "http://localhost")),
      }),
      seed: fc.nat(),
    });
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 2 ** 31);

  await t.step("every operation under generated garbage", async () => {
    for (const target of targets) {
      await fc.assert(
        fc.asyncProperty(request(target), async (input) => {
          const { target } = input;
          const path = target.template.replace("{id}", encodeURIComponent(input.id));
          const params = new URLSearchParams();
          input.query.forEach(([key, value], index) => {
            const name = input.useDocumentedNames && target.params.length > 0
              ? target.params[index % target.params.length]
              : key;
            params.append(name, value);
          });
          const headers: Record<string, string> = {};
          if (input.junkHeader.requestId !== null) {
            headers["x-request-id"] = input.junkHeader.requestId;
          }
          if (input.junkHeader.idempotencyKey) {
            headers["idempotency-key"] = input.junkHeader.idempotencyKey;
          }
          if (input.junkHeader.origin) headers.origin = input.junkHeader.origin;
          let token: string | undefined;
          if (input.auth === "valid") token = session.accessToken;
          if (input.auth === "junk") token = headerSafe(`eyJ${input.id}`);
          if (input.auth === "cookie") {
            headers.cookie = headerSafe(`aae_access=${input.id}; aae_refresh=x`);
          }
          let rawBody: string | undefined;
          if (target.bodyProps !== null) {
            const body =
              fc.sample(malformedBody(target.bodyProps), { numRuns: 1, seed: input.seed })[0];
            rawBody = body.text;
            headers["content-type"] = body.contentType;
          }
          const query = params.toString();
          const response = await client.request(target.method, query ? `${path}?${query}` : path, {
            token,
            rawBody,
            headers,
          });
          const where = `${target.method} ${path}?${query} → ${response.status} ${response.text}`;
          assert.ok(response.status < 500, where);
          if (response.status >= 400) assert.equal(typeof response.body.detail, "string", where);
        }),
        { numRuns: runsPerTarget, seed },
      );
    }
  });

  await t.step("nothing was written", async () => {
    assert.deepEqual(await snapshotTables(backend.db), before);
  });

  await t.step("every documented operation was exercised", () => {
    const seen = new Set([...client.covered].map((entry) => entry));
    for (const target of targets) {
      assert.ok(seen.has(`${target.method} ${target.template}`), target.template);
    }
  });
});
