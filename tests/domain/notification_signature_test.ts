/**
 * Webhook signatures: what we send is what the README's receiver check (node:crypto's HMAC over
 * the raw body) computes, and a changed body or secret fails verification.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { signWebhookBody, verifyWebhookSignature } from "../../domain/notifications/signature.ts";

Deno.test("webhook signatures match a receiver's HMAC-SHA256 over the raw body", async () => {
  const body = JSON.stringify({ delivery_id: "d1", notification: { title: "CPA up — 80 %" } });
  const secret = "whsec_example";
  const signature = await signWebhookBody(secret, body);
  assert.equal(signature, "sha256=" + createHmac("sha256", secret).update(body).digest("hex"));
  assert.equal(await verifyWebhookSignature(secret, body, signature), true);
  assert.equal(await verifyWebhookSignature(secret, body + " ", signature), false);
  assert.equal(await verifyWebhookSignature("whsec_other", body, signature), false);
  assert.equal(await verifyWebhookSignature(secret, body, "sha256=zz"), false);
});
