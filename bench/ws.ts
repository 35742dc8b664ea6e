/**
 * Chat WebSocket benchmark: the server (`bench/ws_server.ts`, the real app) runs in its own
 * process; this process holds 1,000 idle authenticated sockets on `/ws/chat` plus 100 active
 * ones, each following its own conversation, while the server appends events to those 100
 * conversations through the real event log (persist, then publish, then the socket's feed).
 *
 * Prints the server's RSS (after a GC) before and after the idle sockets, the memory per idle
 * socket, and the delivery latency to arrival at the client, p50/p99, measured two ways:
 * from the moment the event was committed (its `append` resolved in the server; the event may
 * even arrive first, since publishing is part of `append`) — persistence to client, the figure
 * the goal is about — and from its `created_at` (stamped before the transaction, so it also
 * counts waiting for a database connection and the row lock). Goals: p99 < 50 ms,
 * < 50 KB per idle socket. Both processes share this machine's clock.
 *
 * Usage: `deno task bench ws [idle=1000] [active=100] [seconds=5]`. Embedded SQLite and
 * in-process pub/sub by default; set `BENCH_DATABASE_URL` (a server URL, e.g.
 * `mysql://root@127.0.0.1:3306`; a scratch database is created and dropped) and/or
 * `BENCH_REDIS_URL` to run the server on MySQL/MariaDB and Redis.
 *
 * @module
 */
import { createPool } from "mysql2";
import { CHAT_PATH, CHAT_SUBPROTOCOL } from "../api/chat/protocol.ts";
import type { AppendedEvent, AppendRequest } from "./ws_server.ts";

const GOALS = { p99Ms: 50, bytesPerIdleSocket: 50 * 1024 };
/** Events per second per active conversation (streamed deltas of a fast model). */
const EVENTS_PER_SECOND = 10;

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-bench-ws-" });
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    JWT_SECRET_KEY: "bench-ws-secret-0123456789abcdef-0123456789",
  };
  const databaseUrl = Deno.env.get("BENCH_DATABASE_URL");
  const redisUrl = Deno.env.get("BENCH_REDIS_URL");
  const scratch = `aae_bench_ws_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const admin = databaseUrl ? createPool({ uri: databaseUrl, connectionLimit: 1 }).promise() : null;
  if (databaseUrl && admin) {
    await admin.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4`);
    const url = new URL(databaseUrl);
    url.pathname = `/${scratch}`;
    env.DATABASE_URL = url.toString();
  }
  if (redisUrl) env.REDIS_URL = redisUrl;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL("./ws_server.ts", import.meta.url).pathname,
    ],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!/BENCH_SERVER_READY (\d+)/.test(output)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`bench server exited:\n${output}`);
    output += value;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  const port = Number(/BENCH_SERVER_READY (\d+)/.exec(output)![1]);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dataDir, { recursive: true });
      if (admin) {
        await admin.query(`DROP DATABASE \`${scratch}\``);
        await admin.end();
      }
    },
  };
}

