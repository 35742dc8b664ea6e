/**
 * The run pages through the real app (offline assistant, real runtime): a run that waited for
 * approval renders its timeline in order — model calls, the held tool call that ran again after
 * approval (attempt 2), the confirmation — with statuses, attempts and idempotency keys, the same
 * as REST shows it; it refreshes while unfinished and drops the refresh island once finished;
 * another user gets 404; the runs list paginates.
 */
import assert from "node:assert/strict";
import type { RunView } from "../../agent/runs/types.ts";
import type { Actor } from "../../domain/actor.ts";
import { type PageClient, type PagesApp, pagesApp, signedUpClient } from "./_helpers/pages.ts";

/** The signed-up user's actor, found by the email the registration form used. */
async function actorOf(app: PagesApp, email: string): Promise<Actor> {
  const user = await app.services.db.kysely.selectFrom("users").select("id")
    .where("email", "=", email).executeTakeFirstOrThrow();
  return { userId: user.id, role: "user" };
}

async function waitFor(
  app: PagesApp,
  actor: Actor,
  runId: string,
  done: (view: RunView) => boolean,
): Promise<RunView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await app.services.runs!.get(actor, runId);
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`run still ${view.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const isFinished = (view: RunView) => ["completed", "failed", "cancelled"].includes(view.status);

/** The timeline's steps as rendered: data attributes plus the key, in document order. */
function renderedSteps(body: string) {
  return body.split(/<li [^>]*data-step(?=[\s>=])/).slice(1).map((html) => ({
    seq: Number(/data-step-seq="(\d+)"/.exec(html)?.[1]),
    kind: /data-step-kind="([^"]+)"/.exec(html)?.[1],
    status: /data-step-status="([^"]+)"/.exec(html)?.[1],
    attempt: Number(/data-step-attempt="(\d+)"/.exec(html)?.[1]),
    name: /data-step-name[^>]*>([^<]*)</.exec(html)?.[1],
    key: /data-idempotency-key[^>]*>([^<]*)</.exec(html)?.[1],
    retry: /data-retry-reason[^>]*>([^<]*)</.exec(html)?.[1],
    attemptBadge: /data-attempt-badge[^>]*>([^<]*(?:<!--[^>]*-->[^<]*)*)</.exec(html)?.[1]
      ?.replaceAll(/<!--[^>]*-->/g, ""),
  }));
}

/** Submits `content` in a new conversation and waits for its run to stop. */
async function runTo(
  app: PagesApp,
  actor: Actor,
  content: string,
  done: (view: RunView) => boolean,
) {
  const submitted = await app.services.runs!.submit(actor, { content });
  return await waitFor(app, actor, submitted.runId, done);
}

Deno.test("run pages", async (t) => {
  const app = await pagesApp();
  const owner = await signedUpClient(app, "Run Owner");
  const stranger = await signedUpClient(app, "Someone Else");
  const actor = await actorOf(app, owner.email);
  const client: PageClient = owner.client;
  await app.services.domain.adAccounts.connectSandbox(actor, { name: "Sandbox", currency: "USD" });

  const held = await runTo(
    app,
    actor,
    "create a $40/day traffic campaign called Winter Boots",
    (view) => view.status === "waiting_confirmation" || isFinished(view),
  );
  assert.equal(held.status, "waiting_confirmation", JSON.stringify(held));
  const path = `/runs/${held.id}`;

  await t.step("a run waiting for approval says so and keeps itself current", async () => {
    const { status, body } = await client.get(path);
    assert.equal(status, 200, body);
    assert.match(body, /data-waiting-notice/);
    assert.match(body, new RegExp(`href="/assistant/${held.conversationId}"`));
    assert.match(body, /data-status="waiting_confirmation"/);
    assert.match(body, /id="run-live" data-active="true"/);
    assert.match(body, /data-live-refresh="static"/, "the refresh island, server-rendered");
    assert.match(body, /<noscript><meta http-equiv="refresh" content="2"\/?><\/noscript>/);
    assert.match(body, /islands\/RunLiveRefresh\.js/, "the island ships while unfinished");
  });

  await app.services.runs!.confirm(actor, held.id, {
    confirmationId: held.pendingConfirmation!.confirmationId,
    decision: "approve",
  });
  const done = await waitFor(app, actor, held.id, isFinished);
  assert.equal(done.status, "completed", JSON.stringify(done));

  await t.step("the finished run's timeline: every step in order, as REST reports it", async () => {
    const { status, body } = await client.get(path);
    assert.equal(status, 200);
    const steps = renderedSteps(body);
    assert.deepEqual(
      steps.map(({ seq, kind, status, attempt, name }) => ({ seq, kind, status, attempt, name })),
      done.steps.map(({ seq, kind, status, attempt, name }) => ({
        seq,
        kind,
        status,
        attempt,
        name,
      })),
    );
    assert.deepEqual(steps.map((step) => step.seq), steps.map((_, index) => index + 1));
    const create = steps.find((step) =>
      step.kind === "tool_call" && step.name === "create_campaign"
    );
    assert.ok(create, JSON.stringify(steps));
    assert.equal(create.status, "succeeded");
    assert.equal(create.attempt, 2, "held, then run again after approval");
    assert.equal(create.attemptBadge, "attempt 2");
    assert.equal(create.retry, "ran again after approval");
    assert.match(create.key ?? "", /^tool:t\d+c\d+$/);
    const confirmation = steps.find((step) => step.kind === "confirmation");
    assert.equal(confirmation?.key, create.key!.replace("tool:", "confirm:"));
    assert.ok(confirmation.seq > create.seq, "the confirmation was recorded after the held call");
    const models = steps.filter((step) => step.kind === "model_call");
    assert.ok(models.length >= 2);
    assert.deepEqual(models.map((step) => step.key), models.map((_, turn) => `model:${turn}`));
    assert.ok(
      steps.filter((step) => step.attempt === 1)
        .every((step) => step.attemptBadge === undefined && step.retry === undefined),
      "only retried steps carry an attempt badge",
    );
    assert.equal(
      body.match(/data-bar-offset=/g)?.length,
      steps.length,
      "every step that ran has a bar",
    );
    assert.match(body, new RegExp(`data-run-credits="${models.length}"`), "1 credit per call");
    assert.match(body, /data-status="completed"/);
    assert.match(body, /<details[^>]*data-keep-open="[^"]+:input"/);
    assert.match(body, /&quot;status&quot;: &quot;approval_required&quot;|Winter Boots/);
    assert.match(body, /id="run-live" data-active="false"/);
    assert.doesNotMatch(body, /RunLiveRefresh/, "a finished run's page ships no refresh island");
    assert.doesNotMatch(body, /http-equiv="refresh"/);
  });

  await t.step("another user's run is a 404, like an unknown id", async () => {
    assert.equal((await stranger.client.get(path)).status, 404);
    assert.equal((await client.get(`/runs/${crypto.randomUUID()}`)).status, 404);
    assert.equal((await client.get("/runs/not-a-run")).status, 404);
    const theirList = await stranger.client.get("/runs");
    assert.equal(theirList.status, 200);
    assert.doesNotMatch(theirList.body, new RegExp(held.id));
    assert.match(theirList.body, /No runs yet/);
  });

  await t.step("the runs list: newest first, linking to each run, paginated", async () => {
    const second = await runTo(app, actor, "which ad accounts do I have?", isFinished);
    const third = await runTo(app, actor, "what is my credit balance?", isFinished);
    const rowIds = (body: string) =>
      [...body.matchAll(/<tr data-run-id="([^"]+)"/g)].map((m) => m[1]);
    const first = await client.get("/runs?limit=2");
    assert.equal(first.status, 200);
    assert.deepEqual(rowIds(first.body), [third.id, second.id]);
    assert.match(first.body, new RegExp(`href="/runs/${third.id}"`));
    assert.match(first.body, /Showing <strong>1<\/strong>–<strong>2<\/strong>/);
    const next = /<a href="([^"]+)" rel="next"/.exec(first.body)?.[1];
    assert.equal(next, "/runs?limit=2&amp;skip=2");
    const last = await client.get("/runs?limit=2&skip=2");
    assert.deepEqual(rowIds(last.body), [held.id]);
    assert.match(last.body, /data-status="completed"/);
    assert.doesNotMatch(last.body, /rel="next"/);
    assert.doesNotMatch(last.body, /RunLiveRefresh/);
  });
});
