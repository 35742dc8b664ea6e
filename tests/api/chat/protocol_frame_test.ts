/**
 * `parseClientFrame` on its own: the `error` codes and details a bad frame is answered with
 * (zod's English issue messages, which `zod/mini` does not install by itself) and the defaults a
 * good frame gets.
 */
import assert from "node:assert/strict";
import { MAX_CLIENT_MESSAGE_BYTES, parseClientFrame } from "../../../api/chat/protocol.ts";

const uuid = "0b7a4d1e-8f2c-4c3a-9d5e-1f2a3b4c5d6e";
const frame = (value: unknown) => parseClientFrame(JSON.stringify(value));

Deno.test("parseClientFrame answers bad frames with a code and an English detail", () => {
  assert.deepEqual(parseClientFrame("{nope"), {
    ok: false,
    code: "invalid_json",
    detail: "Message is not valid JSON",
  });
  assert.deepEqual(frame([1]), {
    ok: false,
    code: "invalid_json",
    detail: "Message must be a JSON object",
  });
  assert.deepEqual(frame({ type: "shout", metadata: { request_id: "r" } }), {
    ok: false,
    code: "unknown_type",
    detail: "Unknown message type; expected one of user, confirm, cancel, resume, ping",
    requestId: "r",
  });
  assert.deepEqual(frame({ type: "user", content: "   ", metadata: { request_id: "q" } }), {
    ok: false,
    code: "invalid_message",
    detail: "Invalid message: content (Too small: expected string to have >=1 characters)",
    requestId: "q",
  });
  assert.deepEqual(frame({ type: "resume", metadata: { conversation_id: "x", last_seq: 1.5 } }), {
    ok: false,
    code: "invalid_message",
    detail: "Invalid message: metadata.conversation_id (Invalid UUID); " +
      "metadata.last_seq (Invalid input: expected int, received number)",
    requestId: undefined,
  });
  assert.deepEqual(frame({ type: "confirm", metadata: { run_id: uuid, decision: "maybe" } }), {
    ok: false,
    code: "invalid_message",
    detail: "Invalid message: metadata.confirmation_id (Invalid input: expected string, " +
      'received undefined); metadata.decision (Invalid option: expected one of "approve"|"reject")',
    requestId: undefined,
  });
  assert.deepEqual(frame({ type: "ping", content: "x".repeat(1001) }), {
    ok: false,
    code: "invalid_message",
    detail: "Invalid message: content (Too big: expected string to have <=1000 characters)",
    requestId: undefined,
  });
  assert.deepEqual(frame({ type: "user", content: "x".repeat(MAX_CLIENT_MESSAGE_BYTES) }), {
    ok: false,
    code: "too_large",
    detail: `Message exceeds ${MAX_CLIENT_MESSAGE_BYTES} bytes`,
  });
});

Deno.test("parseClientFrame applies defaults, trims user text and strips unknown keys", () => {
  assert.deepEqual(frame({ type: "ping" }), {
    ok: true,
    message: { type: "ping", content: "", metadata: {} },
  });
  assert.deepEqual(frame({ type: "user", content: "  hi  ", extra: 1, metadata: { x: 1 } }), {
    ok: true,
    message: { type: "user", content: "hi", metadata: {} },
  });
  assert.deepEqual(frame({ type: "resume", metadata: { conversation_id: uuid } }), {
    ok: true,
    message: { type: "resume", content: "", metadata: { conversation_id: uuid, last_seq: 0 } },
  });
});
