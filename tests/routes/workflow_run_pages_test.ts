/**
 * Workflow runs on the run pages, through the real app and without JavaScript: `/runs` lists the
 * chat's runs and a rule's runs together (filterable by kind), each rule run saying what it did
 * in plain words; a rule evaluation's page shows its actor (the rule, linked), its changes, the
 * campaigns it fired on and its steps (evaluate, apply per campaign) on the run timeline; an
 * unfinished run shows its progress and refreshes itself (a meta refresh without JavaScript);
 * another user gets 404.
 */
import assert from "node:assert/strict";
import type { RunView } from "../../agent/runs/types.ts";
import type { Actor } from "../../domain/actor.ts";
import { toDbJson } from "../../db/json.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { addDays, dateOf } from "../../domain/dates.ts";
import { localDateOf } from "../../domain/rules/schedule.ts";
import { type PagesApp, pagesApp, signedUpClient } from "./_helpers/pages.ts";

async function actorOf(app: PagesApp, email: string): Promise<Actor> {
  const user = await app.services.db.kysely.selectFrom("users").select("id")
    .where("email", "=", email).executeTakeFirstOrThrow();
  return { userId: user.id, role: "user" };
}

async function until<Value>(what: string, read: () => Promise<Value | undefined>) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Rows of the runs table: their kind and run id, in order. */
function rowsOf(body: string) {
  return [...body.matchAll(/<tr data-(?:workflow-)?run-id="([^"]+)" data-run-kind="([^"]+)"/g)]
    .map((match) => ({ id: match[1], kind: match[2] }));
}

/** Text with Preact's `<!-- -->` separators between interpolations removed. */
function text(html: string): string {
  return html.replaceAll("<!-- -->", "").replaceAll("&#39;", "'");
}

