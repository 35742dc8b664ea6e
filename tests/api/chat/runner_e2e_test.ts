/**
 * End to end through the REAL agent runtime (LangGraph runner, MCP tools, approval gate) with a
 * scripted model, over `/ws/chat` with the client helper: streamed text, tool steps, an approval
 * round trip that creates a campaign, cancel at a step boundary, and a client whose connection
 * keeps dropping still ending with exactly the stored event sequence.
 */
import assert from "node:assert/strict";
import { ScriptedModel, type ScriptedTurn } from "../../../agent/models/scripted.ts";
import type { ModelRequest } from "../../../agent/models/types.ts";
import type { EventMessage } from "../../../api/chat/protocol.ts";
import { connectAccount } from "../../_helpers/fixtures.ts";
import { openRuntime } from "../../agent/runs/_helpers.ts";
import { chatTest, eventually } from "./_helpers/chat_server.ts";

/** Set by the test once the ad account exists (the script needs its id). */
let adAccountId = "";

/** Picks the turn from the latest user message and the assistant turns since. */
function script(request: ModelRequest): ScriptedTurn {
  const lastUser = request.messages.findLastIndex((message) => message.role === "user");
  const text = String(request.messages[lastUser]?.content ?? "");
  const turn = request.messages.slice(lastUser + 1)
    .filter((message) => message.role === "assistant").length;
  if (text.includes("create")) {
    return turn === 0
      ? {
        toolCalls: [{
          name: "create_campaign",
          args: {
            adAccountId,
            name: "Spring sale",
            objective: "traffic",
            budgetType: "daily",
            budgetAmountMinor: 5_000,
          },
        }],
      }
      : { content: "Created the campaign." };
  }
  if (text.includes("loop")) {
    // Tool steps until cancelled.
    return { chunks: ["Checking", " again…"], toolCalls: [{ name: "list_ad_accounts", args: {} }] };
  }
  return turn === 0
    ? {
      chunks: ["Let me ", "look at ", "your accounts."],
      toolCalls: [{ name: "list_ad_accounts", args: {} }],
    }
    : { chunks: ["You have ", "one sandbox ", "account ", "and it ", "is doing ", "fine."] };
}

const statusEvent = (status: string) => (event: EventMessage) =>
  event.type === "run" && event.metadata.status === status;

chatTest("the real runner over /ws/chat", async (t, server) => {
  const user = await server.register();
  adAccountId = await connectAccount(server.backend.domain, user.actor);
  const client = server.client(user);
  const received: EventMessage[] = [];
  client.onEvent((event) => received.push(event));
  const stored = async (conversationId: string) =>
    JSON.parse(JSON.stringify(
      await server.backend.domain.conversationEvents.after(user.actor, conversationId, 0),
    ));
  const ofConversation = (conversationId: string) =>
    received.filter((event) => event.metadata.conversation_id === conversationId);

  await t.step("a question: deltas, tool steps, final answer, completed", async () => {
    const ack = await client.sendUser("How are my accounts?");
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(() => received.some(statusEvent("completed")), 15_000, "completion");
    const events = ofConversation(conversationId);
    assert.deepEqual(events, await stored(conversationId));
    assert.equal(events[0].type, "user");
    assert.ok(events.filter((event) => event.type === "assistant").length >= 2);
    assert.ok(events.some((event) => event.type === "step"));
    assert.ok(events.every((event) => event.metadata.run_id === ack.metadata.run_id));
  });

  await t.step("approval round trip creates the campaign once", async () => {
    const ack = await client.sendUser("Please create a campaign");
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(() => ofConversation(conversationId).some((e) => e.type === "confirmation"));
    const confirmation = ofConversation(conversationId).find((e) => e.type === "confirmation")!;
    const confirmed = await client.confirm(
      String(ack.metadata.run_id),
      String(confirmation.metadata.confirmation_id),
      "approve",
    );
    assert.equal(confirmed.metadata.ack, "confirm");
    await eventually(
      () => ofConversation(conversationId).some(statusEvent("completed")),
      15_000,
      "completion after approval",
    );
    const campaigns = await server.backend.domain.campaigns.list(user.actor, { search: "Spring" });
    assert.equal(campaigns.items.length, 1);
    assert.deepEqual(ofConversation(conversationId), await stored(conversationId));
  });

  await t.step("cancel stops the run at a step boundary", async () => {
    const ack = await client.sendUser("loop forever");
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(() => ofConversation(conversationId).some((e) => e.type === "step"));
    const cancelled = await client.cancel(String(ack.metadata.run_id));
    assert.equal(cancelled.metadata.ack, "cancel");
    await eventually(
      () => ofConversation(conversationId).some(statusEvent("cancelled")),
      15_000,
      "the cancelled status",
    );
    assert.deepEqual(ofConversation(conversationId), await stored(conversationId));
  });

  await t.step("a flaky connection still gets exactly the stored sequence", async () => {
    const flaky = server.client(user);
    const seen: EventMessage[] = [];
    flaky.onEvent((event) => seen.push(event));
    // The drops start once the message is acknowledged: a drop before the ack fails the send
    // itself, which is the client's documented behaviour, not what this step is about.
    const ack = await flaky.sendUser("How are my accounts now?");
    const drops = [5, 25, 60, 110, 180].map((ms) => setTimeout(() => flaky.drop(), ms));
    try {
      const conversationId = String(ack.metadata.conversation_id);
      await eventually(() => seen.some(statusEvent("completed")), 15_000, "completion");
      assert.deepEqual(seen, await stored(conversationId));
      assert.equal(flaky.stats.duplicates + flaky.stats.gaps, 0);
      assert.ok(flaky.stats.connections > 1, "the connection really dropped");
    } finally {
      drops.forEach(clearTimeout);
    }
  });
}, {
  runs: (backend) => openRuntime(backend, new ScriptedModel(script, { delayMs: 15 })),
});
