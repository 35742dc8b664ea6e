/**
 * Issue 18, items 12 and 13, through the whole agent: the offline model's tool calls run
 * against the real MCP tools and the approval policy in a durable run, and the campaigns are
 * checked in the domain afterwards. A create never changes a similarly named campaign, a close
 * name only leads to a question, two actions both go through the policy, and a bulk request is
 * answered honestly without touching anything.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import type { Actor } from "../../../domain/actor.ts";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { type AgentRuntime } from "../../../agent/runs/mod.ts";
import { finished, openRuntime, waitForRun } from "./_helpers.ts";

/** Sends `content`, waits until the run ends or waits for approval; returns it and the reply. */
async function ask(runtime: AgentRuntime, backend: TestBackend, actor: Actor, content: string) {
  const submitted = await runtime.submit(actor, { content });
  const view = await waitForRun(
    runtime,
    actor,
    submitted.runId,
    (run) => finished(run) || run.status === "waiting_confirmation",
  );
  const messages = await backend.domain.conversations.listMessages(actor, submitted.conversationId);
  return { view, reply: messages.findLast((message) => message.role === "assistant")?.content };
}

backendTest("offline assistant never acts on a misreading", async (t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain, "misreading");
  const adAccountId = await connectAccount(domain, actor);
  const active = async (
    name: string,
    budgetAmountMinor: number,
    budgetType: "daily" | "lifetime" = "daily",
  ) => {
    const campaign = await createCampaign(domain, actor, adAccountId, {
      name,
      objective: "sales",
      budgetAmountMinor,
      budgetType,
      ...(budgetType === "lifetime" ? { startDate: "2026-11-01", endDate: "2026-12-31" } : {}),
    });
    await domain.campaigns.resume(actor, campaign.id);
    return campaign.id;
  };
  const autumn = await active("Autumn Sale", 5_000);
  const holiday = await active("Holiday Sale", 100_000, "lifetime");
  const brand = await active("Brand Awareness Q4", 3_000);
  const state = async (id: string) => {
    const campaign = await domain.campaigns.get(actor, id);
    return `${campaign.status} ${campaign.budgetAmountMinor} ${campaign.budgetType}`;
  };
  const runtime = await openRuntime(backend, new OfflineModel({ now: () => backend.clock.now() }));
  try {
    await t.step("a create shaped like a budget change creates (held for approval)", async () => {
      const { view } = await ask(
        runtime,
        backend,
        actor,
        "create campaign Autumn Deals, budget $20/day, objective traffic",
      );
      assert.equal(view.status, "waiting_confirmation", JSON.stringify(view.steps));
      assert.match(JSON.stringify(view.pendingConfirmation?.preview), /Autumn Deals/);
      assert.equal(await state(autumn), "active 5000 daily");
      await runtime.cancel(actor, view.id);
    });

    await t.step("a lifetime create leaves the similar lifetime campaign alone", async () => {
      const { view } = await ask(
        runtime,
        backend,
        actor,
        "create Holiday Gifts with a $2,000 lifetime budget for sales",
      );
      // A lifetime budget needs an end date the message does not give: the create is refused
      // by validation or held for approval, and either way the other campaign is untouched.
      const calls = view.steps.filter((step) => step.kind === "tool_call").map((step) => step.name);
      assert.ok(!calls.includes("update_campaign"), JSON.stringify(view.steps));
      assert.ok(calls.includes("create_campaign"), JSON.stringify(view.steps));
      assert.equal(await state(holiday), "active 100000 lifetime");
      if (!finished(view)) await runtime.cancel(actor, view.id);
    });

    await t.step("a close name only asks, showing the candidate", async () => {
      const { view, reply } = await ask(runtime, backend, actor, "set autumn's budget to $55");
      assert.equal(view.status, "completed");
      assert.match(reply ?? "", /Did you mean: .*“Autumn Sale”.*\?$/);
      assert.equal(await state(autumn), "active 5000 daily");
    });

    await t.step("two actions in one message both go through the policy", async () => {
      const { view, reply } = await ask(
        runtime,
        backend,
        actor,
        "pause Autumn Sale and raise Brand Awareness Q4's budget by 20%",
      );
      // Pausing needs no approval; raising a budget by the assistant does under the account's
      // default autopilot limits, so the run waits with the pause made and the raise held.
      assert.equal(view.status, "waiting_confirmation", reply);
      assert.equal(await state(autumn), "paused 5000 daily");
      assert.equal(await state(brand), "active 3000 daily");
      assert.match(JSON.stringify(view.pendingConfirmation?.preview), /Brand Awareness Q4/);
      await runtime.cancel(actor, view.id);
    });

    await t.step("a bulk request is answered honestly and changes nothing", async () => {
      const before = await Promise.all([autumn, holiday, brand].map(state));
      const { view, reply } = await ask(runtime, backend, actor, "pause all my campaigns");
      assert.equal(view.status, "completed");
      assert.match(reply ?? "", /one campaign at a time/);
      assert.match(reply ?? "", /“Holiday Sale”[\s\S]*“Brand Awareness Q4”|“Brand Awareness Q4”/);
      assert.doesNotMatch(reply ?? "", /couldn't tell which/);
      assert.deepEqual(await Promise.all([autumn, holiday, brand].map(state)), before);
    });
  } finally {
    await runtime.drain();
  }
});
