/**
 * The notification pages without JavaScript: the bell's count in the frame, the list with "mark
 * read", the channel settings form, the test notification, and webhooks (secret shown once,
 * delivery log, turn off, delete).
 */
import assert from "node:assert/strict";
import { ORIGIN, pagesApp, signedUpClient } from "./_helpers/pages.ts";
import { startWebhookReceiver } from "../_helpers/webhook_receiver.ts";

const bellOf = (body: string) => Number(body.match(/data-notification-bell="(\d+)"/)![1]);

Deno.test({
  name: "notification pages work without JavaScript",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const app = await pagesApp();
    const { client, email, password } = await signedUpClient(app, "Bell Tester");
    const receiver = startWebhookReceiver(0);
    try {
      await t.step("the list starts empty and the bell at 0", async () => {
        const page = await client.get("/notifications");
        assert.equal(page.status, 200);
        assert.match(page.body, /No notifications yet/);
        assert.equal(bellOf(page.body), 0);
      });

      await t.step("a test notification reaches the bell and can be marked read", async () => {
        const sent = await client.post("/settings/notifications", { intent: "test" });
        assert.equal(sent.status, 303);
        const page = await client.get("/notifications");
        assert.equal(bellOf(page.body), 1);
        assert.match(page.body, /Test notification/);
        const id = page.body.match(/data-notification-id="([^"]+)"/)![1];
        const read = await client.follow(await client.post("/notifications", { id }));
        assert.equal(bellOf(read.body), 0);
        assert.match(read.body, /data-read="true"/);
      });

      await t.step("the channel settings save", async () => {
        const form = new URLSearchParams([
          ["intent", "settings"],
          ["inApp.enabled", "on"],
          ["inApp.severities", "critical"],
          ["inApp.types", ""],
          ["webhook.enabled", "on"],
          ["webhook.severities", "warning"],
          ["webhook.severities", "critical"],
          ["webhook.types", "test, cpa_up"],
          ["email.severities", "critical"],
          ["email.types", ""],
          ["emailDigest", "on"],
        ]);
        const saved = await client.send("/settings/notifications", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
          body: form,
        });
        assert.equal(saved.status, 303);
        const page = await client.follow(saved);
        assert.match(page.body, /Settings saved/);
        assert.match(page.body, /name="webhook.types"[^>]*value="test, cpa_up"/);
        const { actor } = await app.services.domain.accounts.authenticate({ email, password });
        const settings = await app.services.domain.notifications.settings.get(actor);
        assert.deepEqual(settings.inApp.severities, ["critical"]);
        assert.deepEqual(settings.webhook.types, ["test", "cpa_up"]);
        assert.equal(settings.email.enabled, false);
        assert.equal(settings.emailDigest, true);
        // A warning no longer reaches the bell.
        await client.post("/settings/notifications", { intent: "test" });
        assert.equal(bellOf((await client.get("/notifications")).body), 0);
      });

      await t.step("a webhook: secret once, delivery log, off, deleted", async () => {
        const bad = await client.post("/settings/notifications", {
          intent: "create",
          url: "not a url",
        });
        assert.equal(bad.status, 422);
        const created = await client.post("/settings/notifications", {
          intent: "create",
          url: receiver.url,
          description: "ops",
        });
        assert.equal(created.status, 201);
        const secret = created.body.match(/data-webhook-secret[^>]*>(whsec_[^<]+)</)![1];
        receiver.secret = secret;
        const page = await client.get("/settings/notifications");
        assert.doesNotMatch(page.body, new RegExp(secret), "never shown again");
        const id = page.body.match(/data-webhook-id="([^"]+)"/)![1];

        await client.post("/settings/notifications", { intent: "test" });
        const deadline = Date.now() + 30_000;
        while (receiver.accepted().length === 0) {
          assert.ok(Date.now() < deadline, "the worker delivered the test notification");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(receiver.received[0].signatureValid);
        const log = await client.get(`/settings/notifications?log=${id}`);
        assert.match(log.body, /data-delivery-log/);
        assert.match(log.body, new RegExp(`data-delivery-id="${receiver.received[0].deliveryId}"`));

        const off = await client.follow(
          await client.post("/settings/notifications", { intent: "disable", id }),
        );
        assert.match(off.body, /Webhook disabled/);
        const gone = await client.follow(
          await client.post("/settings/notifications", { intent: "delete", id }),
        );
        assert.doesNotMatch(gone.body, /data-webhook-id=/);
      });
    } finally {
      await receiver.close();
    }
  },
});