async function json(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${JSON.stringify(body)}`);
  return body;
}

async function serverRss(server: Server): Promise<number> {
  return Number((await json(`${server.url}/__bench/memory`)).rss);
}

function openSocket(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(url, [CHAT_SUBPROTOCOL, `bearer.${token}`]);
  return new Promise((resolve, reject) => {
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("socket failed to open"));
  });
}

async function openMany(count: number, url: string, token: string): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  // In batches, so the server's accept queue is never the bottleneck being measured.
  for (let i = 0; i < count; i += 100) {
    const batch = Math.min(100, count - i);
    sockets.push(...await Promise.all(Array.from({ length: batch }, () => openSocket(url, token))));
  }
  return sockets;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Runs the benchmark. */
export async function main(args: string[]): Promise<void> {
  const idle = Number(args[0] ?? 1000);
  const active = Number(args[1] ?? 100);
  const seconds = Number(args[2] ?? 5);
  const server = await startServer();
  const sockets: WebSocket[] = [];
  try {
    const registered = await json(`${server.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench-ws-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "benchmark password",
      }),
    });
    const data = registered.data as { access_token: string; user: { id: string } };
    const token = data.access_token;
    const wsUrl = `${server.url.replace("http", "ws")}${CHAT_PATH}`;
    const conversationIds: string[] = [];
    for (let i = 0; i < active; i++) {
      const created = await json(`${server.url}/api/v1/conversations`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: `Bench ${i}` }),
      });
      conversationIds.push((created.data as { id: string }).id);
    }

    // Warm up every code path once, so the baseline includes them.
    const warm = await openSocket(wsUrl, token);
    warm.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const baseline = await serverRss(server);
    sockets.push(...await openMany(idle, wsUrl, token));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const withIdle = await serverRss(server);
    const perIdle = (withIdle - baseline) / idle;

    // Active sockets: each follows one conversation and timestamps every arrival.
    const latencies: number[] = [];
    /** Arrival time by `conversation index:seq`. */
    const arrivals = new Map<string, number>();
    let received = 0;
    const activeSockets = await openMany(active, wsUrl, token);
    sockets.push(...activeSockets);
    await Promise.all(activeSockets.map((socket, index) =>
      new Promise<void>((resolve) => {
        socket.onmessage = (message) => {
          const parsed = JSON.parse(message.data as string);
          if (parsed.type === "ack") return resolve();
          if (typeof parsed.metadata?.seq !== "number") return;
          const now = Date.now();
          latencies.push(now - Date.parse(parsed.created_at));
          arrivals.set(`${index}:${parsed.metadata.seq}`, now);
          received++;
        };
        socket.send(JSON.stringify({
          type: "resume",
          content: "",
          metadata: { conversation_id: conversationIds[index], last_seq: 0 },
        }));
      })
    ));
    const eventsPerConversation = seconds * EVENTS_PER_SECOND;
    const request: AppendRequest = {
      userId: data.user.id,
      conversationIds,
      eventsPerConversation,
      intervalMs: 1000 / EVENTS_PER_SECOND,
    };
    const started = Date.now();
    const done = (await json(`${server.url}/__bench/append`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    })).appended as AppendedEvent[];
    const appended = done.length;
    const deadline = Date.now() + 5_000;
    while (received < appended && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = (Date.now() - started) / 1000;
    const withActive = await serverRss(server);
    latencies.sort((a, b) => a - b);
    const fromCommit = done.flatMap(([index, seq, at]) => {
      const arrived = arrivals.get(`${index}:${seq}`);
      return arrived === undefined ? [] : [Math.max(0, arrived - at)];
    }).sort((a, b) => a - b);
    const p50 = percentile(fromCommit, 50);
    const p99 = percentile(fromCommit, 99);

    const backend = `${Deno.env.get("BENCH_DATABASE_URL") ? "mysql" : "sqlite"}+${
      Deno.env.get("BENCH_REDIS_URL") ? "redis" : "memory"
    }`;
    const line = (label: string, value: string) => console.log(`  ${label.padEnd(40)} ${value}`);
    console.log(`chat WebSocket benchmark (${backend}; server in its own process)`);
    line("server RSS, baseline (after GC)", mb(baseline));
    line(`server RSS, + ${idle} idle sockets`, mb(withIdle));
    line(`server RSS, + ${active} active sockets`, mb(withActive));
    line("memory per idle socket", kb(perIdle));
    line(
      "events",
      `${appended} appended, ${received} delivered in ${elapsed.toFixed(1)} s ` +
        `(${(appended / elapsed).toFixed(0)}/s over ${active} conversations)`,
    );
    line("delivery latency, commit → client", `p50 ${p50} ms, p99 ${p99} ms`);
    line(
      "latency, created_at → client",
      `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
    );
    console.log(
      `  goals: p99 < ${GOALS.p99Ms} ms ${p99 < GOALS.p99Ms ? "MET" : "MISSED"}; ` +
        `< ${kb(GOALS.bytesPerIdleSocket)} per idle socket ` +
        `${perIdle < GOALS.bytesPerIdleSocket ? "MET" : "MISSED"}; ` +
        `every event delivered: ${received === appended ? "yes" : "NO"}`,
    );
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

if (import.meta.main) await main(Deno.args);
