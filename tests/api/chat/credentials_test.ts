/**
 * Chat sockets end with their credentials: `CredentialWatch` on its own (timers, re-checks,
 * nothing left running after `stop()`), a session that stops sending the moment its credentials
 * lapse, and over real sockets an access JWT closed at its `exp`, an API token closed after its
 * revocation, a cookie sign-in closed after sign-out — each with `CLOSE_CODES.credentialsExpired`
 * — while valid sockets stay open across re-checks and runs go on on the server.
 */
import assert from "node:assert/strict";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import { ACCESS_COOKIE } from "../../../auth/cookies.ts";
import { type CredentialEnd, CredentialWatch } from "../../../api/chat/credentials.ts";
import { CLOSE_CODES } from "../../../api/chat/protocol.ts";
import {
  ChatSession,
  type ChatSessionDependencies,
  DEFAULT_SESSION_LIMITS,
} from "../../../api/chat/session.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { memoryLogger, TEST_JWT_SECRET } from "../_helpers/harness.ts";
import {
  chatTest,
  type ChatTestServer,
  type ChatUser,
  eventually,
  RawSocket,
} from "./_helpers/chat_server.ts";
import { FakeRuns } from "./_helpers/fake_runs.ts";

type Message = Record<string, unknown> & {
  type: string;
  content: string;
  metadata: Record<string, unknown>;
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a failure after `ms`: a socket that is never closed fails, not hangs. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fake socket recording what the session sends and how it is closed. */
function fakeSocket(readyState = 1) {
  const sent: string[] = [];
  const closes: [number | undefined, string | undefined][] = [];
  const socket = {
    readyState,
    bufferedAmount: 0,
    send: (text: string) => void sent.push(text),
    close(code?: number, reason?: string) {
      closes.push([code, reason]);
      socket.readyState = 3;
    },
  };
  return { socket, sent, closes };
}

/** Session dependencies for tests that never follow a conversation. */
function idleDeps(): ChatSessionDependencies {
  const unused = () => Promise.reject(new Error("not used"));
  return {
    events: { after: unused, subscribe: unused, latestSeq: unused },
    runs: {
      submit: unused,
      confirm: unused,
      cancel: unused,
      get: unused,
      decideApproval: unused,
      deleteConversation: unused,
    },
    log: memoryLogger(),
  };
}

// Sanitizers on (the default): a timer left running after `stop()` fails these tests.

Deno.test("watch: an expiry ends once, as expired, and stop() leaves no timer", async () => {
  const ends: CredentialEnd[] = [];
  const watch = new CredentialWatch({ expiresAt: new Date(Date.now() + 60) }, {
    intervalMs: 10,
    onEnd: (end) => ends.push(end),
  });
  assert.equal(watch.ended, false);
  await delay(120);
  assert.deepEqual(ends, ["expired"]);
  assert.equal(watch.ended, true);
  watch.stop();

  const stopped = new CredentialWatch({
    expiresAt: new Date(Date.now() + 3_600_000),
    revalidate: () => Promise.resolve(true),
  }, { intervalMs: 5, onEnd: (end) => ends.push(end) });
  await delay(30);
  stopped.stop();
  await delay(30);
  assert.deepEqual(ends, ["expired"], "a stopped watch never ends");
});

Deno.test("watch: an end beyond setTimeout's reach does not fire at once", async () => {
  const ends: CredentialEnd[] = [];
  // 40 days: a plain setTimeout would overflow and fire immediately.
  const watch = new CredentialWatch({ expiresAt: new Date(Date.now() + 40 * 86_400_000) }, {
    intervalMs: 10,
    onEnd: (end) => ends.push(end),
  });
  await delay(30);
  assert.deepEqual(ends, []);
  watch.stop();
});

Deno.test("watch: checkExpiry ends credentials whose timer has not fired yet", () => {
  let now = 1_000;
  const ends: CredentialEnd[] = [];
  const watch = new CredentialWatch({ expiresAt: new Date(2_000) }, {
    intervalMs: 10,
    onEnd: (end) => ends.push(end),
    now: () => now,
  });
  assert.equal(watch.checkExpiry(), false);
  now = 2_000;
  assert.equal(watch.checkExpiry(), true);
  assert.equal(watch.checkExpiry(), true);
  assert.deepEqual(ends, ["expired"], "ended once");
});

Deno.test("watch: re-checks until refused; a failing re-check keeps the socket", async () => {
  const answers: (boolean | Error)[] = [true, new Error("database down"), true, false];
  const errors: unknown[] = [];
  const ends: CredentialEnd[] = [];
  let checks = 0;
  let running = 0;
  let overlapped = false;
  const watch = new CredentialWatch({
    async revalidate() {
      running++;
      overlapped ||= running > 1;
      checks++;
      await delay(8); // slower than the interval: checks must not overlap
      running--;
      const answer = answers.shift() ?? false;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  }, { intervalMs: 5, onEnd: (end) => ends.push(end), onError: (error) => errors.push(error) });
  await eventually(() => ends.length > 0, 2_000, "the refusal");
  await delay(30);
  assert.deepEqual(ends, ["revoked"]);
  assert.equal(checks, 4, "stopped checking after the refusal");
  assert.equal(errors.length, 1);
  assert.equal(overlapped, false);
  watch.stop();
});

Deno.test("session: dispose stops its credential timers", async () => {
  const { socket } = fakeSocket();
  let checks = 0;
  const session = new ChatSession(socket, { userId: "u", role: "user" }, idleDeps(), undefined, {
    validity: {
      expiresAt: new Date(Date.now() + 3_600_000),
      revalidate: () => Promise.resolve(++checks > 0),
    },
    revalidateIntervalMs: 5,
  });
  await eventually(() => checks >= 2, 2_000, "re-checks");
  await session.dispose();
  const after = checks;
  await delay(30);
  assert.equal(checks, after, "no re-check after dispose");
});

Deno.test("session: credentials lapsing before the socket opens close it on open", async () => {
  const { socket, closes } = fakeSocket(0);
  const session = new ChatSession(socket, { userId: "u", role: "user" }, idleDeps(), undefined, {
    validity: { expiresAt: new Date(Date.now() - 1) },
    revalidateIntervalMs: 60_000,
  });
  await delay(20);
  // Deno drops a close sent while connecting, so the session waits for the open.
  assert.deepEqual(closes, []);
  socket.readyState = 1;
  session.opened();
  assert.equal(closes.length, 1);
  assert.equal(closes[0][0], CLOSE_CODES.credentialsExpired);
  await session.dispose();
});

backendTest("session: nothing is sent once the credentials have lapsed", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  const conversation = await backend.domain.conversations.create(actor);
  const { socket, sent, closes } = fakeSocket();
  const append = (content: string) =>
    backend.domain.conversationEvents.append(actor, conversation.id, {
      type: "assistant",
      content,
      runId: null,
      metadata: { delta: true },
    });
  await append("before");
  const session = new ChatSession(
    socket,
    actor,
    {
      events: backend.domain.conversationEvents,
      runs: new FakeRuns(backend.domain),
      log: memoryLogger(),
    },
    DEFAULT_SESSION_LIMITS,
    {
      validity: { expiresAt: new Date(Date.now() + 400) },
      revalidateIntervalMs: 60_000,
    },
  );
  session.receive(
    JSON.stringify({ type: "resume", metadata: { conversation_id: conversation.id } }),
  );
  await eventually(() => session.following.length === 1);
  await append("live");
  const seqs = () =>
    sent.map((text) => JSON.parse(text)).filter((m) => m.metadata?.seq).map((m) => m.metadata.seq);
  await eventually(() => seqs().length === 2, 5_000, "the replayed and the live event");
  await eventually(() => closes.length === 1, 5_000, "the close");
  assert.equal(closes[0][0], CLOSE_CODES.credentialsExpired);
  assert.match(String(closes[0][1]), /expired/);
  assert.equal(session.following.length, 0, "feeds stopped");
  const count = sent.length;
  // The conversation goes on; the closed session sends none of it, nor answers anything.
  await append("after 1");
  await append("after 2");
  session.receive(JSON.stringify({ type: "ping", content: "", metadata: {} }));
  await delay(100);
  assert.equal(sent.length, count);
  assert.deepEqual(seqs(), [1, 2]);
  await session.dispose();
});

// Over real sockets.

/** An access token for `user`'s session that lives `ttlSeconds`, signed like the server's. */
async function shortLivedToken(
  server: ChatTestServer,
  user: ChatUser,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const [session] = await server.backend.domain.sessions.list(user.actor);
  const tokens = await AccessTokens.create(TEST_JWT_SECRET, ttlSeconds);
  return await tokens.issue({ userId: user.actor.userId, sessionId: session.id, role: "user" });
}

/** Whether a raw upgrade with these headers is refused with 401. */
async function upgradeStatus(server: ChatTestServer, headers: Record<string, string>) {
  const response = await server.chat.handle(
    new Request(server.wsUrl.replace(/^ws/, "http"), {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        ...headers,
      },
    }),
  );
  await response.body?.cancel();
  return response.status;
}

