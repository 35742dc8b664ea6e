/**
 * A real chat server for protocol tests: the REST API and `/ws/chat` served by `Deno.serve` on a
 * free port, over a test backend (SQLite + in-process by default, MariaDB + Redis when the
 * environment says so), with a fake `AgentRuns` that appends through the real event log.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createApi } from "../../../../api/app.ts";
import { AccessTokens } from "../../../../auth/access_tokens.ts";
import { ChatClient, type ChatClientOptions } from "../../../../api/chat/client.ts";
import { CHAT_PATH, CHAT_SUBPROTOCOL } from "../../../../api/chat/protocol.ts";
import {
  type ChatServer,
  type ChatServerOptions,
  createChatServer,
} from "../../../../api/chat/server.ts";
import type { ApiDependencies } from "../../../../api/context.ts";
import type { AgentRuns } from "../../../../agent/runs/types.ts";
import type { Actor } from "../../../../domain/actor.ts";
import { backendName, openTestBackend, type TestBackend } from "../../../_helpers/backend.ts";
import {
  ApiClient,
  compileDocument,
  memoryLogger,
  TEST_JWT_SECRET,
  testConfig,
} from "../../_helpers/harness.ts";
import { FakeRuns } from "./fake_runs.ts";

/** A registered user. */
export interface ChatUser {
  actor: Actor;
  accessToken: string;
  refreshToken: string;
}

/** Options of a chat test server. */
export interface ChatTestOptions extends ChatServerOptions {
  /** The runs service (default: `FakeRuns`); e.g. the real runtime with a scripted model. */
  runs?: (backend: TestBackend) => Promise<AgentRuns & { drain?(): Promise<void> }>;
}

/** Everything a chat test gets. */
export interface ChatTestServer {
  backend: TestBackend;
  /** The runs behind the server (a `FakeRuns` unless the test chose otherwise). */
  runs: AgentRuns;
  /** The fake, when in use. */
  fake: FakeRuns | undefined;
  chat: ChatServer;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** `ws://127.0.0.1:PORT/ws/chat`. */
  wsUrl: string;
  /** Validates every REST response against the OpenAPI document. */
  api: ApiClient;
  register(name?: string): Promise<ChatUser>;
  /** A `ChatClient` with the user's token; closed with the server. */
  client(user: ChatUser, options?: Partial<ChatClientOptions>): ChatClient;
  close(): Promise<void>;
}

let counter = 0;

/** Starts the server. */
export async function openChatServer(options: ChatTestOptions = {}): Promise<ChatTestServer> {
  const backend = await openTestBackend();
  const fake = options.runs ? undefined : new FakeRuns(backend.domain);
  const runs = fake ?? await options.runs!(backend);
  const deps: ApiDependencies = {
    domain: backend.domain,
    coordination: backend.coordination,
    accessTokens: await AccessTokens.create(TEST_JWT_SECRET),
    config: testConfig(),
    log: memoryLogger(),
    runs,
  };
  const api = createApi(deps);
  const chat = createChatServer({ ...deps, agentRuns: runs }, options);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req, info) => {
    const { pathname } = new URL(req.url);
    if (pathname === CHAT_PATH) return chat.handle(req);
    return api.fetch(req, { remoteAddr: info.remoteAddr });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const doc = await (await api.fetch(new Request(`${origin}/api/v1/openapi.json`))).json();
  const apiClient = new ApiClient((req) => fetch(req), compileDocument(doc), origin);
  const clients: ChatClient[] = [];
  const wsUrl = `ws://127.0.0.1:${server.addr.port}${CHAT_PATH}`;
  return {
    backend,
    runs,
    fake,
    chat,
    origin,
    wsUrl,
    api: apiClient,
    async register(name = "chat") {
      counter++;
      const response = await apiClient.request("POST", "/auth/register", {
        body: {
          email: `${name}-${counter}-${crypto.randomUUID()}@example.test`,
          password: "pw-123456789",
        },
      });
      assert.equal(response.status, 201, response.text);
      const data = response.body.data;
      return {
        actor: { userId: data.user.id, role: "user" },
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
      };
    },
    client(user, clientOptions = {}) {
      const client = new ChatClient({
        url: wsUrl,
        token: user.accessToken,
        initialBackoffMs: 20,
        maxBackoffMs: 200,
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await bounded("chat.close()", chat.close());
      await bounded("server.shutdown()", server.shutdown());
      if (fake) await Promise.all([...fake.runs.keys()].map((id) => fake.finished(id)));
      if ("drain" in runs && typeof runs.drain === "function") await runs.drain();
      await backend.close();
    },
  };
}

/** How long a teardown step may take before it is reported and skipped. */
const TEARDOWN_BOUND_MS = 15_000;

/**
 * Waits for a teardown step, at most `TEARDOWN_BOUND_MS`. Under heavy load a socket's closing
 * handshake has been seen to never complete (so `shutdown()` never resolved and the whole suite
 * hung); the step is then reported on stderr and the teardown goes on.
 */
async function bounded(step: string, work: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), TEARDOWN_BOUND_MS);
  });
  try {
    if (await Promise.race([work, timedOut]) === "timeout") {
      console.error(`chat test teardown: ${step} did not finish within ${TEARDOWN_BOUND_MS} ms`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A `Deno.test` with its own chat server (sanitizers off: sockets and pools are long-lived). */
export function chatTest(
  name: string,
  fn: (t: Deno.TestContext, server: ChatTestServer) => Promise<void>,
  options: ChatTestOptions = {},
): void {
  Deno.test({
    name: `[${backendName()}] ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const server = await openChatServer(options);
      try {
        await fn(t, server);
      } finally {
        await server.close();
      }
    },
  });
}

/** A raw WebSocket with a queue of parsed incoming messages, for protocol-level assertions. */
export class RawSocket {
  /** Every message received, in order (`next` does not remove them). */
  readonly received: Record<string, unknown>[] = [];
  /** Indexes of messages `next` already returned. */
  readonly #taken = new Set<number>();
  readonly closed: Promise<CloseEvent>;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (event) => {
      this.received.push(JSON.parse(event.data as string));
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.closed = new Promise((resolve) => ws.addEventListener("close", resolve));
  }

  /** Opens a socket with the `bearer.<token>` subprotocol. */
  static async open(url: string, token: string): Promise<RawSocket> {
    const ws = new WebSocket(url, [CHAT_SUBPROTOCOL, `bearer.${token}`]);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("websocket failed to open"));
    });
    return socket;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Waits for the first received message matching `match` not returned before. */
  async next(
    match: (message: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const index = this.received.findIndex((message, i) => !this.#taken.has(i) && match(message));
      if (index >= 0) {
        this.#taken.add(index);
        return this.received[index];
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching message; received ${JSON.stringify(this.received)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls `condition` until true or the deadline passes. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
