/**
 * `/ws/chat` with a real WebSocket client against `Deno.serve`: authentication of the upgrade,
 * a full turn (deltas, steps), the approval round trip, cancel (also from a resumed socket),
 * `run_active`, bad messages answered with `error` while the socket stays usable, resume, and
 * dead-socket cleanup by the heartbeat.
 */
import assert from "node:assert/strict";
import { ACCESS_COOKIE } from "../../../auth/cookies.ts";
import { MAX_CLIENT_MESSAGE_BYTES } from "../../../api/chat/protocol.ts";
import { chatTest, type ChatTestServer, eventually, RawSocket } from "./_helpers/chat_server.ts";

type Message = Record<string, unknown> & {
  type: string;
  content: string;
  metadata: Record<string, unknown>;
};

const isRunStatus = (status: string) => (message: Record<string, unknown>) =>
  message.type === "run" && (message as Message).metadata.status === status;
const isAck = (ack: string) => (message: Record<string, unknown>) =>
  message.type === "ack" && (message as Message).metadata.ack === ack;

/** Every event (messages with a seq) received so far, in arrival order. */
function eventsOf(socket: RawSocket): Message[] {
  return (socket.received as Message[]).filter((message) =>
    typeof message.metadata?.seq === "number"
  );
}

function upgradeRequest(server: ChatTestServer, headers: Record<string, string> = {}): Request {
  return new Request(`${server.origin}/ws/chat`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
      ...headers,
    },
  });
}