const isEvent = (message: Record<string, unknown>) =>
  typeof (message as Message).metadata?.seq === "number";

chatTest("an access-token socket is closed at the token's expiry", async (t, server) => {
  const user = await server.register();
  const { token, expiresAt } = await shortLivedToken(server, user, 2);
  const socket = await RawSocket.open(server.wsUrl, token);

  await t.step("the stream runs until exp, then closes with 4401", async () => {
    // A run longer than the token: ~40 deltas 100 ms apart.
    socket.send({ type: "user", content: "slow:100 deltas:40", metadata: { request_id: "q" } });
    const ack = await socket.next((m) => m.type === "ack") as Message;
    const runId = String(ack.metadata.run_id);
    const conversationId = String(ack.metadata.conversation_id);
    const closed = await within(socket.closed, 5_000, "the close at exp");
    const closedAt = Date.now();
    assert.equal(closed.code, CLOSE_CODES.credentialsExpired);
    assert.match(closed.reason, /expired/);
    assert.ok(closedAt >= expiresAt.getTime(), "not before exp");
    assert.ok(closedAt < expiresAt.getTime() + 1_500, `closed ${closedAt - +expiresAt} ms late`);
    await eventually(() => server.chat.connections === 0 && server.chat.followed === 0);

    const received = socket.received.filter(isEvent) as Message[];
    assert.ok(received.length > 3, "events streamed before the expiry");
    // The run is durable: it finishes on the server although its stream stopped.
    await server.fake!.finished(runId);
    const stored = await server.backend.domain.conversationEvents.after(
      user.actor,
      conversationId,
      0,
    );
    assert.equal(stored.at(-1)?.metadata.status, "completed");
    assert.ok(stored.length > received.length, "the run went on after the socket closed");
    // What arrived is a gapless prefix, and nothing came after the close.
    assert.deepEqual(received.map((m) => m.metadata.seq), received.map((_, i) => i + 1));
    assert.equal(socket.received.filter(isEvent).length, received.length);
  });

  await t.step("the expired token cannot open a new socket", async () => {
    assert.equal(
      await upgradeStatus(server, { "sec-websocket-protocol": `aae.v1, bearer.${token}` }),
      401,
    );
  });
});

