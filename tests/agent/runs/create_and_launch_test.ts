/**
 * "Create an active campaign" asks once: the offline assistant asks for one change that creates
 * and launches the campaign, the approval policy holds it for one approval, and once approved
 * the campaign is live — no second approval for the launch.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { decideApproval } from "../../../domain/approval.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, waitForRun, waiting } from "./_helpers.ts";

Deno.test("the approval policy holds create-and-launch as one change", () => {
  const decision = decideApproval({
    operation: "create_campaign",
    input: {
      adAccountId: "0b7f6a52-3c1e-4d8e-9a51-6f1d2a3b4c01",
      name: "Spring Sale",
      objective: "sales",
      budgetType: "daily",
      budgetAmountMinor: 5_000,
      status: "active",
    },
    currency: "USD",
    accountName: "Demo Store",
  });
  assert.equal(decision.required, true);
  assert.deepEqual(decision.rules, ["create_campaign", "activate_campaign"]);
  assert.match(decision.preview.summary, /^Create and launch sales campaign "Spring Sale"/);
  const status = decision.preview.changes.find((change) => change.field === "status");
  assert.deepEqual([status?.before, status?.after], [null, "active"]);
});

backendTest(
  "create an active campaign: one approval creates and launches it",
  async (_t, backend) => {
    const { domain } = backend;
    const actor = await registerUser(domain, "launch");
    const adAccountId = await connectAccount(domain, actor);
    const runtime = await openRuntime(
      backend,
      new OfflineModel({ now: () => backend.clock.now() }),
    );
    try {
      const submitted = await runtime.submit(actor, {
        content: "create an active $50/day sales campaign called Spring Sale",
      });
      const held = await waitForRun(runtime, actor, submitted.runId, waiting);
      const pending = held.pendingConfirmation!;
      assert.match(JSON.stringify(pending.preview), /Create and launch/);
      const creates = held.steps.filter((step) =>
        step.kind === "tool_call" && step.name === "create_campaign"
      );
      assert.equal(creates.length, 1);
      assert.equal(
        (creates[0].input as { arguments: Record<string, unknown> }).arguments.status,
        "active",
      );
      assert.equal((await domain.campaigns.list(actor, { search: "Spring" })).total, 0);

      await runtime.confirm(actor, submitted.runId, {
        confirmationId: pending.confirmationId,
        decision: "approve",
      });
      const view = await waitForRun(runtime, actor, submitted.runId, finished);
      assert.equal(view.status, "completed", JSON.stringify(view));
      assert.equal(view.steps.filter((step) => step.kind === "confirmation").length, 1);
      assert.deepEqual(
        view.steps.filter((step) => step.kind === "tool_call").map((step) => step.name),
        ["list_ad_accounts", "create_campaign"],
        "no separate resume_campaign call",
      );
      const [campaign] = (await domain.campaigns.list(actor, { search: "Spring" })).items;
      assert.equal(campaign.status, "active");
      assert.equal(campaign.adAccountId, adAccountId);
      // One change in the history, made under the one approval.
      const changes = await domain.changes.list(actor, { campaignId: campaign.id });
      assert.deepEqual(changes.items.map((change) => change.operation), ["create"]);
      assert.ok(changes.items[0].approvalId);
      assert.deepEqual(changes.items[0].fields.status, { before: null, after: "active" });
      const messages = await domain.conversations.listMessages(actor, submitted.conversationId);
      assert.match(messages.at(-1)!.content, /Created and launched “Spring Sale”/);

      // The runs list says what each run did, in plain words, from its changes or its question.
      const raise = await runtime.submit(actor, {
        content: "set the budget of Spring Sale to $120",
      });
      const raiseHeld = await waitForRun(runtime, actor, raise.runId, waiting);
      await runtime.confirm(actor, raise.runId, {
        confirmationId: raiseHeld.pendingConfirmation!.confirmationId,
        decision: "approve",
      });
      await waitForRun(runtime, actor, raise.runId, finished);
      const question = await runtime.submit(actor, {
        content: "how did my campaigns do last week?",
      });
      await waitForRun(runtime, actor, question.runId, finished);
      const runs = await runtime.listRuns(actor, { skip: 0, limit: 10 });
      assert.deepEqual(runs.items.map((run) => run.summary), [
        "Answered: how did my campaigns do last week?",
        "Raised Spring Sale's budget to $120.00/day",
        "Created and launched Spring Sale",
      ]);
      assert.equal(
        (await runtime.runDetail(actor, submitted.runId)).summary,
        "Created and launched Spring Sale",
      );
    } finally {
      await runtime.drain();
    }
  },
);

backendTest(
  "without the wish for a live campaign, it is created as a draft",
  async (_t, backend) => {
    const { domain } = backend;
    const actor = await registerUser(domain, "draft");
    await connectAccount(domain, actor);
    const runtime = await openRuntime(
      backend,
      new OfflineModel({ now: () => backend.clock.now() }),
    );
    try {
      const submitted = await runtime.submit(actor, {
        content: "create a $50/day sales campaign called Winter Deals",
      });
      const held = await waitForRun(runtime, actor, submitted.runId, waiting);
      assert.match(JSON.stringify(held.pendingConfirmation!.preview), /starts as a draft/);
      await runtime.confirm(actor, submitted.runId, {
        confirmationId: held.pendingConfirmation!.confirmationId,
        decision: "approve",
      });
      await waitForRun(runtime, actor, submitted.runId, finished);
      const [campaign] = (await domain.campaigns.list(actor, { search: "Winter" })).items;
      assert.equal(campaign.status, "draft");
    } finally {
      await runtime.drain();
    }
  },
);
