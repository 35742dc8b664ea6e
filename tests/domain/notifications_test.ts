/**
 * Notifications: the in-app inbox (settings filter, unread count, marking read, live signals),
 * signed webhooks (retries with backoff, order per endpoint, exactly one successful delivery per
 * id, the delivery log, disabling after repeated failure), email through a real local SMTP
 * server, and the daily digest made once across two instances.
 */
import assert from "node:assert/strict";
import { createSmtpMailer } from "../../lib/mailer.ts";
import type { NotificationSignal } from "../../domain/notifications/mod.ts";
import { notificationDeliveryAttempts } from "../../lib/metrics.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";
import { startSmtpServer } from "../_helpers/smtp_server.ts";
import { startWebhookReceiver } from "../_helpers/webhook_receiver.ts";

const alert = (title: string, severity: "info" | "warning" | "critical" = "warning") => ({
  kind: "alert" as const,
  type: "cpa_up",
  severity,
  title,
  body: "CPA rose 80%: CPC went up 75% after the budget change by the assistant on Dec 5.",
  link: "/alerts/a1",
  subjectId: "a1",
});

backendTest("notifications: in-app inbox, settings and live signals", async (_t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain);
  const other = await registerUser(domain, "other");
  const signals: NotificationSignal[] = [];
  const subscription = await domain.notifications.subscribe(actor, (s) => signals.push(s));
  try {
    await domain.notifications.publish(actor.userId, alert("CPA up on Spring Sale"));
    await domain.notifications.settings.put(actor, {
      ...await domain.notifications.settings.get(actor),
      inApp: { enabled: true, severities: ["critical"], types: null },
    });
    const filtered = await domain.notifications.publish(actor.userId, alert("only a warning"));
    assert.equal(filtered.inApp, false, "warnings no longer reach the bell");
    backend.clock.advance(1_000);
    await domain.notifications.publish(actor.userId, alert("Spend stopped", "critical"));
    await domain.notifications.publish(other.userId, alert("someone else's"));

    const page = await domain.notifications.list(actor);
    assert.deepEqual(page.items.map((n) => n.title), ["Spend stopped", "CPA up on Spring Sale"]);
    assert.equal(await domain.notifications.unreadCount(actor), 2);
    assert.equal(await domain.notifications.markRead(actor, [page.items[0].id]), 1);
    assert.equal(await domain.notifications.markRead(other, [page.items[1].id]), 1);
    assert.equal(await domain.notifications.unreadCount(actor), 1, "others cannot mark mine");
    assert.equal(await domain.notifications.markAllRead(actor), 0);
    const unread = await domain.notifications.list(actor, { unread: "true" });
    assert.equal(unread.total, 0);

    for (let i = 0; i < 100 && signals.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      signals.map((s) => [s.notification?.title ?? null, s.unread]),
      [["CPA up on Spring Sale", 1], ["Spend stopped", 2], [null, 1], [null, 0]],
    );
  } finally {
    await subscription.unsubscribe();
  }
});

backendTest("notifications: webhooks retry in order, once per delivery id", async (_t, backend) => {
  const domain = backend.domainWith({ notifications: { retryBaseMs: 1_000, leaseMs: 5_000 } });
  const actor = await registerUser(domain);
  const receiver = startWebhookReceiver(3);
  try {
    const { secret, endpoint } = await domain.notifications.webhooks.create(actor, {
      url: receiver.url,
    });
    receiver.secret = secret;
    assert.ok(secret.startsWith("whsec_"));
    assert.ok(!JSON.stringify(await domain.notifications.webhooks.list(actor)).includes(secret));
    const titles = ["first", "second", "third"];
    for (const title of titles) await domain.notifications.publish(actor.userId, alert(title));
    const attemptsBefore = await webhookAttempts();

    // Attempt 1 fails; nothing after it is tried while it waits out its backoff.
    assert.equal(await domain.notifications.outbox.runOnce(), 1);
    assert.equal(await domain.notifications.outbox.runOnce(), 0, "backoff: not due yet");
    for (let pass = 0; pass < 10 && receiver.accepted().length < 3; pass++) {
      backend.clock.advance(60_000);
      await domain.notifications.outbox.runOnce();
    }
    assert.equal(receiver.received.length, 6, "3 failures, then 3 deliveries");
    assert.ok(receiver.received.every((r) => r.signatureValid));
    const firstId = receiver.received[0].deliveryId;
    assert.deepEqual(
      receiver.received.slice(0, 4).map((r) => r.deliveryId),
      [firstId, firstId, firstId, firstId],
      "the later deliveries waited while the first was retrying",
    );
    const accepted = receiver.accepted();
    assert.equal(new Set(accepted).size, 3, "each delivery id accepted once");
    assert.deepEqual(
      accepted.map((id) =>
        JSON.parse(receiver.received.find((r) => r.deliveryId === id)!.body).notification.title
      ),
      titles,
    );
    backend.clock.advance(3_600_000);
    assert.equal(await domain.notifications.outbox.runOnce(), 0, "nothing is sent again");
    const attempts = await webhookAttempts();
    assert.equal(attempts.retry - attemptsBefore.retry, 3, "operators see the retries");
    assert.equal(attempts.delivered - attemptsBefore.delivered, 3);

    const log = await domain.notifications.webhooks.deliveries(actor, endpoint.id);
    assert.deepEqual(log.items.map((d) => d.status), ["delivered", "delivered", "delivered"]);
    assert.deepEqual(log.items[2].attempts.map((a) => a.statusCode), [500, 500, 500, 200]);
    assert.equal(log.items[2].id, firstId);
  } finally {
    await receiver.close();
  }
});

