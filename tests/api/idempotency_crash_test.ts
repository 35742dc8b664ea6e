/**
 * Crash test for REST `Idempotency-Key`s: the real app as a child process gets many parallel
 * `POST /campaigns`, each with its own key, and is SIGKILLed while they are in flight; after a
 * restart every request is retried with the same key and body. Each retry must either replay the
 * original response (`Idempotent-Replayed: true`, the campaign the first attempt created) or run
 * afresh (the first attempt left nothing) — never 409 "in progress" for the dead process's claim,
 * never a second campaign for one key.
 *
 * Runs on the embedded default (SQLite + in-process coordination), and on MariaDB + Redis when
 * DATABASE_URL / REDIS_URL are set.
 */
import assert from "node:assert/strict";
import { type AppProcess, sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { backendName } from "../_helpers/backend.ts";

/** Short, so the dead process's claims lapse soon after the kill. */
const LEASE_MS = 1_000;
const REQUESTS = 120;

interface Sent {
  key: string;
  name: string;
  body: string;
}

Deno.test({
  name: `[${backendName()}] Idempotency-Key retries after a SIGKILL: replay or fresh, never 409`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const shared = await sharedData();
    const env = { ...shared.env, IDEMPOTENCY_LEASE_MS: String(LEASE_MS) };
    let app: AppProcess | undefined = await startApp(env);
    try {
      const token = await register(app.url);
      const account = await post(app.url, token, "/ad-accounts", JSON.stringify({ name: "S" }));
      assert.equal(account.status, 201);
      const adAccountId = (await account.json()).data.id as string;

      const sent: Sent[] = Array.from({ length: REQUESTS }, (_, i) => {
        const name = `Crash ${i} ${crypto.randomUUID().slice(0, 6)}`;
        return {
          key: `crash-${i}-${crypto.randomUUID()}`,
          name,
          body: JSON.stringify({
            ad_account_id: adAccountId,
            name,
            objective: "traffic",
            budget_type: "daily",
            budget_amount_minor: 5000,
          }),
        };
      });
      // Kill once a quarter of the requests were answered: the rest are in flight.
      const firstAnswers = new Map<string, { status: number; text: string }>();
      let answered = 0;
      let reachedQuarter!: () => void;
      const quarter = new Promise<void>((resolve) => reachedQuarter = resolve);
      const attempts = sent.map(async ({ key, body }) => {
        try {
          const response = await post(app!.url, token, "/campaigns", body, key);
          firstAnswers.set(key, { status: response.status, text: await response.text() });
        } catch {
          // Cut off by the kill.
        }
        if (++answered >= REQUESTS / 4) reachedQuarter();
      });
      await quarter;
      await app.kill("SIGKILL");
      await Promise.all(attempts);
      assert.ok(firstAnswers.size < REQUESTS, "some requests were cut off by the kill");

      // Past the dead process's leases.
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
      app = await startApp(env);
      const { db } = shared.open();
      for (const { key, name, body } of sent) {
        const retry = await post(app.url, token, "/campaigns", body, key);
        const text = await retry.text();
        assert.equal(retry.status, 201, `${key}: ${retry.status} ${text}`);
        const rows = await db.kysely.selectFrom("campaigns").select("id")
          .where("name", "=", name).execute();
        assert.equal(rows.length, 1, `${key}: one campaign, not ${rows.length}`);
        assert.equal(JSON.parse(text).data.id, rows[0].id, `${key}: the response names it`);
        const first = firstAnswers.get(key);
        if (first) {
          assert.equal(first.status, 201);
          assert.equal(retry.headers.get("idempotent-replayed"), "true", key);
          assert.equal(text, first.text, `${key}: the original response`);
        }
      }
    } finally {
      await app?.kill("SIGKILL");
      await shared.dispose();
    }
  },
});

