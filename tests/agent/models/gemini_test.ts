/**
 * `GeminiModel` through the real `@google/genai` SDK against the local fake Gemini server:
 * streaming, function calling both ways, usage, retries, errors and abort.
 */
import assert from "node:assert/strict";
import { GeminiError, GeminiModel, type GeminiModelOptions } from "../../../agent/models/gemini.ts";
import { functionResponseOf } from "../../../agent/models/gemini_convert.ts";
import { createModel } from "../../../agent/models/mod.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { formatToolResult } from "../../../agent/models/tool_result.ts";
import type { ModelMessage, ToolSpec } from "../../../agent/models/types.ts";
import { type FakeGemini, startFakeGemini } from "../../_helpers/fake_gemini.ts";

const KEY = "test-gemini-key";

const PAUSE_TOOL: ToolSpec = {
  name: "pause_campaign",
  description: "Pauses an active campaign.",
  parameters: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: {
      campaignId: {
        type: "string",
        format: "uuid",
        pattern: "^[0-9a-f-]{36}$",
        description: "Campaign id",
      },
      idempotencyKey: { type: "string", minLength: 1 },
    },
    required: ["campaignId"],
  },
};

const REPORT_TOOL: ToolSpec = {
  name: "performance_summary",
  description: "Totals over a range.",
  parameters: {
    type: "object",
    properties: {
      from: { type: "string", format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      budget: { type: "integer", exclusiveMinimum: 0, default: 5 },
      when: { anyOf: [{ type: "string", format: "date" }, { type: "null" }], default: null },
    },
  },
};

function modelFor(fake: FakeGemini, options: Partial<GeminiModelOptions> = {}): GeminiModel {
  return new GeminiModel({
    apiKey: KEY,
    baseUrl: fake.url,
    initialBackoffMs: 1,
    maxBackoffMs: 20,
    random: () => 0.5,
    ...options,
  });
}

async function withFake(
  fn: (fake: FakeGemini) => Promise<void>,
  turns: Parameters<typeof startFakeGemini>[0] = {},
): Promise<void> {
  const fake = startFakeGemini({ apiKey: KEY, ...turns });
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("GeminiModel (real SDK, fake server)", async (t) => {
  await t.step("streams text deltas in order and reports usage", async () => {
    await withFake(async (fake) => {
      fake.enqueue({
        chunks: [["Hello"], [", "], ["world", "!"]],
        usage: { promptTokenCount: 12, candidatesTokenCount: 5, thoughtsTokenCount: 2 },
      });
      const deltas: string[] = [];
      const turn = await modelFor(fake).generate({
        messages: [
          { role: "system", content: "You are AAE." },
          { role: "user", content: "Say hello" },
        ],
        tools: [PAUSE_TOOL],
        onDelta: (text) => deltas.push(text),
      });
      assert.deepEqual(deltas, ["Hello", ", ", "world", "!"]);
      assert.equal(turn.content, "Hello, world!");
      assert.deepEqual(turn.toolCalls, []);
      assert.deepEqual(turn.usage, { inputTokens: 12, outputTokens: 7 });

      const [request] = fake.requests;
      assert.equal(request.stream, true);
      // A current model on the version that has function-call ids (the SDK alone says v1).
      assert.equal(request.apiVersion, "v1beta");
      assert.equal(request.apiKey, KEY);
      assert.equal(request.model, "gemini-3.8-flash");
      assert.deepEqual(request.body.systemInstruction?.parts, [{ text: "You are AAE." }]);
      assert.deepEqual(request.body.contents, [{ role: "user", parts: [{ text: "Say hello" }] }]);
      const declaration = request.body.tools?.[0].functionDeclarations?.[0];
      assert.equal(declaration?.name, "pause_campaign");
      assert.equal(declaration?.description, "Pauses an active campaign.");
      // Cleaned: no $schema, no pattern, no idempotency key; the format became a hint.
      assert.deepEqual(declaration?.parametersJsonSchema, {
        type: "object",
        properties: { campaignId: { type: "string", description: "Campaign id (uuid)" } },
        required: ["campaignId"],
      });
    });
  });

  await t.step("schemas keep what Gemini accepts", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ chunks: [["ok"]] });
      await modelFor(fake).generate({
        messages: [{ role: "user", content: "x" }],
        tools: [REPORT_TOOL],
      });
      const schema = fake.requests[0].body.tools?.[0].functionDeclarations?.[0]
        .parametersJsonSchema;
      assert.deepEqual(schema, {
        type: "object",
        properties: {
          from: { type: "string", format: "date" },
          budget: { type: "integer" },
          when: { anyOf: [{ type: "string", format: "date" }, { type: "null" }] },
        },
      });
    });
  });

  await t.step("function call round trip", async () => {
    await withFake(async (fake) => {
      // A model that neither signs its calls nor always gives them ids.
      const model = modelFor(fake, { model: "gemini-flash-latest" });
      const campaignId = "1a2b3c4d-0000-4000-8000-000000000001";
      fake.enqueue({
        chunks: [[
          "Pausing it.",
          { functionCall: { name: "pause_campaign", args: { campaignId } } },
        ], [{ functionCall: { name: "performance_summary", args: {}, id: "srv-id-7" } }]],
        usage: { promptTokenCount: 30, candidatesTokenCount: 8 },
      });
      const messages: ModelMessage[] = [{ role: "user", content: "pause Spring Sale" }];
      const first = await model.generate({ messages, tools: [PAUSE_TOOL, REPORT_TOOL] });
      assert.equal(first.content, "Pausing it.");
      assert.equal(first.toolCalls.length, 2);
      const [pause, report] = first.toolCalls;
      assert.equal(pause.name, "pause_campaign");
      assert.deepEqual(pause.args, { campaignId });
      assert.match(pause.id, /^gc_1_0_[0-9a-f]{8}$/);
      assert.equal(report.id, "srv-id-7");

      // Ids are derived from the turn, not random: the same history gives the same ids.
      fake.enqueue({
        chunks: [[{ functionCall: { name: "pause_campaign", args: { campaignId } } }]],
      });
      const again = await model.generate({ messages, tools: [PAUSE_TOOL] });
      assert.equal(again.toolCalls[0].id, pause.id);

      const history: ModelMessage[] = [
        ...messages,
        { role: "assistant", content: first.content, toolCalls: first.toolCalls },
        {
          role: "tool",
          toolCallId: pause.id,
          name: pause.name,
          content: formatToolResult({
            content: [{ type: "text", text: "Paused campaign “Spring Sale”." }],
            structuredContent: {
              status: "applied",
              campaign: { id: campaignId, status: "paused" },
            },
          }),
        },
        {
          role: "tool",
          toolCallId: report.id,
          name: report.name,
          content: formatToolResult({
            content: [{ type: "text", text: "no such range" }],
            isError: true,
          }),
        },
      ];
      fake.enqueue({ chunks: [["Done: Spring Sale is paused."]] });
      const second = await model.generate({ messages: history, tools: [PAUSE_TOOL, REPORT_TOOL] });
      assert.equal(second.content, "Done: Spring Sale is paused.");
      assert.deepEqual(second.toolCalls, []);

      const sent = fake.requests[2].body.contents;
      assert.deepEqual(sent.map((content) => content.role), ["user", "model", "user"]);
      assert.deepEqual(sent[1].parts, [
        { text: "Pausing it." },
        // Our generated id stays ours; Gemini's own id goes back to Gemini.
        { functionCall: { name: "pause_campaign", args: { campaignId } } },
        { functionCall: { id: "srv-id-7", name: "performance_summary", args: {} } },
      ]);
      assert.deepEqual(sent[2].parts, [
        {
          functionResponse: {
            name: "pause_campaign",
            response: {
              output: { status: "applied", campaign: { id: campaignId, status: "paused" } },
              summary: "Paused campaign “Spring Sale”.",
            },
          },
        },
        {
          functionResponse: {
            id: "srv-id-7",
            name: "performance_summary",
            response: { error: "no such range" },
          },
        },
      ]);
    });
  });

  await t.step("thought signatures go back with their calls", async () => {
    await withFake(async (fake) => {
      const model = modelFor(fake);
      fake.enqueue({
        chunks: [[{
          raw: {
            functionCall: { name: "pause_campaign", args: { campaignId: "x" } },
            thoughtSignature: "c2lnbmF0dXJl",
          },
        }]],
      });
      const messages: ModelMessage[] = [{ role: "user", content: "pause x" }];
      const first = await model.generate({ messages, tools: [PAUSE_TOOL] });
      fake.enqueue({ chunks: [["ok"]] });
      await model.generate({
        messages: [
          ...messages,
          { role: "assistant", content: "", toolCalls: first.toolCalls },
          {
            role: "tool",
            toolCallId: first.toolCalls[0].id,
            name: "pause_campaign",
            content: "done",
          },
        ],
        tools: [PAUSE_TOOL],
      });
      const modelTurn = fake.requests[1].body.contents[1];
      assert.equal(modelTurn.parts[0].thoughtSignature, "c2lnbmF0dXJl");
      assert.equal(fake.requests[1].refused, undefined);
      // A plain-text tool result is passed on as the output, under Gemini's call id.
      assert.deepEqual(fake.requests[1].body.contents[2].parts[0], {
        functionResponse: {
          id: first.toolCalls[0].providerId,
          name: "pause_campaign",
          response: { output: "done" },
        },
      });
    });
  });

  await t.step("function responses from the agent graph's encoding", () => {
    assert.deepEqual(functionResponseOf(JSON.stringify({ items: [], total: 0 })), {
      output: { items: [], total: 0 },
    });
    assert.deepEqual(
      functionResponseOf(JSON.stringify({ status: "error", message: "campaign not found" })),
      { error: "campaign not found" },
    );
    assert.deepEqual(
      functionResponseOf(JSON.stringify({ status: "rejected", message: "The user rejected it." })),
      { output: { status: "rejected", message: "The user rejected it." } },
    );
    assert.deepEqual(functionResponseOf("plain words"), { output: "plain words" });
  });

  await t.step("429 then success: retried with backoff", async () => {
    await withFake(async (fake) => {
      fake.enqueue(
        { error: 429, message: "Resource exhausted", retryDelay: "0.01s" },
        { chunks: [["after retry"]], usage: { promptTokenCount: 3, candidatesTokenCount: 2 } },
      );
      const deltas: string[] = [];
      const turn = await modelFor(fake).generate({
        messages: [{ role: "user", content: "hi" }],
        tools: [],
        onDelta: (text) => deltas.push(text),
      });
      assert.equal(turn.content, "after retry");
      assert.deepEqual(deltas, ["after retry"]);
      assert.equal(fake.requests.length, 2);
      assert.equal(fake.requests[0].body.tools, undefined);
    });
  });

  await t.step("5xx every time: gives up after maxAttempts", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ error: 503 }, { error: 500 }, { error: 503, message: "overloaded" });
      const error = await modelFor(fake, { maxAttempts: 3 }).generate({
        messages: [{ role: "user", content: "hi" }],
        tools: [],
      }).then(() => null, (caught: unknown) => caught);
      assert.ok(error instanceof GeminiError, String(error));
      assert.equal(error.kind, "unavailable");
      assert.equal(error.status, 503);
      assert.equal(error.attempts, 3);
      assert.equal(error.retryable, true);
      assert.match(
        error.message,
        /Gemini is unavailable \(HTTP 503\) after 3 attempts: overloaded/,
      );
      assert.equal(fake.requests.length, 3);
    });
  });

  await t.step("401: no retry, a clear error", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ error: 401, message: "Request had invalid authentication credentials." });
      await assert.rejects(
        modelFor(fake).generate({ messages: [{ role: "user", content: "hi" }], tools: [] }),
        (error: unknown) => {
          assert.ok(error instanceof GeminiError);
          assert.equal(error.kind, "auth");
          assert.equal(error.status, 401);
          assert.equal(error.retryable, false);
          assert.match(error.message, /rejected the API key \(HTTP 401\).*GEMINI_API_KEY/);
          return true;
        },
      );
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.pending(), 0);
    });
  });

  await t.step("a wrong key (Google's 400 API_KEY_INVALID) is an auth error", async () => {
    await withFake(async (fake) => {
      const model = new GeminiModel({ apiKey: "wrong", baseUrl: fake.url, initialBackoffMs: 1 });
      await assert.rejects(
        model.generate({ messages: [{ role: "user", content: "hi" }], tools: [] }),
        (error: unknown) => error instanceof GeminiError && error.kind === "auth",
      );
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].apiKey, "wrong");
    });
  });

  await t.step("abort mid-stream rejects with the abort reason, without retrying", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ chunks: [["first "], ["second"]], delayMs: 5, hang: true });
      const controller = new AbortController();
      const deltas: string[] = [];
      const pending = modelFor(fake).generate({
        messages: [{ role: "user", content: "long answer" }],
        tools: [],
        signal: controller.signal,
        onDelta: (text) => {
          deltas.push(text);
          if (deltas.length === 2) controller.abort();
        },
      });
      await assert.rejects(pending, (error: unknown) => {
        assert.equal((error as Error).name, "AbortError");
        return true;
      });
      assert.deepEqual(deltas, ["first ", "second"]);
      assert.equal(fake.requests.length, 1);
    });
  });

  await t.step("an already aborted signal sends nothing", async () => {
    await withFake(async (fake) => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        modelFor(fake).generate({
          messages: [{ role: "user", content: "hi" }],
          tools: [],
          signal: controller.signal,
        }),
        (error: unknown) => (error as Error).name === "AbortError",
      );
      assert.equal(fake.requests.length, 0);
    });
  });

  await t.step("v1 and another model name", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ chunks: [["stable"]] });
      const model = modelFor(fake, { apiVersion: "v1", model: "gemini-3.8-pro" });
      assert.equal(model.name, "gemini-3.8-pro");
      const turn = await model.generate({ messages: [{ role: "user", content: "hi" }], tools: [] });
      assert.equal(turn.content, "stable");
      assert.equal(fake.requests[0].apiVersion, "v1");
      assert.equal(fake.requests[0].model, "gemini-3.8-pro");
    });
  });

  await t.step("a safety block is a typed, non-retryable error", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ chunks: [[]], finishReason: "SAFETY" });
      await assert.rejects(
        modelFor(fake).generate({ messages: [{ role: "user", content: "hi" }], tools: [] }),
        (error: unknown) => error instanceof GeminiError && error.kind === "blocked",
      );
      assert.equal(fake.requests.length, 1);
    });
  });

  await t.step("createModel: Gemini with a key, offline without", async () => {
    await withFake(async (fake) => {
      fake.enqueue({ chunks: [["from gemini"]] });
      const gemini = createModel({
        GEMINI_API_KEY: KEY,
        GEMINI_MODEL: "gemini-3.8-flash",
        GEMINI_BASE_URL: fake.url,
      });
      assert.ok(gemini instanceof GeminiModel);
      const turn = await gemini.generate({
        messages: [{ role: "user", content: "hi" }],
        tools: [],
      });
      assert.equal(turn.content, "from gemini");
      const offline = createModel({ GEMINI_MODEL: "gemini-3.8-flash" });
      assert.ok(offline instanceof OfflineModel);
      assert.equal(offline.name, "offline");
    });
  });
});
