/**
 * A rule through the chat end to end: the real agent runtime with the offline assistant over
 * `/ws/chat`. "Pause any campaign with CPA over $40 after 1,000 impressions, check hourly"
 * backtests the draft (its summary embedded as a component), saves it disabled and asks for
 * approval to enable it; approving enables it once. "What did my rules do this week?" answers
 * from the history.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import type { EventMessage } from "../../../api/chat/protocol.ts";
import { connectAccount, createCampaign } from "../../_helpers/fixtures.ts";
import { openRuntime } from "../../agent/runs/_helpers.ts";
import { chatTest, eventually } from "./_helpers/chat_server.ts";

const statusEvent = (status: string) => (event: EventMessage) =>
  event.type === "run" && event.metadata.status === status;

chatTest("a rule drafted, backtested and enabled through the chat", async (t, server) => {
  const user = await server.register();
  const { domain } = server.backend;
  const adAccountId = await connectAccount(domain, user.actor);
  const campaign = await createCampaign(domain, user.actor, adAccountId, { name: "Watched" });
  await domain.campaigns.resume(user.actor, campaign.id);
  const client = server.client(user);
  const received: EventMessage[] = [];
  client.onEvent((event) => received.push(event));
  const ofConversation = (conversationId: string) =>
    received.filter((event) => event.metadata.conversation_id === conversationId);

  await t.step("drafted, backtested, saved disabled, enabled after approval", async () => {
    const ack = await client.sendUser(
      "pause any campaign with CPA over $40 after 1,000 impressions, check hourly",
    );
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(
      () => ofConversation(conversationId).some((event) => event.type === "confirmation"),
      15_000,
      "the approval request",
    );
    const events = ofConversation(conversationId);
    const steps = events.filter((event) =>
      event.type === "step" && event.metadata.status === "succeeded"
    ).map((event) => event.metadata.name);
    assert.deepEqual(steps, ["list_ad_accounts", "draft_rule", "create_rule", "backtest_rule"]);
    const rules = await domain.rules.list(user.actor);
    assert.equal(rules.total, 1);
    assert.equal(rules.items[0].enabled, false, "disabled until approved");
    const confirmation = events.find((event) => event.type === "confirmation")!;
    assert.match(JSON.stringify(confirmation), /Enable the rule/);
    await client.confirm(
      String(ack.metadata.run_id),
      String(confirmation.metadata.confirmation_id),
      "approve",
    );
    await eventually(
      () => ofConversation(conversationId).some(statusEvent("completed")),
      15_000,
      "completion after approval",
    );
    assert.equal((await domain.rules.get(user.actor, rules.items[0].id)).enabled, true);
    const final = ofConversation(conversationId).findLast((event) => event.type === "assistant");
    assert.match(String(final?.content), /Backtest over the last 30 days/);
    assert.match(String(final?.content), /enabled and runs on its schedule/);
    // The answer embeds the rule's card with its backtest summary.
    assert.equal(final?.metadata.component, "card");
    assert.match(JSON.stringify(final?.metadata.data), /Backtest \(last 30 days\)/);
    assert.match(JSON.stringify(final?.metadata.data), /Spend without → with the rule/);
  });

  await t.step("what did my rules do this week?", async () => {
    const ack = await client.sendUser("what did my rules do this week?");
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(
      () => ofConversation(conversationId).some(statusEvent("completed")),
      15_000,
      "completion",
    );
    const events = ofConversation(conversationId);
    assert.ok(
      events.some((event) => event.type === "step" && event.metadata.name === "rule_activity"),
    );
    const final = events.findLast((event) => event.type === "assistant");
    assert.match(String(final?.content), /Your rules changed nothing since/);
  });
}, {
  runs: (backend) => openRuntime(backend, new OfflineModel({ now: () => backend.clock.now() })),
});
