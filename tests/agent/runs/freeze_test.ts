/**
 * The freeze switch stops an assistant run mid-batch: the model asked for three pauses in one
 * turn, the account is frozen after the first is made; the second is refused, the third is never
 * attempted, the model is not asked again, and the chat says plainly what happened.
 */
import assert from "node:assert/strict";
import type { Domain } from "../../../domain/mod.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("freezing an account stops an assistant run mid-batch", async (_t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain, "freeze");
  const adAccountId = await connectAccount(domain, actor);
  const ids: string[] = [];
  for (const name of ["One", "Two", "Three"]) {
    const campaign = await createCampaign(domain, actor, adAccountId, { name });
    await domain.campaigns.resume(actor, campaign.id);
    ids.push(campaign.id);
  }
  // The person flips the switch right after the run's first change lands.
  let applied = 0;
  const frozenAfterFirst: Domain = {
    ...domain,
    gateway: {
      ...domain.gateway,
      async write(request) {
        const outcome = await domain.gateway.write(request);
        if (outcome.status === "applied" && ++applied === 1) {
          const limits = await domain.limits.get(actor, adAccountId);
          await domain.limits.put(actor, adAccountId, { ...limits, frozen: true });
        }
        return outcome;
      },
    },
  };
  const model = new ScriptModel([
    { toolCalls: ids.map((campaignId) => ({ name: "pause_campaign", args: { campaignId } })) },
    { content: "All three are paused." },
  ]);
  const runtime = await openRuntime({ ...backend, domain: frozenAfterFirst }, model);
  try {
    const submitted = await runtime.submit(actor, { content: "Pause all my campaigns" });
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed", JSON.stringify(view));
    assert.deepEqual(view.steps.map((step) => [step.kind, step.name, step.status]), [
      ["model_call", "script", "succeeded"],
      ["tool_call", "pause_campaign", "succeeded"],
      ["tool_call", "pause_campaign", "failed"],
    ]);
    assert.equal(model.requests.length, 1, "the model is not asked again");
    const statuses = await Promise.all(
      ids.map(async (id) => (await domain.campaigns.get(actor, id)).status),
    );
    assert.deepEqual(statuses, ["paused", "active", "active"]);
    const messages = await domain.conversations.listMessages(actor, submitted.conversationId);
    const reply = messages.at(-1)!;
    assert.equal(reply.role, "assistant");
    assert.match(reply.content, /^I stopped: this ad account has been frozen/);
    assert.match(reply.content, /1 more change was not made/);
    const history = await domain.changes.list(actor, { sourceId: submitted.runId });
    assert.deepEqual(history.items.map((change) => change.campaignId), [ids[0]]);
    assert.ok(history.items.every((change) => change.actorKind === "assistant"));
  } finally {
    await runtime.drain();
  }
});
