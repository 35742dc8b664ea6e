/**
 * The browser client (`api/chat/client.ts`) when the server closes its socket with
 * `CLOSE_CODES.credentialsExpired`: it renews its credentials, reconnects and resumes without
 * losing or doubling an event; when they cannot be renewed it stops in `"expired"` (no reconnect
 * loop) and says so; the default cookie refresh speaks the real `/auth/refresh` endpoint.
 */
import assert from "node:assert/strict";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../../../auth/cookies.ts";
import {
  ChatClient,
  type ChatClientStatus,
  ChatRequestError,
  refreshSessionCookies,
  SESSION_EXPIRED_MESSAGE,
} from "../../../api/chat/client.ts";
import { CLOSE_CODES, type EventMessage } from "../../../api/chat/protocol.ts";
import { TEST_JWT_SECRET } from "../_helpers/harness.ts";
import {
  chatTest,
  type ChatTestServer,
  type ChatUser,
  eventually,
} from "./_helpers/chat_server.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An access token for `user`'s current session living `ttlSeconds`, signed like the server's. */
async function shortLivedToken(server: ChatTestServer, user: ChatUser, ttlSeconds: number) {
  const [session] = await server.backend.domain.sessions.list(user.actor);
  const tokens = await AccessTokens.create(TEST_JWT_SECRET, ttlSeconds);
  const issued = await tokens.issue({
    userId: user.actor.userId,
    sessionId: session.id,
    role: "user",
  });
  return issued.token;
}

/** Exchanges the user's refresh token over REST, as an app holding a token pair does. */
async function refreshOverRest(server: ChatTestServer, user: ChatUser): Promise<string | null> {
  const response = await server.api.request("POST", "/auth/refresh", {
    body: { refresh_token: user.refreshToken },
  });
  if (response.status !== 200) return null;
  user.refreshToken = response.body.data.refresh_token;
  return response.body.data.access_token;
}

const completedRuns = (events: EventMessage[]) =>
  events.filter((event) => event.type === "run" && event.metadata.status === "completed").length;

chatTest("client: token expiry mid-run → refresh, reconnect, resume", async (_t, server) => {
  const user = await server.register();
  let token = await shortLivedToken(server, user, 2);
  let refreshes = 0;
  const client = server.client(user, {
    token: () => token,
    async refresh() {
      refreshes++;
      const fresh = await refreshOverRest(server, user);
      if (fresh) token = fresh;
      return fresh !== null;
    },
  });
  const received: EventMessage[] = [];
  client.onEvent((event) => received.push(event));
  await client.connect();
  // ~45 events 100 ms apart: the 2-second token expires mid-stream.
  const ack = await client.sendUser("slow:100 deltas:40");
  const conversationId = String(ack.metadata.conversation_id);
  await eventually(() => completedRuns(received) === 1, 20_000, "the run to complete");

  assert.equal(client.lastCloseCode, CLOSE_CODES.credentialsExpired);
  assert.equal(refreshes, 1);
  assert.equal(client.stats.connections, 2);
  assert.equal(client.status, "open");
  const stored = await server.backend.domain.conversationEvents.after(
    user.actor,
    conversationId,
    0,
  );
  // Nothing lost, nothing doubled across the credentials close.
  assert.deepEqual(received, JSON.parse(JSON.stringify(stored)));
  assert.equal(client.stats.duplicates, 0);
  assert.equal(client.stats.gaps, 0);
  // The renewed connection keeps working.
  await client.sendUser("deltas:1", { conversationId });
  await eventually(() => completedRuns(received) === 2, 10_000, "the second run");
});

chatTest("client: credentials that cannot be renewed → expired, no loop", async (_t, server) => {
  const user = await server.register();
  const token = await shortLivedToken(server, user, 1);
  let refreshes = 0;
  const statuses: ChatClientStatus[] = [];
  const client = server.client(user, {
    token,
    async refresh() {
      refreshes++;
      return (await refreshOverRest(server, user)) !== null;
    },
  });
  client.onStatus((status) => statuses.push(status));
  await client.connect();
  // Signed out elsewhere: the refresh token is dead too.
  const out = await server.api.request("POST", "/auth/logout", {
    token: user.accessToken,
    body: { refresh_token: user.refreshToken },
  });
  assert.equal(out.status, 200, out.text);

  await eventually(() => client.status === "expired", 5_000, "the expired state");
  assert.equal(client.lastCloseCode, CLOSE_CODES.credentialsExpired);
  await delay(500);
  assert.equal(client.status, "expired", "stays expired");
  assert.equal(refreshes, 1, "asked once, not in a loop");
  assert.equal(client.stats.connections, 1, "no reconnect attempt");
  assert.equal(statuses.at(-1), "expired");
  await assert.rejects(
    client.sendUser("hello?"),
    (error) =>
      error instanceof ChatRequestError && error.code === "session_expired" &&
      error.message === SESSION_EXPIRED_MESSAGE,
  );
  assert.equal(client.stats.connections, 1);
});

