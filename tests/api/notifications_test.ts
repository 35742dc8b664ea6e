/**
 * Notifications over REST (responses checked against the OpenAPI document): settings round
 * trip, the test notification reaching the bell, the live stream, a real local SMTP server and
 * a webhook receiver; marking read; webhooks listed without their secret, their delivery log,
 * turned off and deleted; another user sees none of it.
 */
import assert from "node:assert/strict";
import { createSmtpMailer } from "../../lib/mailer.ts";
import { backendTest } from "../_helpers/backend.ts";
import { startSmtpServer } from "../_helpers/smtp_server.ts";
import { startWebhookReceiver } from "../_helpers/webhook_receiver.ts";
import { openApi } from "./_helpers/harness.ts";

backendTest("REST: notifications, settings, webhooks and email", async (_t, backend) => {
  const smtp = await startSmtpServer();
  const mailer = createSmtpMailer(smtp.url, "AAE <alerts@example.test>");
  const receiver = startWebhookReceiver(0);
  const api = await openApi(backend, {
    domain: () =>
      backend.domainWith({
        notifications: { mailer, publicUrl: "https://ads.example.test", retryBaseMs: 10 },
      }),
  });
  const { client } = api;
  try {
    const me = await api.register("bell");
    const other = await api.register("other");
    const token = me.accessToken;

    const settings = await client.request("GET", "/notification-settings", { token });
    assert.equal(settings.status, 200);
    assert.equal(settings.body.data.email_configured, true);
    assert.deepEqual(settings.body.data.email.severities, ["warning", "critical"]);
    const put = await client.request("PUT", "/notification-settings", {
      token,
      body: {
        ...settings.body.data,
        webhook: { enabled: true, severities: ["critical"], types: ["test"] },
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.data.webhook.severities, ["critical"]);
    const invalid = await client.request("PUT", "/notification-settings", {
      token,
      body: { ...settings.body.data, email_digest: "often" },
    });
    assert.equal(invalid.status, 422);

    const created = await client.request("POST", "/webhooks", {
      token,
      body: { url: receiver.url, description: "ops" },
    });
    assert.equal(created.status, 201, created.text);
    receiver.secret = created.body.data.secret;
    const endpointId = created.body.data.endpoint.id;
    const listed = await client.request("GET", "/webhooks", { token });
    assert.equal(listed.body.data.length, 1);
    assert.ok(!listed.text.includes(receiver.secret), "the secret is shown once");
    assert.equal(
      (await client.request("GET", "/webhooks", { token: other.accessToken }))
        .body.data.length,
      0,
    );

    // The live stream answers the count at once, then each change.
    const stream = await client.handler(
      new Request("http://localhost/api/v1/notifications/stream", {
        headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      }),
    );
    assert.equal(stream.status, 200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let streamed = "";
    const readUntil = async (text: string) => {
      while (!streamed.includes(text)) streamed += (await reader.read()).value ?? "";
    };
    await readUntil('{"unread":0}');
    await readUntil('event: credits\ndata: {"balance":100}');
    const noAccept = await client.request("GET", "/notifications/stream", { token });
    assert.equal(noAccept.status, 400);

    for (const severity of ["warning", "critical"]) {
      const sent = await client.request("POST", "/notifications/test", {
        token,
        body: { severity, title: `Spend stopped (${severity})` },
      });
      assert.equal(sent.status, 201, sent.text);
    }
    await readUntil('"unread":2');
    await reader.cancel();

    await api.deps.domain.notifications.outbox.runOnce();
    // Emails, unlike one endpoint's webhooks, are not ordered among themselves.
    assert.deepEqual(
      smtp.messages.map((message) => message.subject).sort(),
      ["[AAE critical] Spend stopped (critical)", "[AAE warning] Spend stopped (warning)"],
    );
    assert.equal(smtp.messages[0].to, me.email);
    assert.match(smtp.messages[0].text, /https:\/\/ads\.example\.test\/notifications/);
    assert.equal(receiver.received.length, 1, "only the critical one goes to the webhook");
    assert.ok(receiver.received[0].signatureValid);

    const log = await client.request("GET", `/webhooks/${endpointId}/deliveries`, { token });
    assert.equal(log.status, 200, log.text);
    assert.equal(log.body.items[0].id, receiver.received[0].deliveryId);
    assert.deepEqual(
      log.body.items[0].attempts.map((a: { status_code: number }) => a.status_code),
      [
        200,
      ],
    );
    const foreignLog = await client.request("GET", `/webhooks/${endpointId}/deliveries`, {
      token: other.accessToken,
    });
    assert.equal(foreignLog.status, 404);

    const list = await client.request("GET", "/notifications", { token });
    assert.equal(list.body.total, 2);
    assert.equal(
      (await client.request("GET", "/notifications", { token: other.accessToken }))
        .body.total,
      0,
    );
    const read = await client.request("POST", "/notifications/read", {
      token,
      body: { ids: [list.body.items[0].id] },
    });
    assert.equal(read.body.data.unread, 1);
    const count = await client.request("GET", "/notifications/unread-count", { token });
    assert.equal(count.body.data.unread, 1);
    const all = await client.request("POST", "/notifications/read", { token, body: { all: true } });
    assert.equal(all.body.data.unread, 0);
    const unread = await client.request("GET", "/notifications?unread=true", { token });
    assert.equal(unread.body.total, 0);

    const off = await client.request("PATCH", `/webhooks/${endpointId}`, {
      token,
      body: { enabled: false },
    });
    assert.equal(off.body.data.enabled, false);
    const deleted = await client.request("DELETE", `/webhooks/${endpointId}`, { token });
    assert.equal(deleted.status, 200);
    assert.equal((await client.request("GET", "/webhooks", { token })).body.data.length, 0);
  } finally {
    mailer.close();
    await smtp.close();
    await receiver.close();
  }
});