chatTest(
  "an API-token socket stays open while valid and closes once revoked",
  async (t, server) => {
    const user = await server.register();
    const created = await server.api.request("POST", "/api-tokens", {
      token: user.accessToken,
      body: { name: "chat socket" },
    });
    assert.equal(created.status, 201, created.text);
    const { secret, token: { id } } = created.body.data;
    // Counts the re-checks through the real domain service (the one REST authenticates with).
    const apiTokens = server.backend.domain.apiTokens;
    const authenticate = apiTokens.authenticate.bind(apiTokens);
    let checks = 0;
    apiTokens.authenticate = (presented) => {
      if (presented === secret) checks++;
      return authenticate(presented);
    };
    const socket = await RawSocket.open(server.wsUrl, secret);

    await t.step("several re-checks pass and the socket keeps working", async () => {
      await eventually(() => checks >= 4, 5_000, "re-checks"); // the upgrade + 3 re-checks
      socket.send({ type: "ping", content: "", metadata: { request_id: "p" } });
      await socket.next((m) => m.type === "pong");
      assert.equal(server.chat.connections, 1);
    });

    await t.step("revoked: closed with 4401 within a re-check interval", async () => {
      const revoked = await server.api.request("DELETE", `/api-tokens/${id}`, {
        token: user.accessToken,
      });
      assert.equal(revoked.status, 200, revoked.text);
      const revokedAt = Date.now();
      const closed = await within(socket.closed, 5_000, "the close after revocation");
      assert.equal(closed.code, CLOSE_CODES.credentialsExpired);
      assert.match(closed.reason, /revoked/);
      assert.ok(Date.now() - revokedAt < 2_000);
      await eventually(() => server.chat.connections === 0);
      assert.equal(
        await upgradeStatus(server, { "sec-websocket-protocol": `aae.v1, bearer.${secret}` }),
        401,
      );
    });
  },
  { revalidateIntervalMs: 100 },
);

chatTest("a cookie socket follows its sign-in and closes on sign-out", async (t, server) => {
  const user = await server.register();
  const headers = { cookie: `${ACCESS_COOKIE}=${user.accessToken}`, origin: server.origin };
  const ws = new WebSocket(server.wsUrl, { headers } as unknown as string[]);
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("cookie socket refused"));
  });

  await t.step("open across re-checks of a live sign-in", async () => {
    await delay(400); // four re-check intervals
    const pong = new Promise<string>((resolve) => ws.onmessage = (event) => resolve(event.data));
    ws.send(JSON.stringify({ type: "ping", content: "", metadata: {} }));
    assert.equal(JSON.parse(await pong).type, "pong");
  });

  await t.step("signed out: closed with 4401, and the cookie no longer opens one", async () => {
    const out = await server.api.request("POST", "/auth/logout", {
      token: user.accessToken,
      body: { refresh_token: user.refreshToken },
    });
    assert.equal(out.status, 200, out.text);
    const event = await within(closed, 5_000, "the close after sign-out");
    assert.equal(event.code, CLOSE_CODES.credentialsExpired);
    assert.match(event.reason, /signed out/);
    // The access cookie itself has not expired yet; its sign-in has ended.
    assert.equal(await upgradeStatus(server, headers), 401);
  });
}, { revalidateIntervalMs: 100 });
