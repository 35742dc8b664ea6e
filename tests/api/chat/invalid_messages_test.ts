/**
 * A client that keeps sending frames the protocol cannot read is broken: after
 * `MAX_INVALID_MESSAGES_IN_A_ROW` of them in a row the socket closes with `CLOSE_CODES.policy`
 * (1008), as `protocol.ts` documents. Each is still answered with an `error` first, and any
 * well-formed message starts the count again.
 */
import assert from "node:assert/strict";
import { CLOSE_CODES, MAX_INVALID_MESSAGES_IN_A_ROW } from "../../../api/chat/protocol.ts";
import { chatTest, RawSocket } from "./_helpers/chat_server.ts";

/** Frames of every kind the protocol refuses before handling them. */
const INVALID_FRAMES: (string | Uint8Array)[] = [
  "not json",
  "[1, 2]",
  JSON.stringify({ type: "no_such_type", metadata: {} }),
  JSON.stringify({ type: "user", metadata: {} }),
  new Uint8Array([1, 2, 3]),
];

const invalidFrame = (i: number) => INVALID_FRAMES[i % INVALID_FRAMES.length];
const errorsOf = (socket: RawSocket) =>
  socket.received.filter((message) => message.type === "error").length;

chatTest("too many invalid messages in a row close the socket with 1008", async (t, server) => {
  const user = await server.register();

  await t.step("a well-formed message in between starts the count again", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    try {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < MAX_INVALID_MESSAGES_IN_A_ROW - 1; i++) socket.ws.send(invalidFrame(i));
        socket.send({ type: "ping", metadata: { request_id: `p${round}` } });
        const pong = await socket.next((message) => message.type === "pong");
        assert.deepEqual(pong.metadata, { request_id: `p${round}` });
      }
      assert.equal(errorsOf(socket), 3 * (MAX_INVALID_MESSAGES_IN_A_ROW - 1));
      assert.equal(socket.ws.readyState, WebSocket.OPEN);
    } finally {
      socket.close();
    }
  });

  await t.step("a thousand invalid frames: answered until the limit, then closed", async () => {
    const socket = await RawSocket.open(server.wsUrl, user.accessToken);
    for (let i = 0; i < 1_000 && socket.ws.readyState === WebSocket.OPEN; i++) {
      socket.ws.send(invalidFrame(i));
    }
    // A generous bound, so a socket that never closes fails the test instead of hanging it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      socket.closed,
      new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 15_000)),
    ]);
    clearTimeout(timer);
    if (closed === null) socket.close();
    assert.ok(closed, "the socket is still open after 1,000 invalid frames");
    assert.equal(closed.code, CLOSE_CODES.policy);
    assert.match(closed.reason, /invalid messages/);
    assert.equal(errorsOf(socket), MAX_INVALID_MESSAGES_IN_A_ROW, "each one answered first");
  });
});
