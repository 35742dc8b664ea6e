/**
 * Webhook signatures: HMAC-SHA256 over the exact request body with the endpoint's secret, sent
 * as `X-AAE-Signature: sha256=<hex>`. Receivers recompute it over the raw body they received.
 *
 * @module
 */

/** The header carrying the signature. */
export const SIGNATURE_HEADER = "X-AAE-Signature";
/** The header carrying the delivery id (the same on every retry; receivers dedupe on it). */
export const DELIVERY_HEADER = "X-AAE-Delivery";
/** The header carrying the send time (Unix seconds) of this attempt. */
export const TIMESTAMP_HEADER = "X-AAE-Timestamp";

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/** `sha256=<hex>` of `body` under `secret`. */
export async function signWebhookBody(secret: string, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body));
  return "sha256=" + Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Whether `signature` (the header value) signs `body` under `secret`, in constant time. */
export async function verifyWebhookSignature(
  secret: string,
  body: string,
  signature: string,
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  const mac = new Uint8Array(match[1].match(/../g)!.map((pair) => parseInt(pair, 16)));
  return await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, encoder.encode(body));
}