Deno.test({
  name: `[${backendName()}] a retry after a SIGKILL at a pause point: replay or fresh, one effect`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const shared = await sharedData();
    const env = { ...shared.env, IDEMPOTENCY_LEASE_MS: String(LEASE_MS) };
    // Each point pauses one keyed request forever; unkeyed setup requests never pause.
    const points = [
      "rest_after_effect:POST /api/v1/conversations",
      "rest_after_effect:POST /api/v1/conversations/:id/messages",
      "rest_before_commit:POST /api/v1/creatives",
    ];
    let app: AppProcess | undefined = await startApp({
      ...env,
      AAE_TEST_PAUSE_AT: points.join(","),
    });
    try {
      const token = await register(app.url);
      const json = async (response: Response) => (await response.json()).data;
      const { id: adAccountId } = await json(
        await post(app.url, token, "/ad-accounts", JSON.stringify({ name: "S" })),
      );
      const { id: campaignId } = await json(
        await post(
          app.url,
          token,
          "/campaigns",
          JSON.stringify({
            ad_account_id: adAccountId,
            name: "Paused points",
            objective: "traffic",
            budget_type: "daily",
            budget_amount_minor: 5000,
          }),
        ),
      );
      const { id: conversationId } = await json(
        await post(app.url, token, "/conversations", JSON.stringify({ title: "Setup" })),
      );
      // Committed, answer lost: the conversation exists, its key's record is in progress.
      const conversation = {
        path: "/conversations",
        key: `conv-${crypto.randomUUID()}`,
        body: JSON.stringify({ title: `Crashed ${crypto.randomUUID().slice(0, 8)}` }),
      };
      // Submitted (run and message stored), record not completed.
      const message = {
        path: `/conversations/${conversationId}/messages`,
        key: `msg-${crypto.randomUUID()}`,
        body: JSON.stringify({ content: "How are my campaigns doing?" }),
      };
      // Inside the transaction of the effect: the creative's row is written, nothing committed.
      const creative = {
        path: "/creatives",
        key: `creative-${crypto.randomUUID()}`,
        body: JSON.stringify({
          campaign_id: campaignId,
          headline: `Crashed ${crypto.randomUUID().slice(0, 8)}`,
          body: "Body",
        }),
      };
      for (
        const [request, point] of [conversation, message, creative].map((r, i) =>
          [r, points[i]] as const
        )
      ) {
        post(app.url, token, request.path, request.body, request.key).catch(() => {});
        await app.waitFor(`AAE_TEST_PAUSED ${point}`);
      }
      await app.kill("SIGKILL");

      // Past the dead process's leases.
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
      app = await startApp(env);
      const { db } = shared.open();

      const conversationRetry = await post(
        app.url,
        token,
        conversation.path,
        conversation.body,
        conversation.key,
      );
      const conversationText = await conversationRetry.text();
      assert.equal(conversationRetry.status, 201, conversationText);
      assert.equal(conversationRetry.headers.get("idempotent-replayed"), "true", "a replay");
      const title = JSON.parse(conversation.body).title;
      const conversations = await db.kysely.selectFrom("conversations").select("id")
        .where("title", "=", title).execute();
      assert.equal(conversations.length, 1, "one conversation for the key");
      assert.equal(JSON.parse(conversationText).data.id, conversations[0].id);

      const messageRetry = await post(app.url, token, message.path, message.body, message.key);
      const messageText = await messageRetry.text();
      assert.equal(messageRetry.status, 202, messageText);
      const runs = await db.kysely.selectFrom("agent_runs").select("id")
        .where("conversation_id", "=", conversationId).execute();
      assert.equal(runs.length, 1, "one run for the key");
      assert.equal(JSON.parse(messageText).data.run_id, runs[0].id, "the retry names that run");
      assert.equal(JSON.parse(messageText).data.duplicate, true, "nothing new was started");

      const creativeRetry = await post(app.url, token, creative.path, creative.body, creative.key);
      const creativeText = await creativeRetry.text();
      assert.equal(creativeRetry.status, 201, creativeText);
      assert.equal(creativeRetry.headers.get("idempotent-replayed"), null, "a fresh execution");
      const creatives = await db.kysely.selectFrom("creatives").select("id")
        .where("headline", "=", JSON.parse(creative.body).headline).execute();
      assert.equal(creatives.length, 1, "one creative for the key");
      assert.equal(JSON.parse(creativeText).data.id, creatives[0].id);
    } finally {
      await app?.kill("SIGKILL");
      await shared.dispose();
    }
  },
});

async function register(base: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      email: `crash-${crypto.randomUUID().slice(0, 8)}@example.test`,
      password: "correct horse battery staple",
    }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).data.access_token;
}

function post(base: string, token: string, path: string, body: string, key?: string) {
  return fetch(`${base}/api/v1${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      ...(key === undefined ? {} : { "Idempotency-Key": key }),
    },
    body,
  });
}