chatTest(
  "client: with a fixed token and no refresh, expiry ends in expired",
  async (_t, server) => {
    const user = await server.register();
    const client = server.client(user, { token: await shortLivedToken(server, user, 1) });
    const statuses: ChatClientStatus[] = [];
    client.onStatus((status) => statuses.push(status));
    await client.connect();
    await client.sendUser("slow:40 deltas:20");
    await eventually(() => client.status === "expired", 5_000, "the expired state");
    assert.deepEqual(statuses, ["connecting", "open", "closed", "connecting", "expired"]);
    assert.equal(SESSION_EXPIRED_MESSAGE, "Session expired — sign in again");
    await delay(300);
    assert.equal(client.stats.connections, 1);
  },
);

chatTest("client: the default cookie refresh against the real endpoint", async (t, server) => {
  const user = await server.register();
  /** A minimal cookie jar, as a browser keeps it for the page's origin. */
  const jar = new Map([[ACCESS_COOKIE, user.accessToken], [REFRESH_COOKIE, user.refreshToken]]);
  const calls: Request[] = [];
  const browserFetch: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    calls.push(req.clone());
    const headers = new Headers(req.headers);
    headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    headers.set("origin", server.origin); // what a same-origin browser fetch sends
    const response = await fetch(new Request(req, { headers }));
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = pair.split("=");
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return response;
  };

  await t.step("a live sign-in is renewed (new cookies)", async () => {
    const before = jar.get(REFRESH_COOKIE);
    assert.equal(await refreshSessionCookies(server.wsUrl, browserFetch), true);
    assert.equal(calls[0].method, "POST");
    assert.equal(new URL(calls[0].url).href, `${server.origin}/api/v1/auth/refresh`);
    assert.notEqual(jar.get(REFRESH_COOKIE), before);
  });

  await t.step("after sign-out it answers false (show the sign-in prompt)", async () => {
    const out = await server.api.request("POST", "/auth/logout", {
      token: user.accessToken,
      body: { refresh_token: jar.get(REFRESH_COOKIE) },
    });
    assert.equal(out.status, 200, out.text);
    assert.equal(await refreshSessionCookies(server.wsUrl, browserFetch), false);
  });

  await t.step("other failures throw, so the client retries later", async () => {
    const failing: typeof fetch = () => Promise.resolve(new Response("busy", { status: 503 }));
    await assert.rejects(refreshSessionCookies(server.wsUrl, failing), /503/);
  });
});

chatTest("client: a cookie socket signed out elsewhere → expired", async (_t, server) => {
  const user = await server.register();
  const cookie = `${ACCESS_COOKIE}=${user.accessToken}; ${REFRESH_COOKIE}=${user.refreshToken}`;
  // The browser attaches the cookies and the page's Origin to the upgrade by itself.
  class BrowserWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, { protocols, headers: { cookie, origin: server.origin } } as unknown as string[]);
    }
  }
  const refreshed: number[] = [];
  const client = new ChatClient({
    url: server.wsUrl,
    WebSocket: BrowserWebSocket,
    initialBackoffMs: 20,
    // The default cookie refresh, with the browser's cookies.
    fetch: async (input, init) => {
      const req = new Request(input, init);
      const headers = new Headers(req.headers);
      headers.set("cookie", cookie);
      headers.set("origin", server.origin);
      const response = await fetch(new Request(req, { headers }));
      refreshed.push(response.status);
      return response;
    },
  });
  try {
    await client.connect();
    const out = await server.api.request("POST", "/auth/logout", {
      token: user.accessToken,
      body: { refresh_token: user.refreshToken },
    });
    assert.equal(out.status, 200, out.text);
    await eventually(() => client.status === "expired", 5_000, "the expired state");
    assert.equal(client.lastCloseCode, CLOSE_CODES.credentialsExpired);
    assert.deepEqual(refreshed, [401]);
    assert.equal(client.stats.connections, 1);
  } finally {
    client.close();
  }
}, { revalidateIntervalMs: 100 });
