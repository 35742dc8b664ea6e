/**
 * Durable agent runs in process: the ReAct loop over the real MCP tools, the approval gate
 * (approve executes once, reject never executes, only the owner can answer), cancellation,
 * running out of credits, events and step records.
 */
import assert from "node:assert/strict";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, registerUser } from "../../_helpers/fixtures.ts";
import { ConflictError, NotFoundError } from "../../../domain/errors.ts";
import { finished, openRuntime, ScriptModel, waitForRun, waiting } from "./_helpers.ts";

backendTest("agent runs: ReAct loop, approval gate, events, steps", async (t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain, "owner");
  const stranger = await registerUser(domain, "stranger");
  const adAccountId = await connectAccount(domain, actor);
  const newCampaign = (name: string) => ({
    adAccountId,
    name,
    objective: "traffic",
    budgetType: "daily",
    budgetAmountMinor: 5_000,
  });
  const campaignsNamed = async (name: string) =>
    (await domain.campaigns.list(actor, { search: name })).items.filter((c) => c.name === name)
      .length;

  await t.step("a read-only question completes with a component and one message", async () => {
    const model = new ScriptModel([
      { toolCalls: [{ name: "list_ad_accounts" }] },
      { content: "You have one sandbox account." },
    ]);
    const runtime = await openRuntime(backend, model);
    const before = await domain.credits.balance(actor);
    const submitted = await runtime.submit(actor, { content: "Which accounts do I have?" });
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed", JSON.stringify(view));
    assert.deepEqual(view.steps.map((s) => [s.kind, s.name, s.status]), [
      ["model_call", "script", "succeeded"],
      ["tool_call", "list_ad_accounts", "succeeded"],
      ["model_call", "script", "succeeded"],
    ]);
    assert.equal(view.inputTokens, 14);
    assert.equal(await domain.credits.balance(actor), before - 2, "1 credit per model call");
    // The model saw the MCP server's tools, without the runner-owned idempotency key.
    const tools = model.requests[0].tools;
    assert.ok(tools.some((tool) => tool.name === "create_campaign"));
    const create = tools.find((tool) => tool.name === "create_campaign")!;
    assert.ok(!("idempotencyKey" in (create.parameters.properties as object)));
    const messages = await domain.conversations.listMessages(actor, submitted.conversationId);
    assert.deepEqual(messages.map((m) => m.role), ["user", "assistant"]);
    assert.equal(messages[1].content, "You have one sandbox account.");
    assert.equal(messages[1].metadata.component, "table");
    const events = await domain.conversationEvents.after(actor, submitted.conversationId, 0);
    const types = events.map((e) => e.type);
    assert.equal(types[0], "user");
    assert.ok(types.includes("step"));
    const deltas = events.filter((e) => e.type === "assistant" && e.metadata.delta === true);
    assert.ok(deltas.length >= 1);
    const finals = events.filter((e) => e.type === "assistant" && e.metadata.final === true);
    assert.equal(finals.length, 1);
    assert.equal(finals[0].metadata.component, "table");
    const statuses = events.filter((e) => e.type === "run").map((e) => e.content);
    assert.deepEqual(statuses, ["queued", "running", "completed"]);
    await runtime.drain();
  });

  await t.step("create_campaign waits for approval; approve executes it once", async () => {
    const model = new ScriptModel([
      { toolCalls: [{ name: "create_campaign", args: newCampaign("Approved one") }] },
      { content: "Created it." },
    ]);
    const runtime = await openRuntime(backend, model);
    const submitted = await runtime.submit(actor, { content: "Create a campaign" });
    const held = await waitForRun(runtime, actor, submitted.runId, waiting);
    assert.equal(await campaignsNamed("Approved one"), 0, "nothing created before approval");
    const pending = held.pendingConfirmation!;
    assert.ok(pending.confirmationId);
    assert.match(JSON.stringify(pending.preview), /Approved one/);
    const events = await domain.conversationEvents.after(actor, submitted.conversationId, 0);
    const confirmation = events.find((e) => e.type === "confirmation")!;
    assert.equal(confirmation.metadata.confirmation_id, pending.confirmationId);

    await assert.rejects(
      runtime.confirm(stranger, submitted.runId, {
        confirmationId: pending.confirmationId,
        decision: "approve",
      }),
      NotFoundError,
    );
    await assert.rejects(
      runtime.confirm(actor, submitted.runId, { confirmationId: "wrong", decision: "approve" }),
      ConflictError,
    );
    await runtime.confirm(actor, submitted.runId, {
      confirmationId: pending.confirmationId,
      decision: "approve",
    });
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed", JSON.stringify(view));
    assert.equal(await campaignsNamed("Approved one"), 1);
    // The held call was an approval record too: decided by the owner in the chat, then used.
    const records = await domain.approvals.list(actor);
    assert.deepEqual(
      records.items.map((record) => [record.requester, record.status, record.decidedBy]),
      [[{ kind: "assistant", id: submitted.runId }, "used", actor.userId]],
    );
    // A retry of the same answer (its response lost to a crash) is answered, and changes nothing;
    // the other answer to the same request is refused.
    const again = await runtime.confirm(actor, submitted.runId, {
      confirmationId: pending.confirmationId,
      decision: "approve",
    });
    assert.equal(again.status, "completed");
    await assert.rejects(
      runtime.confirm(actor, submitted.runId, {
        confirmationId: pending.confirmationId,
        decision: "reject",
      }),
      ConflictError,
    );
    assert.equal(await campaignsNamed("Approved one"), 1);
    const kinds = view.steps.map((s) => `${s.kind}:${s.status}:${s.attempt}`);
    assert.deepEqual(kinds, [
      "model_call:succeeded:1",
      "tool_call:succeeded:2",
      "confirmation:succeeded:1",
      "model_call:succeeded:1",
    ]);
    await runtime.drain();
  });

  await t.step("reject: never executed; the model is told", async () => {
    const model = new ScriptModel([
      { toolCalls: [{ name: "create_campaign", args: newCampaign("Rejected one") }] },
      { content: "OK, I did not create it." },
    ]);
    const runtime = await openRuntime(backend, model);
    const submitted = await runtime.submit(actor, { content: "Create a campaign" });
    const held = await waitForRun(runtime, actor, submitted.runId, waiting);
    await runtime.confirm(actor, submitted.runId, {
      confirmationId: held.pendingConfirmation!.confirmationId,
      decision: "reject",
    });
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed");
    assert.equal(await campaignsNamed("Rejected one"), 0);
    const toolMessage = model.requests.at(-1)!.messages.find((m) => m.role === "tool");
    assert.match(toolMessage!.content, /rejected/);
    assert.equal(view.steps.find((s) => s.kind === "tool_call")!.status, "cancelled");
    await runtime.drain();
  });

  await t.step("one active run per conversation; duplicates are recognised", async () => {
    const model = new ScriptModel([
      { toolCalls: [{ name: "create_campaign", args: newCampaign("Busy") }] },
    ]);
    const runtime = await openRuntime(backend, model);
    const first = await runtime.submit(actor, { content: "Create", clientMessageId: "c-1" });
    const again = await runtime.submit(actor, {
      conversationId: first.conversationId,
      content: "Create",
      clientMessageId: "c-1",
    });
    assert.equal(again.duplicate, true);
    assert.equal(again.runId, first.runId);
    await assert.rejects(
      runtime.submit(actor, { conversationId: first.conversationId, content: "More" }),
      ConflictError,
    );
    await waitForRun(runtime, actor, first.runId, waiting);
    const cancelled = await runtime.cancel(actor, first.runId);
    assert.equal(cancelled.status, "cancelled");
    assert.equal(await campaignsNamed("Busy"), 0);
    model.turns = [{ content: "Ready." }];
    const next = await runtime.submit(actor, {
      conversationId: first.conversationId,
      content: "Now?",
    });
    await waitForRun(runtime, actor, next.runId, finished);
    await runtime.drain();
  });

  await t.step("a conversation opened empty is named after its first message only", async () => {
    const model = new ScriptModel([{ content: "Hello." }, { content: "Again." }]);
    const runtime = await openRuntime(backend, model);
    const opened = await backend.domain.conversations.create(actor, {});
    assert.equal(opened.title, "New conversation");
    const titleNow = async () => (await backend.domain.conversations.get(actor, opened.id)).title;
    for (const content of ["How did Winter Boots do last week?\nThanks", "And yesterday?"]) {
      const run = await runtime.submit(actor, { conversationId: opened.id, content });
      await waitForRun(runtime, actor, run.runId, finished);
      assert.equal(await titleNow(), "How did Winter Boots do last week?");
    }
    await runtime.drain();
  });

  await t.step("out of credits: the run fails cleanly with a message", async () => {
    const poor = await registerUser(domain, "poor");
    const balance = await domain.credits.balance(poor);
    await domain.credits.charge(poor, {
      amount: balance,
      idempotencyKey: "drain-all",
      description: "test",
    });
    const runtime = await openRuntime(backend, new ScriptModel([{ content: "Hi" }]));
    const submitted = await runtime.submit(poor, { content: "Hello" });
    const view = await waitForRun(runtime, poor, submitted.runId, finished);
    assert.equal(view.status, "failed");
    assert.equal(view.errorCode, "insufficient_credits");
    const messages = await domain.conversations.listMessages(poor, submitted.conversationId);
    assert.equal(messages.length, 2);
    // Sentences, never the raw line ("insufficient credits: balance 0, required 1").
    assert.equal(
      messages[1].content,
      "I had to stop because your credits ran out: the next step needs 1 credit and you have " +
        "0 credits. Nothing further was changed. The Credits page says how to get more.",
    );
    const events = await domain.conversationEvents.after(poor, submitted.conversationId, 0);
    const error = events.find((e) => e.type === "error")!;
    assert.equal(error.metadata.code, "insufficient_credits");
    assert.equal(error.content, "Not enough credits: this needs 1 credit and the balance is 0.");
    await runtime.drain();
  });
});