backendTest(
  "notifications: two instances send each delivery once, in order",
  async (_t, backend) => {
    const options = { notifications: { retryBaseMs: 1_000, leaseMs: 5_000 } };
    const instances = [backend.domainWith(options), backend.domainWith(options)];
    const actor = await registerUser(instances[0]);
    const receiver = startWebhookReceiver(2);
    try {
      const { secret } = await instances[0].notifications.webhooks.create(actor, {
        url: receiver.url,
      });
      receiver.secret = secret;
      const titles = Array.from({ length: 8 }, (_, i) => `alert ${i + 1}`);
      for (const title of titles) {
        await instances[0].notifications.publish(
          actor.userId,
          alert(title),
        );
      }
      for (let pass = 0; pass < 20 && receiver.accepted().length < titles.length; pass++) {
        await Promise.all(instances.map((domain) => domain.notifications.outbox.runOnce()));
        backend.clock.advance(60_000);
      }
      const accepted = receiver.accepted();
      assert.equal(accepted.length, titles.length);
      assert.equal(new Set(accepted).size, titles.length, "no delivery id accepted twice");
      assert.deepEqual(
        accepted.map((id) =>
          JSON.parse(receiver.received.find((r) => r.deliveryId === id)!.body).notification.title
        ),
        titles,
      );
      assert.equal(receiver.received.length, titles.length + 2);
    } finally {
      await receiver.close();
    }
  },
);

backendTest("notifications: an endpoint failing repeatedly is disabled", async (_t, backend) => {
  const domain = backend.domainWith({
    notifications: { retryBaseMs: 1_000, maxAttempts: 2, disableAfterFailures: 3 },
  });
  const actor = await registerUser(domain);
  const receiver = startWebhookReceiver(1_000);
  try {
    const { secret, endpoint } = await domain.notifications.webhooks.create(actor, {
      url: receiver.url,
    });
    receiver.secret = secret;
    await domain.notifications.publish(actor.userId, alert("one"));
    await domain.notifications.publish(actor.userId, alert("two"));
    for (let pass = 0; pass < 6; pass++) {
      await domain.notifications.outbox.runOnce();
      backend.clock.advance(60_000);
    }
    assert.equal(receiver.received.length, 3);
    const [shown] = await domain.notifications.webhooks.list(actor);
    assert.equal(shown.enabled, false);
    assert.match(shown.disabledReason ?? "", /3 failed attempts/);
    const log = await domain.notifications.webhooks.deliveries(actor, endpoint.id);
    assert.deepEqual(log.items.map((d) => d.status), ["pending", "failed"]);
    // Not sent while disabled; a new notification does not go to it either.
    await domain.notifications.publish(actor.userId, alert("three"));
    assert.equal((await domain.notifications.webhooks.deliveries(actor, endpoint.id)).total, 2);
  } finally {
    await receiver.close();
  }
});

backendTest("notifications: email through SMTP, and the digest once", async (_t, backend) => {
  const smtp = await startSmtpServer();
  const mailer = createSmtpMailer(smtp.url, "AAE <alerts@example.test>");
  const options = { mailer, publicUrl: "https://ads.example.test" };
  const domain = backend.domainWith({ notifications: options });
  const secondInstance = backend.domainWith({ notifications: options });
  try {
    const actor = await registerUser(domain);
    const email = (await domain.accounts.getProfile(actor)).email;
    await domain.notifications.publish(actor.userId, alert("CPA up on Spring Sale"));
    await domain.notifications.publish(actor.userId, alert("just so you know", "info"));
    await domain.notifications.outbox.runOnce();
    await secondInstance.notifications.outbox.runOnce();
    assert.equal(smtp.messages.length, 1, "info is not emailed by default; the other once");
    const [message] = smtp.messages;
    assert.equal(message.to, email);
    assert.match(message.subject, /CPA up on Spring Sale/);
    assert.match(message.text, /CPC went up 75% after the budget change/);
    assert.match(message.text, /https:\/\/ads\.example\.test\/alerts\/a1/);

    await domain.notifications.settings.put(actor, {
      ...await domain.notifications.settings.get(actor),
      emailDigest: true,
    });
    await domain.notifications.publish(actor.userId, alert("Spend stopped", "critical"));
    await domain.notifications.publish(actor.userId, alert("ROAS down"));
    await domain.notifications.outbox.runOnce();
    assert.equal(smtp.messages.length, 1, "digest users get no single emails");

    backend.clock.advance(86_400_000);
    await Promise.all([
      domain.notifications.outbox.runOnce(),
      secondInstance.notifications.outbox.runOnce(),
    ]);
    await domain.notifications.outbox.runOnce();
    await secondInstance.notifications.outbox.runOnce();
    assert.equal(smtp.messages.length, 2, "one digest across both instances");
    const digest = smtp.messages[1];
    assert.match(digest.subject, /Daily digest 2026-11-26: 2 notification/);
    assert.match(digest.text, /Spend stopped/);
    assert.match(digest.text, /ROAS down/);
  } finally {
    mailer.close();
    await smtp.close();
  }
});

/** This process's `aae_notification_delivery_attempts_total` for webhooks, by outcome. */
async function webhookAttempts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = { delivered: 0, retry: 0, gave_up: 0 };
  for (const { labels, value } of (await notificationDeliveryAttempts.get()).values) {
    if (labels.channel === "webhook") counts[String(labels.outcome)] += value;
  }
  return counts;
}