chatTest("chat protocol over a real WebSocket", async (t, server) => {
  const user = await server.register();

  await t.step("an unauthenticated upgrade is refused with 401 before upgrading", async () => {
    const anonymous = await server.chat.handle(upgradeRequest(server));
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await anonymous.json(), {
      detail: "Missing, invalid or expired credentials",
    });
    const forged = await server.chat.handle(upgradeRequest(server, {
      "sec-websocket-protocol": "aae.v1, bearer.not-a-token",
    }));
    assert.equal(forged.status, 401);
    await forged.body?.cancel();
    const badHeader = await server.chat.handle(upgradeRequest(server, {
      authorization: "Bearer nope",
    }));
    assert.equal(badHeader.status, 401);
    await badHeader.body?.cancel();
    // A real client sees the handshake fail.
    const ws = new WebSocket(server.wsUrl);
    const outcome = await new Promise<string>((resolve) => {
      ws.onopen = () => resolve("open");
      ws.onerror = () => resolve("error");
    });
    assert.equal(outcome, "error");
    assert.equal(server.chat.connections, 0);
  });

  await t.step("cookie auth needs our Origin (cross-site WebSocket hijacking)", async () => {
    const cookie = `${ACCESS_COOKIE}=${user.accessToken}`;
    const crossSite = await server.chat.handle(upgradeRequest(server, {
      cookie,
      origin: "https://evil.example",
    }));
    assert.equal(crossSite.status, 403);
    await crossSite.body?.cancel();
    const noOrigin = await server.chat.handle(upgradeRequest(server, { cookie }));
    assert.equal(noOrigin.status, 403);
    await noOrigin.body?.cancel();
    // Same origin: the Deno WebSocket client sets headers through `headers` (Deno extension).
    const ws = new WebSocket(server.wsUrl, {
      headers: { cookie, origin: server.origin },
    } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("cookie socket refused"));
    });
    const pong = new Promise<string>((resolve) => ws.onmessage = (event) => resolve(event.data));
    ws.send(JSON.stringify({ type: "ping", content: "", metadata: { request_id: "c" } }));
    assert.deepEqual(JSON.parse(await pong), {
      type: "pong",
      content: "",
      metadata: { request_id: "c" },
    });
    ws.close();
  });

  await t.step("other refusals: no upgrade → 426, bearer without aae.v1 → 400", async () => {
    const plain = await server.chat.handle(new Request(`${server.origin}/ws/chat`));
    assert.equal(plain.status, 426);
    await plain.body?.cancel();
    const noChatProtocol = await server.chat.handle(upgradeRequest(server, {
      "sec-websocket-protocol": `bearer.${user.accessToken}`,
    }));
    assert.equal(noChatProtocol.status, 400);
    await noChatProtocol.body?.cancel();
  });

  await t.step(
    "a full turn: ack, user echo, streamed deltas, steps, final, completed",
    async () => {
      const socket = await RawSocket.open(server.wsUrl, user.accessToken);
      assert.equal(socket.ws.protocol, "aae.v1");
      socket.send({ type: "user", content: "How did we do?", metadata: { request_id: "q1" } });
      const ack = await socket.next(isAck("user")) as Message;
      assert.equal(ack.metadata.request_id, "q1");
      assert.equal(ack.metadata.duplicate, false);
      for (const field of ["conversation_id", "run_id", "message_id"]) {
        assert.match(String(ack.metadata[field]), /^[0-9a-f-]{36}$/);
      }
      await socket.next(isRunStatus("completed"));
      const events = eventsOf(socket);
      assert.deepEqual(
        events.map((event) =>
          `${event.type}:${event.metadata.status ?? event.metadata.delta ?? ""}`
        ),
        [
          "user:",
          "run:queued",
          "run:running",
          "assistant:true",
          "assistant:true",
          "assistant:true",
          "assistant:true",
          "step:started",
          "step:succeeded",
          "assistant:false",
          "run:completed",
        ],
      );
      assert.deepEqual(events.map((event) => event.metadata.seq), events.map((_, i) => i + 1));
      for (const event of events) {
        assert.equal(event.metadata.conversation_id, ack.metadata.conversation_id);
        assert.equal(event.metadata.run_id, ack.metadata.run_id);
      }
      const stored = await server.backend.domain.conversationEvents.after(
        user.actor,
        String(ack.metadata.conversation_id),
        0,
      );
      assert.deepEqual(events, JSON.parse(JSON.stringify(stored)));
      socket.close();
    },
  );

  await t.step("approval round trip: confirmation → confirm → the run goes on", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    socket.send({ type: "user", content: "create it, confirm first", metadata: {} });
    const ack = await socket.next(isAck("user")) as Message;
    const confirmation = await socket.next((m) => m.type === "confirmation") as Message;
    await socket.next(isRunStatus("waiting_confirmation"));
    const runId = String(ack.metadata.run_id);
    assert.equal(confirmation.metadata.component, "confirmation");
    socket.send({
      type: "confirm",
      metadata: { run_id: runId, confirmation_id: "wrong", decision: "approve", request_id: "w" },
    });
    const wrong = await socket.next((m) => m.type === "error") as Message;
    assert.deepEqual(wrong.metadata, { code: "conflict", request_id: "w" });
    socket.send({
      type: "confirm",
      metadata: {
        run_id: runId,
        confirmation_id: confirmation.metadata.confirmation_id,
        decision: "approve",
      },
    });
    const confirmed = await socket.next(isAck("confirm")) as Message;
    assert.equal(confirmed.metadata.run_id, runId);
    await socket.next(isRunStatus("completed"));
    const step = eventsOf(socket).find((event) => event.content === "create_campaign");
    assert.equal(step?.metadata.status, "succeeded");
    socket.close();
  });

  await t.step("cancel stops the run at the next step boundary; run_active meanwhile", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    socket.send({ type: "user", content: "long answer slow:20 deltas:200", metadata: {} });
    const ack = await socket.next(isAck("user")) as Message;
    const conversationId = String(ack.metadata.conversation_id);
    await socket.next((m) => m.type === "assistant");
    socket.send({
      type: "user",
      content: "another question",
      metadata: { conversation_id: conversationId, request_id: "busy" },
    });
    const refused = await socket.next((m) => m.type === "error") as Message;
    assert.deepEqual(refused.metadata, { code: "run_active", request_id: "busy" });
    socket.send({ type: "cancel", metadata: { run_id: ack.metadata.run_id } });
    const cancelAck = await socket.next(isAck("cancel")) as Message;
    assert.equal(cancelAck.metadata.run_id, ack.metadata.run_id);
    await socket.next(isRunStatus("cancelled"));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const events = eventsOf(socket);
    assert.equal(events.at(-1)?.metadata.status, "cancelled", "nothing after cancelled");
    assert.ok(events.filter((event) => event.type === "assistant").length < 200);
    socket.close();
  });

  await t.step("cancel from a socket that resumed the conversation", async () => {
    const first = await RawSocket.open(server.wsUrl, user.accessToken);
    first.send({ type: "user", content: "slow:20 deltas:200", metadata: {} });
    const ack = await first.next(isAck("user")) as Message;
    await first.next((m) => m.type === "assistant");
    first.close();
    const second = await RawSocket.open(server.wsUrl, user.accessToken);
    second.send({
      type: "resume",
      metadata: { conversation_id: ack.metadata.conversation_id, last_seq: 0 },
    });
    await second.next(isAck("resume"));
    await second.next((m) => m.type === "assistant");
    second.send({ type: "cancel", metadata: { run_id: ack.metadata.run_id } });
    await second.next(isAck("cancel"));
    await second.next(isRunStatus("cancelled"));
    const events = eventsOf(second);
    assert.deepEqual(events.map((event) => event.metadata.seq), events.map((_, i) => i + 1));
    second.close();
  });

  await t.step("bad messages get an error with a code and the socket stays usable", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    const cases: [unknown, string][] = [
      ["{not json", "invalid_json"],
      ["[1, 2]", "invalid_json"],
      [{ type: "shout", content: "hi", metadata: { request_id: "u" } }, "unknown_type"],
      [{ type: "user", content: "", metadata: {} }, "invalid_message"],
      [{ type: "user", content: "a\u0000b", metadata: {} }, "invalid_message"],
      [{ type: "user", content: "stop\u001b[2J", metadata: {} }, "invalid_message"],
      [{ type: "resume", metadata: { conversation_id: "not-a-uuid" } }, "invalid_message"],
      [{ type: "confirm", metadata: { run_id: crypto.randomUUID() } }, "invalid_message"],
      [
        { type: "user", content: "x".repeat(MAX_CLIENT_MESSAGE_BYTES + 1), metadata: {} },
        "too_large",
      ],
      [
        { type: "resume", metadata: { conversation_id: crypto.randomUUID(), last_seq: 0 } },
        "not_found",
      ],
      [{ type: "cancel", metadata: { run_id: crypto.randomUUID() } }, "not_found"],
    ];
    for (const [message, code] of cases) {
      socket.send(message);
      const error = await socket.next((m) => m.type === "error") as Message;
      assert.equal(error.metadata.code, code, JSON.stringify(message).slice(0, 80));
      assert.equal(typeof error.content, "string");
      assert.ok(error.content.length > 0);
      assert.equal(error.metadata.seq, undefined, "protocol errors are not persisted");
    }
    socket.ws.send(new Uint8Array([1, 2, 3]));
    assert.equal(
      (await socket.next((m) => m.type === "error") as Message).metadata.code,
      "unsupported",
    );
    socket.send({ type: "ping", metadata: { request_id: "still-alive" } });
    const pong = await socket.next((m) => m.type === "pong") as Message;
    assert.equal(pong.metadata.request_id, "still-alive");
    assert.equal(socket.ws.readyState, WebSocket.OPEN);
    socket.close();
  });

  await t.step("a retried user message with the same client_message_id runs once", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    const message = { type: "user", content: "once", metadata: { client_message_id: "m-1" } };
    socket.send(message);
    const first = await socket.next(isAck("user")) as Message;
    await socket.next(isRunStatus("completed"));
    socket.send(message);
    const second = await socket.next(isAck("user")) as Message;
    assert.equal(second.metadata.duplicate, true);
    assert.equal(second.metadata.run_id, first.metadata.run_id);
    socket.close();
  });

  await t.step("resume replays after last_seq, then goes live", async () => {
    const writer = await RawSocket.open(server.wsUrl, user.accessToken);
    writer.send({ type: "user", content: "replay me", metadata: {} });
    const ack = await writer.next(isAck("user")) as Message;
    await writer.next(isRunStatus("completed"));
    const all = eventsOf(writer);
    const reader = await RawSocket.open(server.wsUrl, user.accessToken);
    reader.send({
      type: "resume",
      metadata: { conversation_id: ack.metadata.conversation_id, last_seq: 3, request_id: "r" },
    });
    const resumed = await reader.next(isAck("resume")) as Message;
    assert.equal(resumed.metadata.last_seq, all.length);
    await eventually(() => eventsOf(reader).length === all.length - 3, 5_000, "replay");
    assert.deepEqual(eventsOf(reader), all.slice(3));
    // Live: a new turn in the same conversation reaches the resumed reader too.
    writer.send({
      type: "user",
      content: "and again",
      metadata: { conversation_id: ack.metadata.conversation_id },
    });
    await reader.next(isRunStatus("completed"));
    await eventually(() => eventsOf(writer).length === eventsOf(reader).length + 3);
    assert.deepEqual(eventsOf(reader), eventsOf(writer).slice(3));
    writer.close();
    reader.close();
  });

  await t.step("another user's conversation is not found", async () => {
    const stranger = await server.register("stranger");
    const owner = await RawSocket.open(server.wsUrl, user.accessToken);
    owner.send({ type: "user", content: "mine", metadata: {} });
    const ack = await owner.next(isAck("user")) as Message;
    const socket = await RawSocket.open(server.wsUrl, stranger.accessToken);
    socket.send({ type: "resume", metadata: { conversation_id: ack.metadata.conversation_id } });
    assert.equal(
      (await socket.next((m) => m.type === "error") as Message).metadata.code,
      "not_found",
    );
    socket.send({ type: "cancel", metadata: { run_id: ack.metadata.run_id } });
    assert.equal(
      (await socket.next((m) => m.type === "error") as Message).metadata.code,
      "not_found",
    );
    await eventually(() => eventsOf(socket).length === 0 && owner.received.length > 0);
    owner.close();
    socket.close();
  });
});

