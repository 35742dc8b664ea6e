/**
 * `GeminiModel` against the strict fake Gemini server, on the points where the real API differs
 * from a permissive fake: current model names, the API version's fields, thought signatures
 * carried on the tool calls (so they survive a checkpoint and another process), finish reasons,
 * quota errors with `RetryInfo` / `QuotaFailure`, a stalled stream, and the ambient environment
 * variables of the SDK.
 */
import assert from "node:assert/strict";
import { GeminiError, GeminiModel, type GeminiModelOptions } from "../../../agent/models/gemini.ts";
import { explainModelError } from "../../../agent/models/gemini_errors.ts";
import { createModel } from "../../../agent/models/mod.ts";
import type { ModelMessage, ModelToolCall, ToolSpec } from "../../../agent/models/types.ts";
import { ConfigError, loadConfig } from "../../../lib/config.ts";
import { type FakeGemini, type FakeTurn, startFakeGemini } from "../../_helpers/fake_gemini.ts";

const KEY = "strict-key";

const TOOL = (name: string): ToolSpec => ({
  name,
  description: name,
  parameters: { type: "object", properties: { id: { type: "string" } } },
});
const TOOLS = [TOOL("list_campaigns"), TOOL("pause_campaign"), TOOL("performance_summary")];
const USER: ModelMessage = { role: "user", content: "pause the worst campaign" };

interface Harness {
  fake: FakeGemini;
  /** Delays the model asked to sleep, in ms (nothing really waits). */
  slept: number[];
  model(options?: Partial<GeminiModelOptions>): GeminiModel;
}

async function withFake(fn: (h: Harness) => Promise<void>): Promise<void> {
  const fake = startFakeGemini({ apiKey: KEY });
  const slept: number[] = [];
  const harness: Harness = {
    fake,
    slept,
    model: (options = {}) =>
      new GeminiModel({
        apiKey: KEY,
        baseUrl: fake.url,
        random: () => 0.5,
        sleep: (ms) => {
          slept.push(ms);
          return Promise.resolve();
        },
        ...options,
      }),
  };
  try {
    await fn(harness);
  } finally {
    await fake.close();
  }
}

/** The graph's view of a model turn: its own ids, Gemini's id and signature kept beside. */
function asGraphCalls(calls: ModelToolCall[], turn: number): ModelToolCall[] {
  return calls.map((call, index) => ({ ...call, id: `t${turn}c${index}` }));
}

function answers(calls: ModelToolCall[]): ModelMessage[] {
  return calls.map((call) => ({
    role: "tool" as const,
    toolCallId: call.id,
    name: call.name,
    content: JSON.stringify({ ok: call.name }),
  }));
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => assert.fail("expected a failure"), (error: unknown) => {
    assert.ok(error instanceof GeminiError, String(error));
    return error;
  });