Deno.test("workflow runs on the run pages", async (t) => {
  const app = await pagesApp();
  const owner = await signedUpClient(app, "Rule Owner");
  const stranger = await signedUpClient(app, "Someone Else");
  const actor = await actorOf(app, owner.email);
  const { domain, db } = app.services;
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
  const yesterday = addDays(dateOf(new Date(), account.timezone), -1);
  const at = toDbTimestamp(new Date());
  const names = ["High A", "High B", "Low C"];
  const campaignIds: string[] = [];
  for (const name of names) {
    const campaign = await domain.campaigns.create(actor, {
      adAccountId: account.id,
      name,
      objective: "traffic",
      budgetType: "daily",
      budgetAmountMinor: 5_000,
      landingUrl: "https://shop.example.com/",
    });
    await domain.campaigns.resume(actor, campaign.id);
    await db.kysely.insertInto("campaign_metrics").values({
      id: crypto.randomUUID(),
      user_id: actor.userId,
      ad_account_id: account.id,
      campaign_id: campaign.id,
      metric_date: yesterday,
      impressions: 5_000,
      clicks: 60,
      spend_minor: name.startsWith("High") ? 9_000 : 1_000,
      conversions: 1,
      revenue_minor: 0,
      created_at: at,
      updated_at: at,
    }).execute();
    campaignIds.push(campaign.id);
  }
  const rule = await domain.rules.create(actor, {
    name: "Trim budgets",
    adAccountId: account.id,
    enabled: true,
    scope: { kind: "all" },
    conditions: {
      match: "all",
      conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 }],
    },
    action: { type: "pause_until_tomorrow" },
    schedule: { frequency: "hourly" },
  });
  // This slot's evaluation, as the scheduler enqueues it (the app's worker or this test runs it).
  const slotAt = new Date();
  const evaluation = await domain.workflows.enqueue(actor, {
    kind: "rule_evaluation",
    subjectId: rule.id,
    dedupeKey: `rule:${rule.id}:page-test`,
    input: {
      ruleId: rule.id,
      slotAt: slotAt.toISOString(),
      slotLocal: localDateOf(slotAt, account.timezone),
    },
  });
  await domain.workflows.runDue("page-test");
  await until("the evaluation", async () => {
    const run = await domain.workflows.get(actor, evaluation.id);
    return run.status === "succeeded" ? run : undefined;
  });
  const submitted = await app.services.runs!.submit(actor, {
    content: "which ad accounts do I have?",
  });
  const chat = await until("the chat run", async () => {
    const view: RunView = await app.services.runs!.get(actor, submitted.runId);
    return ["completed", "failed"].includes(view.status) ? view : undefined;
  });

  await t.step("the list: chat and rule runs together, in plain words", async () => {
    const { status, body } = await owner.client.get("/runs");
    assert.equal(status, 200, body);
    const rows = rowsOf(body);
    assert.ok(rows.some((row) => row.id === chat.id && row.kind === "chat"), body);
    assert.ok(rows.some((row) => row.id === evaluation.id && row.kind === "rule_evaluation"));
    assert.equal(rows.filter((row) => row.kind === "rule_resume").length, 2, "two resumes due");
    const page = text(body);
    assert.match(page, /Rule 'Trim budgets': paused 2 campaigns until tomorrow/);
    assert.match(page, /Rule 'Trim budgets': will resume 'High A' at midnight/);
    assert.match(body, new RegExp(`href="/runs/${evaluation.id}"`));
    assert.match(body, /data-kind-filter/);
  });

  await t.step("the kind filter", async () => {
    const rules = rowsOf((await owner.client.get("/runs?kind=rule_evaluation")).body);
    assert.deepEqual(rules.map((row) => row.kind), ["rule_evaluation"]);
    const chats = rowsOf((await owner.client.get("/runs?kind=chat")).body);
    assert.deepEqual(chats.map((row) => row.kind), ["chat"]);
  });

  await t.step("an evaluation's page: actor, changes, campaigns, steps", async () => {
    const { status, body } = await owner.client.get(`/runs/${evaluation.id}`);
    assert.equal(status, 200, body);
    assert.match(body, /data-run-actor="rule"/);
    assert.match(body, new RegExp(`href="/rules/${rule.id}"[^>]*data-rule-link`));
    assert.match(body, new RegExp(`href="/changes\\?source_id=${rule.id}"`));
    const steps = [...body.matchAll(/data-step-kind="([^"]+)" data-step-status="([^"]+)"/g)]
      .map((match) => `${match[1]}:${match[2]}`);
    assert.deepEqual(steps, ["evaluate:succeeded", "apply:succeeded", "apply:succeeded"]);
    const page = text(body);
    assert.match(page, /apply<span[^>]*> · High A<\/span>/);
    assert.match(page, /apply<span[^>]*> · High B<\/span>/);
    assert.equal(body.match(/data-campaign-outcome="applied"/g)?.length, 2);
    assert.equal(body.match(/data-bar-offset=/g)?.length, 3, "every step has its bar");
    assert.match(body, /id="run-live" data-active="false"/);
    assert.doesNotMatch(body, /RunLiveRefresh/, "a finished run ships no refresh island");
    assert.doesNotMatch(body, /http-equiv="refresh"/);
  });

  await t.step("a running run: its progress, refreshed without JavaScript", async () => {
    const running = await domain.workflows.enqueue(actor, {
      kind: "rule_evaluation",
      subjectId: rule.id,
      dedupeKey: `rule:${rule.id}:page-test-running`,
      input: { ruleId: rule.id, slotAt: slotAt.toISOString(), slotLocal: "—" },
      scheduledFor: new Date(Date.now() + 86_400_000),
    });
    // As a live runner leaves it mid-run: no worker claims it while its lease holds.
    await db.kysely.updateTable("workflow_runs").set({
      status: "running",
      progress: toDbJson({ done: 1, total: 4 }),
      lease_owner: "elsewhere",
      lease_expires_at: toDbTimestamp(new Date(Date.now() + 3_600_000)),
      started_at: toDbTimestamp(new Date()),
    }).where("id", "=", running.id).execute();
    const { body } = await owner.client.get(`/runs/${running.id}`);
    assert.match(body, /<progress[^>]*value="1"[^>]*max="4"/);
    assert.match(text(body), /1 of 4 done/);
    assert.match(body, /id="run-live" data-active="true"/);
    assert.match(body, /<noscript><meta http-equiv="refresh" content="2"\/?><\/noscript>/);
    const list = text((await owner.client.get("/runs?kind=rule_evaluation")).body);
    assert.match(list, /Rule 'Trim budgets': applying 1 of 4 campaigns…/);
  });

  await t.step("another user's workflow run is a 404", async () => {
    assert.equal((await stranger.client.get(`/runs/${evaluation.id}`)).status, 404);
    assert.deepEqual(rowsOf((await stranger.client.get("/runs")).body), []);
  });
});
