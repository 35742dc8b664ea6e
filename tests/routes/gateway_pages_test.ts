import assert from "node:assert/strict";
import type { Actor } from "../../domain/actor.ts";
import { AccountFrozenError } from "../../domain/errors.ts";
import type { WriteOutcome } from "../../domain/write_gateway.ts";
import { createCampaign, insertRun } from "../_helpers/fixtures.ts";
import { type PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

/** The signed-in user of `client`, as the domain knows it. */
async function actorOf(client: PageClient): Promise<Actor> {
  const app = await pagesApp();
  const claims = await app.services.accessTokens.verify(client.cookies.get("aae_access")!);
  return { userId: claims!.userId, role: "user" };
}

const badgeOf = (body: string) => body.match(/data-pending-approvals="(\d+)"/)?.[1] ?? null;

Deno.test("write gateway pages: approvals, badge, change history, autopilot limits", async (t) => {
  const app = await pagesApp();
  const { domain } = app.services;
  const { client } = await signedUpClient(app, "Gateway Tester");
  const actor = await actorOf(client);
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Gateway Shop" });
  const budgeted = await createCampaign(domain, actor, account.id, {
    name: "Budgeted",
    budgetAmountMinor: 1_000,
  });
  await domain.campaigns.resume(actor, budgeted.id);
  const paused = await createCampaign(domain, actor, account.id, { name: "To pause" });
  await domain.campaigns.resume(actor, paused.id);
  const conversation = await domain.conversations.create(actor, { title: "Budget talk" });
  const runId = await insertRun(app.services.db, actor, conversation.id);
  const tokenWrite = () =>
    domain.gateway.write({
      actor,
      source: { kind: "api_token", tokenId: "token-1" },
      operation: { type: "update", campaignId: budgeted.id, input: { budgetAmountMinor: 2_000 } },
      idempotencyKey: "page-test-double",
    });
  const held = async (outcome: Promise<WriteOutcome>) => {
    const result = await outcome;
    assert.equal(result.status, "approval_required");
    return result.status === "approval_required" ? result.approval : assert.fail();
  };
  let tokenApproval = "";
  let runApproval = "";

  await t.step("no badge while nothing waits", async () => {
    const { body } = await client.get("/dashboard");
    assert.equal(badgeOf(body), null);
    assert.match(body, /<a href="\/approvals"/);
    assert.match(body, /<a href="\/changes"/);
  });

  await t.step("software's requests are listed, pending first, with the badge", async () => {
    tokenApproval = (await held(tokenWrite())).id;
    runApproval = (await held(domain.gateway.write({
      actor,
      source: { kind: "assistant", runId },
      operation: { type: "set_status", campaignId: budgeted.id, status: "archived" },
      idempotencyKey: "page-test-archive",
    }))).id;
    const { status, body } = await client.get("/approvals");
    assert.equal(status, 200);
    assert.equal(badgeOf(body), "2");
    const ids = [...body.matchAll(/data-approval-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(new Set(ids), new Set([tokenApproval, runApproval]));
    assert.match(
      body,
      /data-field="budgetAmountMinor"[^]*?\$10\.00[^]*?→ <span data-after="true">\$20\.00/,
    );
    assert.match(body, new RegExp(`href="/runs/${runId}"`), "an assistant request links its run");
    assert.match(body, /data-source="api_token"|data-source-link="api_token"/);
    assert.match(body, /data-reason="true">[^<]*\+100\.0% in one change/);
    assert.match(body, /Expires/);
  });

  await t.step("the detail page decides with a same-origin form POST", async () => {
    const page = await client.get(`/approvals/${tokenApproval}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /data-decision="approve"/);
    assert.match(page.body, /data-decision="reject"/);
    const crossSite = await client.post(`/approvals/${tokenApproval}`, { decision: "approve" }, {
      origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
    assert.equal((await domain.approvals.get(actor, tokenApproval)).status, "pending");

    const approved = await client.post(`/approvals/${tokenApproval}`, { decision: "approve" });
    assert.equal(approved.status, 303);
    const after = await client.follow(approved);
    assert.match(
      after.body,
      /Approved\. Nothing has changed yet: when the requester \(API token\) retries, the change runs once\./,
    );
    assert.match(after.body, /data-approval-status="approved"/);
    assert.match(after.body, /Approved by you/);
    assert.doesNotMatch(after.body, /data-decision="approve"/);
    assert.equal(badgeOf(after.body), "1");

    const again = await client.follow(
      await client.post(`/approvals/${tokenApproval}`, { decision: "reject" }),
    );
    assert.match(again.body, /this approval request is approved/);
  });

  await t.step("the requester's retry applies it once; the request reads as applied", async () => {
    const outcome = await tokenWrite();
    assert.equal(outcome.status, "applied");
    const { body } = await client.get("/approvals?status=used");
    assert.match(body, new RegExp(`data-approval-id="${tokenApproval}"`));
    assert.doesNotMatch(body, new RegExp(`data-approval-id="${runApproval}"`));
  });

  await t.step("requests still waiting come before newer decided ones", async () => {
    const newer = await held(domain.gateway.write({
      actor,
      source: { kind: "rule", ruleId: "rule-9" },
      operation: { type: "update", campaignId: budgeted.id, input: { budgetAmountMinor: 2_600 } },
    }));
    await domain.approvals.decide(actor, newer.id, "reject");
    const { body } = await client.get("/approvals");
    const ids = [...body.matchAll(/data-approval-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, [runApproval, newer.id, tokenApproval]);
    assert.match(body, /data-source="rule"/);
    const rejected = await client.get("/approvals?status=rejected");
    assert.deepEqual(
      [...rejected.body.matchAll(/data-approval-id="([^"]+)"/g)].map((m) => m[1]),
      [newer.id],
    );
  });

  await t.step("rejecting; an assistant request links its conversation's run", async () => {
    const page = await client.get(`/approvals/${runApproval}`);
    assert.match(page.body, new RegExp(`href="/runs/${runId}"`));
    assert.match(
      page.body,
      new RegExp(`href="/assistant/${conversation.id}"[^>]*data-conversation-link`),
    );
    const rejected = await client.follow(
      await client.post(`/approvals/${runApproval}`, { decision: "reject" }),
    );
    assert.match(rejected.body, /Rejected\./);
    assert.match(rejected.body, /data-approval-status="rejected"/);
    assert.equal(badgeOf(rejected.body), null);
    assert.equal((await client.get(`/approvals/${crypto.randomUUID()}`)).status, 404);
  });

  await t.step("the change history: rows, actors, money and filters", async () => {
    const pause = await domain.gateway.write({
      actor,
      source: { kind: "assistant", runId },
      operation: { type: "set_status", campaignId: paused.id, status: "paused" },
    });
    assert.equal(pause.status, "applied");
    const { status, body } = await client.get("/changes");
    assert.equal(status, 200);
    const kinds = [...body.matchAll(/data-actor-kind="([^"]+)"/g)].map((m) => m[1]);
    // Newest first: the assistant's pause, the token's increase, then the person's four.
    assert.deepEqual(kinds, ["assistant", "api_token", "user", "user", "user", "user"]);
    assert.match(body, new RegExp(`href="/runs/${runId}"`));
    assert.match(body, new RegExp(`href="/campaigns/${budgeted.id}"[^>]*>Budgeted<`));
    assert.match(body, /\$10\.00<\/span> → <span data-after="true">\$20\.00/);
    assert.match(body, new RegExp(`href="/approvals/${tokenApproval}"`));

    const byActor = await client.get("/changes?actor=api_token");
    assert.deepEqual(
      [...byActor.body.matchAll(/data-actor-kind="([^"]+)"/g)].map((m) => m[1]),
      ["api_token"],
    );
    assert.match(byActor.body, /<option value="api_token" selected/);
    const campaignPage = await client.get(`/campaigns/${paused.id}`);
    assert.match(campaignPage.body, new RegExp(`href="/changes\\?campaign=${paused.id}"`));
    const byCampaign = await client.get(`/changes?campaign=${paused.id}&account=${account.id}`);
    assert.equal([...byCampaign.body.matchAll(/data-change-id=/g)].length, 3);
    const future = await client.get("/changes?from=2999-01-01");
    assert.match(future.body, /No changes match/);
    const today = new Date().toISOString().slice(0, 10);
    const range = await client.get(`/changes?from=${today}&to=${today}`);
    assert.equal([...range.body.matchAll(/data-change-id=/g)].length, 6);
    const paged = await client.get("/changes?skip=5");
    assert.equal([...paged.body.matchAll(/data-change-id=/g)].length, 1);
    assert.match(paged.body, /Showing <strong>6<\/strong>/);
    const junk = await client.get("/changes?actor=robot&campaign=nope&from=yesterday");
    assert.equal(junk.status, 200, "bad filters are dropped, not errors");
  });

  await t.step("the ad account page shows the limits and each campaign's allowance", async () => {
    const list = await client.get("/ad-accounts");
    assert.match(list.body, new RegExp(`href="/ad-accounts/${account.id}"`));
    const { status, body } = await client.get(`/ad-accounts/${account.id}`);
    assert.equal(status, 200);
    assert.match(
      body,
      /name="maxCampaignDailyBudget"[^>]*value="10000\.00"|value="10000\.00"[^>]*name="maxCampaignDailyBudget"/,
    );
    assert.match(body, /data-frozen="false"/);
    assert.match(body, /value="pause" checked|checked[^>]*value="pause"/);
    // The approved +100% is software's and counts: the campaign is past its allowance.
    assert.match(
      body,
      new RegExp(
        `data-allowance-campaign="${budgeted.id}"[^]*?\\+100% of its \\+20% daily increase allowance`,
      ),
    );
    assert.match(body, /\+100% of its \+50% weekly increase allowance/);
  });

  await t.step("saving the limits: field errors, then saved", async () => {
    const form = {
      intent: "limits",
      maxCampaignDailyBudget: "abc",
      maxAccountDailyBudget: "2,000.00",
      maxIncreasePerChangePercent: "ten",
      maxDailyIncreasePercent: "15",
      maxWeeklyIncreasePercent: "40",
    };
    const invalid = await client.post(`/ad-accounts/${account.id}`, form);
    assert.equal(invalid.status, 422);
    assert.match(invalid.body, /data-field-error="field-maxCampaignDailyBudget"/);
    assert.match(invalid.body, /data-field-error="field-maxIncreasePerChangePercent"/);
    assert.match(invalid.body, /value="abc"/, "the form comes back as typed");

    const overWeekly = await client.post(`/ad-accounts/${account.id}`, {
      ...form,
      maxCampaignDailyBudget: "500",
      maxIncreasePerChangePercent: "10",
      maxDailyIncreasePercent: "60",
    });
    assert.equal(overWeekly.status, 422);
    assert.match(
      overWeekly.body,
      /data-field-error="field-maxDailyIncreasePercent"[^>]*>Must not be more than the 7-day limit/,
    );

    const body = new URLSearchParams({
      ...form,
      maxCampaignDailyBudget: "500",
      maxIncreasePerChangePercent: "10",
    });
    body.append("automatedOperations", "pause");
    body.append("automatedOperations", "budget_increase");
    const saved = await client.send(`/ad-accounts/${account.id}`, {
      method: "POST",
      headers: {
        origin: "http://localhost",
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    assert.equal(saved.status, 303);
    const page = await client.follow(saved);
    assert.match(page.body, /Autopilot limits saved/);
    const limits = await domain.limits.get(actor, account.id);
    assert.equal(limits.isDefault, false);
    assert.equal(limits.maxCampaignDailyBudgetMinor, 50_000);
    assert.equal(limits.maxAccountDailyBudgetMinor, 200_000);
    assert.equal(limits.maxIncreasePerChangePercent, 10);
    assert.equal(limits.maxDailyIncreasePercent, 15);
    assert.equal(limits.maxWeeklyIncreasePercent, 40);
    assert.deepEqual(limits.automatedOperations, ["pause", "budget_increase"]);
    assert.equal(limits.frozen, false);
    assert.match(page.body, /\+100% of its \+15% daily increase allowance/);
  });

  await t.step("the freeze switch is shown prominently and stops software", async () => {
    const frozen = await client.follow(
      await client.post(`/ad-accounts/${account.id}`, { intent: "freeze" }),
    );
    assert.match(frozen.body, /data-frozen="true"/);
    assert.match(frozen.body, /This account is frozen/);
    await assert.rejects(
      domain.gateway.write({
        actor,
        source: { kind: "rule", ruleId: "rule-1" },
        operation: { type: "set_status", campaignId: budgeted.id, status: "paused" },
      }),
      AccountFrozenError,
    );
    const unfrozen = await client.follow(
      await client.post(`/ad-accounts/${account.id}`, { intent: "unfreeze" }),
    );
    assert.match(unfrozen.body, /data-frozen="false"/);
    assert.equal((await domain.limits.get(actor, account.id)).maxDailyIncreasePercent, 15);
  });

  await t.step("another user sees none of it", async () => {
    const { client: other } = await signedUpClient(app, "Other Tester");
    assert.equal((await other.get(`/approvals/${tokenApproval}`)).status, 404);
    assert.equal((await other.get(`/ad-accounts/${account.id}`)).status, 404);
    assert.equal(
      (await other.post(`/approvals/${runApproval}`, { decision: "approve" })).status,
      404,
    );
    const changes = await other.get("/changes");
    assert.match(changes.body, /No changes yet/);
  });
});