chatTest("the heartbeat closes dead sockets and drops their subscriptions", async (_t, server) => {
  const user = await server.register();
  const conversation = await server.backend.domain.conversations.create(user.actor);
  // A client that completes the handshake, follows a conversation, then never answers a ping.
  const port = Number(new URL(server.origin).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const handshake = [
    "GET /ws/chat HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    `Authorization: Bearer ${user.accessToken}`,
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(handshake));
  const buffer = new Uint8Array(4096);
  const read = await conn.read(buffer);
  assert.match(new TextDecoder().decode(buffer.subarray(0, read ?? 0)), /^HTTP\/1.1 101/);
  // One masked text frame: resume the conversation.
  const payload = new TextEncoder().encode(JSON.stringify({
    type: "resume",
    metadata: { conversation_id: conversation.id },
  }));
  const mask = new Uint8Array([1, 2, 3, 4]);
  const frame = new Uint8Array([
    0x81,
    0x80 | payload.length,
    ...mask,
    ...payload.map((b, i) => b ^ mask[i % 4]),
  ]);
  assert.ok(payload.length < 126);
  await conn.write(frame);
  await eventually(() => server.chat.followed === 1, 5_000, "the socket to follow");
  assert.equal(server.chat.connections, 1);
  // No pong within the idle timeout (1 s here): closed, unsubscribed.
  await eventually(() => server.chat.connections === 0, 5_000, "the dead socket to close");
  assert.equal(server.chat.followed, 0);
  conn.close();
}, { idleTimeoutSeconds: 1 });