Deno.test("Gemini against the strict fake", async (t) => {
  await t.step("the default model is a current one (retired names get 404)", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [["hello"]] });
      const turn = await model().generate({ messages: [USER], tools: [] });
      assert.equal(turn.content, "hello");
      assert.equal(fake.requests[0].refused, undefined);
      const error = await failureOf(
        model({ model: "gemini-2.5-flash" }).generate({ messages: [USER], tools: [] }),
      );
      assert.equal(error.kind, "not_found");
      assert.equal(explainModelError(error)?.code, "model_unavailable");
      assert.match(explainModelError(error)!.message, /GEMINI_MODEL/);
    });
  });

  await t.step(
    "signatures and Gemini's ids travel on the calls, across instances, unchanged",
    async () => {
      await withFake(async ({ fake, model }) => {
        fake.enqueue({
          thoughts: ["Which campaign is worst? I should look first."],
          chunks: [[{ functionCall: { name: "list_campaigns" } }], [{
            functionCall: { name: "performance_summary" },
          }]],
        });
        const deltas: string[] = [];
        const first = await model().generate({
          messages: [USER],
          tools: TOOLS,
          onDelta: (text) => deltas.push(text),
        });
        assert.deepEqual(deltas, [], "thoughts are not shown as the answer");
        assert.equal(first.content, "");
        const [list, summary] = first.toolCalls;
        assert.equal(list.signature, fake.signatures.get(list.providerId!));
        assert.ok(list.signature);
        assert.equal(summary.signature, undefined, "only the first parallel call is signed");
        assert.ok(summary.providerId);

        // A second step, by another instance (as after a restart), from the graph's state.
        const step1 = asGraphCalls(first.toolCalls, 0);
        fake.enqueue({
          chunks: [[{ functionCall: { name: "pause_campaign", args: { id: "c" } } }]],
        });
        const history: ModelMessage[] = [
          USER,
          { role: "assistant", content: "", toolCalls: step1 },
          ...answers(step1),
        ];
        const second = await model().generate({ messages: history, tools: TOOLS });
        const step2 = asGraphCalls(second.toolCalls, 1);
        fake.enqueue({ chunks: [["Paused it."]] });
        const third = await model().generate({
          messages: [
            ...history,
            { role: "assistant", content: "", toolCalls: step2 },
            ...answers(step2),
          ],
          tools: TOOLS,
        });
        assert.equal(third.content, "Paused it.");
        assert.deepEqual(fake.requests.map((request) => request.refused), [
          undefined,
          undefined,
          undefined,
        ]);
        assert.equal(fake.placeholders, 0, "no signature was replaced by the placeholder");
        const sent = fake.requests[2].body.contents;
        assert.deepEqual(sent[1].parts.map((part) => part.thoughtSignature), [
          list.signature,
          undefined,
        ]);
        assert.equal(sent[3].parts[0].thoughtSignature, second.toolCalls[0].signature);
        assert.deepEqual(
          sent[2].parts.map((part) => (part.functionResponse as { id: string }).id),
          [list.providerId, summary.providerId],
        );
      });
    },
  );

  await t.step("history that never had a signature gets the placeholder", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [["fine"]] });
      const calls: ModelToolCall[] = [{ id: "t0c0", name: "list_campaigns", args: {} }];
      await model().generate({
        messages: [USER, { role: "assistant", content: "", toolCalls: calls }, ...answers(calls)],
        tools: TOOLS,
      });
      assert.equal(fake.requests[0].refused, undefined);
      assert.equal(fake.placeholders, 1);
    });
  });

  await t.step("on v1, no field v1 lacks is sent", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [[{ functionCall: { name: "list_campaigns" } }]] }, {
        chunks: [["ok"]],
      });
      const v1 = model({ apiVersion: "v1" });
      const first = await v1.generate({ messages: [USER], tools: TOOLS });
      const calls = asGraphCalls(first.toolCalls, 0);
      const turn = await v1.generate({
        messages: [USER, { role: "assistant", content: "", toolCalls: calls }, ...answers(calls)],
        tools: TOOLS,
      });
      assert.equal(turn.content, "ok");
      assert.equal(fake.requests[1].refused, undefined);
      assert.equal(fake.requests[1].apiVersion, "v1");
    });
  });

  await t.step("MAX_TOKENS: the cut-off text says so", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [["Your best campaign is"]], finishReason: "MAX_TOKENS" });
      const deltas: string[] = [];
      const turn = await model().generate({
        messages: [USER],
        tools: [],
        onDelta: (text) => deltas.push(text),
      });
      assert.match(turn.content, /^Your best campaign is\n\n.*cut off/);
      assert.equal(deltas.join(""), turn.content, "the note is streamed too");
    });
  });

  for (
    const reason of [
      "MALFORMED_FUNCTION_CALL",
      "UNEXPECTED_TOOL_CALL",
      "TOO_MANY_TOOL_CALLS",
      "OTHER",
      "STOP",
    ]
  ) {
    await t.step(`${reason} with nothing usable: retried once, then explained`, async () => {
      await withFake(async ({ fake, model }) => {
        fake.enqueue({ chunks: [[]], finishReason: reason }, { chunks: [["second try"]] });
        const turn = await model().generate({ messages: [USER], tools: TOOLS });
        assert.equal(turn.content, "second try");
        fake.enqueue({ chunks: [[]], finishReason: reason }, {
          chunks: [[]],
          finishReason: reason,
        });
        const error = await failureOf(model().generate({ messages: [USER], tools: TOOLS }));
        assert.equal(fake.requests.length, 4, "one retry, not more");
        assert.equal(fake.pending(), 0);
        assert.equal(explainModelError(error)?.code, "model_bad_response");
        assert.doesNotMatch(explainModelError(error)!.message, /^Done\.?$/);
      });
    });
  }

  await t.step("MALFORMED_FUNCTION_CALL after some text is not dropped silently", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [["Let me pause"]], finishReason: "MALFORMED_FUNCTION_CALL" });
      const error = await failureOf(model().generate({ messages: [USER], tools: TOOLS }));
      assert.equal(fake.requests.length, 1, "streamed text is never repeated by a retry");
      assert.match(explainModelError(error)!.message, /tool call/i);
    });
  });

  await t.step("MISSING_THOUGHT_SIGNATURE and SAFETY: explained, not retried", async () => {
    await withFake(async ({ fake, model }) => {
      fake.enqueue({ chunks: [[]], finishReason: "MISSING_THOUGHT_SIGNATURE" });
      const missing = await failureOf(model().generate({ messages: [USER], tools: TOOLS }));
      assert.equal(explainModelError(missing)?.code, "model_bad_response");
      fake.enqueue({ chunks: [["Part of an"]], finishReason: "SAFETY" });
      const blocked = await failureOf(model().generate({ messages: [USER], tools: TOOLS }));
      assert.equal(blocked.kind, "blocked");
      assert.equal(explainModelError(blocked)?.code, "model_safety_block");
      assert.match(explainModelError(blocked)!.message, /safety/i);
      assert.equal(fake.requests.length, 2);
    });
  });

  await t.step("429 per minute: the server's retryDelay is honoured, past 8 s", async () => {
    await withFake(async ({ fake, model, slept }) => {
      fake.enqueue({ error: 429, quota: "minute", retryDelay: "31s" }, { chunks: [["ok"]] });
      const turn = await model().generate({ messages: [USER], tools: [] });
      assert.equal(turn.content, "ok");
      assert.deepEqual(slept, [31_000]);
    });
  });

  await t.step("429 beyond the run's retry budget: fails at once, explained", async () => {
    await withFake(async ({ fake, model, slept }) => {
      const budget = { spentMs: 0 };
      fake.enqueue({ error: 429, quota: "minute", retryDelay: "50s" }, { chunks: [["ok"]] });
      const gemini = model({ retryBudgetMs: 60_000 });
      await gemini.generate({ messages: [USER], tools: [], retryWait: budget });
      assert.equal(budget.spentMs, 50_000);
      fake.enqueue({ error: 429, quota: "minute", retryDelay: "20s" });
      const error = await failureOf(
        gemini.generate({ messages: [USER], tools: [], retryWait: budget }),
      );
      assert.deepEqual(slept, [50_000], "no wait past the budget");
      assert.equal(error.kind, "rate_limited");
      assert.equal(explainModelError(error)?.code, "model_rate_limited");
      assert.match(explainModelError(error)!.message, /try again/i);
    });
  });

  await t.step("429 per day: never retried, says the quota is used up", async () => {
    await withFake(async ({ fake, model, slept }) => {
      fake.enqueue({ error: 429, quota: "day", retryDelay: "5s" }, { chunks: [["never"]] });
      const error = await failureOf(model().generate({ messages: [USER], tools: [] }));
      assert.equal(fake.requests.length, 1);
      assert.deepEqual(slept, []);
      assert.equal(error.kind, "quota_exhausted");
      const explained = explainModelError(error)!;
      assert.equal(explained.code, "model_quota_exhausted");
      assert.match(explained.message, /quota/i);
      assert.match(explained.message, /GEMINI_MODEL|another model/);
    });
  });

  await t.step("a rejected key is explained as an operator's fix", async () => {
    await withFake(async ({ fake }) => {
      const error = await failureOf(
        new GeminiModel({ apiKey: "wrong", baseUrl: fake.url }).generate({
          messages: [USER],
          tools: [],
        }),
      );
      assert.equal(explainModelError(error)?.code, "model_auth");
      assert.match(explainModelError(error)!.message, /GEMINI_API_KEY/);
    });
  });

  await t.step("a stalled stream times out and is retried like a transient error", async () => {
    await withFake(async ({ fake, model }) => {
      const stalled: FakeTurn = { chunks: [], hang: true };
      fake.enqueue(stalled, { chunks: [["recovered"]] });
      const turn = await model({ idleTimeoutMs: 200 }).generate({ messages: [USER], tools: [] });
      assert.equal(turn.content, "recovered");
      fake.enqueue(stalled, stalled, stalled);
      const error = await failureOf(
        model({ idleTimeoutMs: 200, maxAttempts: 3 }).generate({ messages: [USER], tools: [] }),
      );
      assert.equal(error.kind, "timeout");
      assert.equal(explainModelError(error)?.code, "model_unavailable");
    });
  });

  await t.step("the SDK's ambient environment variables are ignored", async () => {
    await withFake(async ({ fake }) => {
      const ambient = {
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:9/",
        GOOGLE_GENAI_API_VERSION: "v1alpha",
        GOOGLE_API_KEY: "someone-elses-key",
      };
      let model;
      try {
        for (const [name, value] of Object.entries(ambient)) Deno.env.set(name, value);
        model = createModel({ ...loadConfig({ GEMINI_API_KEY: KEY, GEMINI_BASE_URL: fake.url }) });
      } finally {
        for (const name of Object.keys(ambient)) Deno.env.delete(name);
      }
      fake.enqueue({ chunks: [["ours"]] });
      const turn = await model.generate({ messages: [USER], tools: [] });
      assert.equal(turn.content, "ours");
      assert.equal(fake.requests[0].apiVersion, "v1beta");
      assert.equal(fake.requests[0].apiKey, KEY);
    });
  });
});

Deno.test("GEMINI_BASE_URL with or without a version path", () => {
  const base = (env: Record<string, string>) => loadConfig(env).GEMINI_BASE_URL;
  assert.equal(
    base({ GEMINI_BASE_URL: "https://proxy.example/gemini" }),
    "https://proxy.example/gemini",
  );
  assert.equal(
    base({ GEMINI_BASE_URL: "https://proxy.example/gemini/v1beta/" }),
    "https://proxy.example/gemini",
  );
  const v1 = loadConfig({ GEMINI_BASE_URL: "https://proxy.example/v1", GEMINI_API_VERSION: "v1" });
  assert.equal(v1.GEMINI_BASE_URL, "https://proxy.example");
  assert.throws(
    () => loadConfig({ GEMINI_BASE_URL: "https://proxy.example/v1" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /GEMINI_BASE_URL.*v1.*GEMINI_API_VERSION/s.test(error.message),
  );
  assert.equal(loadConfig({}).GEMINI_MODEL, "gemini-3.8-flash");
  assert.equal(loadConfig({}).GEMINI_API_VERSION, "v1beta");
});
