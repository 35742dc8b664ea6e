/** `ScriptedModel`: turns in order or from a function, deltas, ids, usage, errors, abort. */
import assert from "node:assert/strict";
import { ScriptedModel, ScriptExhaustedError } from "../../../agent/models/scripted.ts";
import type { ModelRequest } from "../../../agent/models/types.ts";

const ask = (content: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content }],
  tools: [],
  ...extra,
});

Deno.test("ScriptedModel", async (t) => {
  await t.step("plays a list of turns in order, streaming chunks", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "list_campaigns", args: { limit: 5 } }], usage: { inputTokens: 10 } },
      { chunks: ["You have ", "2 campaigns."], usage: { inputTokens: 20, outputTokens: 4 } },
    ]);
    const first = await model.generate(ask("show"));
    assert.deepEqual(first.toolCalls, [{
      id: "scripted_0_0",
      name: "list_campaigns",
      args: { limit: 5 },
    }]);
    assert.deepEqual(first.usage, { inputTokens: 10, outputTokens: 0 });
    const deltas: string[] = [];
    const second = await model.generate(ask("next", { onDelta: (text) => deltas.push(text) }));
    assert.deepEqual(deltas, ["You have ", "2 campaigns."]);
    assert.equal(second.content, "You have 2 campaigns.");
    assert.equal(model.calls, 2);
    assert.equal(model.requests[1].messages[0].content, "next");
    await assert.rejects(model.generate(ask("more")), ScriptExhaustedError);
  });

  await t.step("a function of the request", async () => {
    const model = new ScriptedModel((request, index) => ({
      content: `${index}:${request.messages.at(-1)?.content}`,
      toolCalls: [{ id: "fixed", name: "x", args: {} }],
    }));
    const turn = await model.generate(ask("hello"));
    assert.equal(turn.content, "0:hello");
    assert.equal(turn.toolCalls[0].id, "fixed");
  });

  await t.step("scripted errors are thrown", async () => {
    const model = new ScriptedModel([{ chunks: ["par"], error: new Error("boom") }]);
    const deltas: string[] = [];
    await assert.rejects(model.generate(ask("x", { onDelta: (d) => deltas.push(d) })), /boom/);
    assert.deepEqual(deltas, ["par"]);
  });

  await t.step("abort during a delay", async () => {
    const model = new ScriptedModel([{ chunks: ["a", "b", "c"] }], { delayMs: 20 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = model.generate(ask("x", {
      signal: controller.signal,
      onDelta: (text) => {
        deltas.push(text);
        controller.abort();
      },
    }));
    await assert.rejects(pending, (error: unknown) => (error as Error).name === "AbortError");
    assert.deepEqual(deltas, ["a"]);
  });
});
