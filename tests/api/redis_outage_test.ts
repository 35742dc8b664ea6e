/**
 * Redis going away under a running app (MariaDB + Redis): the test starts its own `redis-server`
 * on a free port, points the real app process at it, stops it mid-traffic and starts it again.
 * While it is down, reads and sign-ins still answer (rate limits fall back to local counters)
 * and what needs coordination — starting a run — answers 503 `{detail}` with `Retry-After`
 * instead of hanging; once Redis is back the app recovers by itself.
 *
 * Runs when DATABASE_URL and REDIS_URL are set (the Redis of REDIS_URL is never touched) and
 * `redis-server` is installed; skipped with a notice otherwise.
 */
import assert from "node:assert/strict";
import {
  type AppProcess,
  callApi as call,
  sharedData,
  startApp,
} from "../agent/_helpers/app_process.ts";
import { freePort } from "../_helpers/app_process.ts";

const enabled = Boolean(Deno.env.get("DATABASE_URL") && Deno.env.get("REDIS_URL"));
if (!enabled) console.log("redis_outage_test: skipped (needs DATABASE_URL and REDIS_URL)");

Deno.test({
  name: "[mysql+redis] Redis stopped and restarted under a running app",
  ignore: !enabled,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const port = freePort();
    let redis = await startRedis(port);
    const shared = await sharedData();
    let app: AppProcess | undefined;
    try {
      app = await startApp({ ...shared.env, REDIS_URL: `redis://127.0.0.1:${port}` });
      const base = app.url;
      const email = `outage-${crypto.randomUUID().slice(0, 8)}@example.test`;
      const password = "correct horse battery staple";
      const registered = await call(base, "POST", "/auth/register", undefined, { email, password });
      assert.equal(registered.status, 201);
      const token = registered.body.data.access_token as string;
      const conversation = await call(base, "POST", "/conversations", token, { title: "Outage" });
      assert.equal(conversation.status, 201);
      const messages = `/conversations/${conversation.body.data.id}/messages`;
      // A tab left open through the outage: it must hear that live updates stopped and resumed.
      const watcher = await openWatcher(base, token);

      await stopRedis(redis);

      await t.step("an open chat socket is told live updates stopped", async () => {
        const paused = await watcher.next((frame) => frame.type === "status");
        assert.equal(paused.metadata.live, false, JSON.stringify(paused));
        assert.match(paused.content, /paused/);
      });

      await t.step("reads and sign-ins keep working", async () => {
        const list = await call(base, "GET", "/campaigns", token);
        assert.equal(list.status, 200, JSON.stringify(list.body));
        const login = await call(base, "POST", "/auth/login", undefined, { email, password });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        assert.match(app!.output(), /local rate limit/);
      });

      await t.step("starting a run answers 503 with Retry-After", async () => {
        const posted = await call(base, "POST", messages, token, { content: "hello" });
        assert.equal(posted.status, 503, JSON.stringify(posted.body));
        assert.equal(typeof posted.body.detail, "string");
        assert.ok(Number(posted.headers.get("retry-after")) > 0);
        assert.equal(await ready(base), false);
      });

      await t.step("the chat socket answers a message with error `unavailable`", async () => {
        const frames = await chat(base, token, conversation.body.data.id, () => true);
        const error = frames.find((frame) => frame.type === "error");
        assert.equal(error?.metadata.code, "unavailable", JSON.stringify(frames));
      });

      redis = await startRedis(port);

      await t.step("the app recovers by itself once Redis is back", async () => {
        // ioredis reconnects with backoff; wait for readiness rather than for a fixed time.
        while (!await ready(base)) await new Promise((resolve) => setTimeout(resolve, 100));
        const posted = await call(base, "POST", messages, token, { content: "hello again" });
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
      });

      await t.step("the open chat socket is told live updates are back", async () => {
        const back = await watcher.next((frame) => frame.type === "status");
        assert.equal(back.metadata.live, true, JSON.stringify(back));
        watcher.close();
      });

      await t.step("the chat socket fans a run's events out again", async () => {
        const frames = await chat(
          base,
          token,
          undefined,
          (frame) =>
            frame.type === "error" || (frame.type === "run" && frame.content === "completed"),
        );
        assert.ok(frames.some((frame) => frame.type === "ack"), JSON.stringify(frames));
        assert.equal(frames.at(-1)?.content, "completed", JSON.stringify(frames));
      });
    } finally {
      await app?.kill("SIGKILL");
      await stopRedis(redis);
      await shared.dispose();
    }
  },
});

/**
 * A chat socket that only listens; `next` waits for the next frame matching `match` (failing
 * after a generous bound, so a frame that never comes fails the test instead of hanging it).
 */
async function openWatcher(base: string, token: string) {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws/chat`, ["aae.v1", `bearer.${token}`]);
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  ws.onmessage = (event) => {
    frames.push(JSON.parse(event.data));
    wake?.();
  };
  await new Promise((resolve) => ws.onopen = resolve);
  return {
    async next(match: (frame: Frame) => boolean): Promise<Frame> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const index = frames.findIndex(match);
        if (index >= 0) return frames.splice(index, 1)[0];
        if (Date.now() > deadline) throw new Error(`no such frame in ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 500);
        });
      }
    },
    close: () => ws.close(),
  };
}

interface Frame {
  type: string;
  content: string;
  metadata: Record<string, unknown>;
}

/**
 * Sends a `user` message over `/ws/chat` (to `conversationId`, or a new conversation) and
 * collects the frames until the `error` answering it or until `last(frame)` holds after its ack.
 */
async function chat(
  base: string,
  token: string,
  conversationId: string | undefined,
  last: (frame: Frame) => boolean,
): Promise<Frame[]> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws/chat`, ["aae.v1", `bearer.${token}`]);
  const frames: Frame[] = [];
  try {
    const done = new Promise<void>((resolve) => {
      ws.onmessage = (event) => {
        const frame: Frame = JSON.parse(event.data);
        frames.push(frame);
        if (frame.type === "error" || (frames.some((f) => f.type === "ack") && last(frame))) {
          resolve();
        }
      };
    });
    await new Promise((resolve) => ws.onopen = resolve);
    ws.send(JSON.stringify({
      type: "user",
      content: "How are my campaigns doing?",
      metadata: {
        request_id: "outage",
        ...(conversationId ? { conversation_id: conversationId } : {}),
      },
    }));
    await done;
    return frames;
  } finally {
    ws.close();
  }
}

async function ready(base: string): Promise<boolean> {
  const response = await fetch(`${base}/readyz`);
  await response.body?.cancel();
  return response.ok;
}

interface RedisServer {
  process: Deno.ChildProcess;
}

/** Starts `redis-server` on `port` (no persistence) and waits until it accepts connections. */
async function startRedis(port: number): Promise<RedisServer> {
  const process = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      return { process };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function stopRedis(redis: RedisServer): Promise<void> {
  try {
    redis.process.kill("SIGKILL");
  } catch {
    // Already stopped.
  }
  await redis.process.status;
}
