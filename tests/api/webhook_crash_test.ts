/**
 * Crash test for webhook deliveries: a real receiver answers 500 to its first 3 requests, five
 * notifications are published over REST, and the real app process is SIGKILLed while the first
 * delivery is being retried (after the receiver's second failure). After a restart on the same
 * data the deliveries go on by themselves: every delivery id is accepted exactly once, in the
 * order of the notifications, every request is correctly signed, and nothing is sent again once
 * a 2xx was recorded. A second test kills the app while an attempt is in flight (the receiver
 * holds the request): the dead process's claim lapses and the same delivery id is retried.
 *
 * Runs on the embedded default (SQLite + in-process coordination), and on MariaDB + Redis when
 * DATABASE_URL / REDIS_URL are set.
 */
import assert from "node:assert/strict";
import { type AppProcess, callApi, sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { backendName } from "../_helpers/backend.ts";
import { startWebhookReceiver } from "../_helpers/webhook_receiver.ts";

const NOTIFICATIONS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; the deadline only bounds a hung test. */
async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(50);
  }
}

Deno.test({
  name: `[${backendName()}] webhooks survive a failing receiver and a SIGKILL mid-retry`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const shared = await sharedData();
    const receiver = startWebhookReceiver(3);
    const env = {
      ...shared.env,
      NOTIFICATION_WORKER_INTERVAL_MS: "100",
      NOTIFICATION_LEASE_MS: "1000",
      WEBHOOK_RETRY_BASE_MS: "300",
    };
    let app: AppProcess | undefined = await startApp(env);
    try {
      const register = await callApi(app.url, "POST", "/auth/register", undefined, {
        email: `webhook-crash-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      assert.equal(register.status, 201);
      const token = register.body.data.access_token as string;
      const created = await callApi(app.url, "POST", "/webhooks", token, { url: receiver.url });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      receiver.secret = created.body.data.secret;
      const endpointId = created.body.data.endpoint.id as string;

      const titles = Array.from({ length: NOTIFICATIONS }, (_, i) => `Alert ${i + 1}`);
      for (const title of titles) {
        const sent = await callApi(app.url, "POST", "/notifications/test", token, {
          title,
          severity: "warning",
        });
        assert.equal(sent.status, 201, JSON.stringify(sent.body));
      }

      // Killed while the first delivery is between retries.
      await eventually("two failed attempts", () => receiver.received.length >= 2);
      await app.kill("SIGKILL");
      assert.equal(receiver.accepted().length, 0, "nothing was accepted before the kill");

      app = await startApp(env);
      await eventually("every delivery", () => receiver.accepted().length >= NOTIFICATIONS);
      // A few more worker passes: nothing may be sent again.
      await sleep(1_500);

      assert.ok(receiver.received.every((request) => request.signatureValid), "all signed");
      const accepted = receiver.accepted();
      assert.equal(accepted.length, NOTIFICATIONS, "each delivery accepted exactly once");
      assert.equal(new Set(accepted).size, NOTIFICATIONS);
      const titleOf = (id: string) =>
        JSON.parse(receiver.received.find((r) => r.deliveryId === id)!.body).notification.title;
      assert.deepEqual(accepted.map(titleOf), titles, "in the order of the notifications");
      const first = receiver.received[0].deliveryId;
      assert.deepEqual(
        receiver.received.slice(0, 4).map((request) => [request.deliveryId, request.status]),
        [[first, 500], [first, 500], [first, 500], [first, 200]],
        "the later deliveries waited while the first was retrying, across the restart",
      );
      assert.equal(receiver.received.length, 3 + NOTIFICATIONS);

      const log = await callApi(app.url, "GET", `/webhooks/${endpointId}/deliveries`, token);
      assert.equal(log.status, 200, JSON.stringify(log.body));
      const deliveries = log.body.items as {
        id: string;
        status: string;
        attempts: { status_code: number | null }[];
      }[];
      assert.deepEqual(deliveries.map((d) => d.status), Array(NOTIFICATIONS).fill("delivered"));
      const firstLog = deliveries.find((d) => d.id === first)!;
      // The kill may come before the second failure was recorded: that attempt is then missing.
      assert.equal(firstLog.attempts.at(-1)?.status_code, 200);
      assert.ok(firstLog.attempts.filter((a) => a.status_code === 500).length >= 2);
    } finally {
      await app?.kill("SIGKILL");
      await receiver.close();
      await shared.dispose();
    }
  },
});

Deno.test({
  name: `[${backendName()}] a webhook attempt cut off by a SIGKILL is retried, once accepted`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const shared = await sharedData();
    // The second request (the first retry) is held open while the app is killed.
    const receiver = startWebhookReceiver(3, { holdRequest: 1 });
    const env = {
      ...shared.env,
      NOTIFICATION_WORKER_INTERVAL_MS: "100",
      NOTIFICATION_LEASE_MS: "1000",
      WEBHOOK_RETRY_BASE_MS: "200",
    };
    let app: AppProcess | undefined = await startApp(env);
    try {
      const register = await callApi(app.url, "POST", "/auth/register", undefined, {
        email: `webhook-inflight-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      const token = register.body.data.access_token as string;
      const created = await callApi(app.url, "POST", "/webhooks", token, { url: receiver.url });
      receiver.secret = created.body.data.secret;
      const titles = ["One", "Two", "Three"];
      for (const title of titles) {
        const sent = await callApi(app.url, "POST", "/notifications/test", token, { title });
        assert.equal(sent.status, 201, JSON.stringify(sent.body));
      }

      await receiver.held;
      await app.kill("SIGKILL");
      receiver.release();

      // The dead process's claim on the delivery lapses, and the restarted one retries it.
      app = await startApp(env);
      await eventually("every delivery", () => receiver.accepted().length >= titles.length);
      await sleep(1_500);
      const accepted = receiver.accepted();
      assert.equal(accepted.length, titles.length, "each delivery accepted exactly once");
      assert.equal(new Set(accepted).size, titles.length);
      const titleOf = (id: string) =>
        JSON.parse(receiver.received.find((r) => r.deliveryId === id)!.body).notification.title;
      assert.deepEqual(accepted.map(titleOf), titles);
      assert.ok(receiver.received.every((request) => request.signatureValid));
      const first = receiver.received[0].deliveryId;
      assert.deepEqual(
        receiver.received.slice(0, 4).map((request) => request.deliveryId),
        [first, first, first, first],
        "the same delivery id was retried after the restart, before the later ones",
      );
    } finally {
      await app?.kill("SIGKILL");
      await receiver.close();
      await shared.dispose();
    }
  },
});
