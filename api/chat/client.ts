/**
 * A browser-safe client of `/ws/chat` (plain TypeScript, standard `WebSocket` and timers only):
 * connects, follows conversations, remembers the last `seq` of each, and on any disconnect
 * reconnects with exponential backoff and resumes every followed conversation from that `seq`,
 * so the application sees each event exactly once, in order.
 *
 * When the server closes the socket because its credentials lapsed
 * (`CLOSE_CODES.credentialsExpired`: an access token reached its expiry, or the token or sign-in
 * was revoked), the client first obtains fresh credentials through `refresh` (by default the
 * session-cookie refresh our pages use), then reconnects and resumes as after any disconnect.
 * When they cannot be renewed (signed out), it stops in status `"expired"` instead of retrying:
 * show `SESSION_EXPIRED_MESSAGE` and a way to sign in again.
 *
 * ```ts
 * const chat = new ChatClient({ url: "wss://ads.example.com/ws/chat", token });
 * chat.onEvent((event) => render(event));
 * chat.connect();
 * const ack = await chat.sendUser("How did my campaigns do this week?");
 * ```
 *
 * @module
 */
import {
  type AckMessage,
  BEARER_SUBPROTOCOL_PREFIX,
  CHAT_SUBPROTOCOL,
  type ClientMessageInput,
  CLOSE_CODES,
  type EventMessage,
  isEvent,
  type ProtocolError,
  type ServerMessage,
  ServerMessageSchema,
  type StatusMessage,
} from "./protocol.ts";

/** Options of a `ChatClient`. */
export interface ChatClientOptions {
  /** `ws(s)://host/ws/chat`, or a function (e.g. to pick another instance on reconnect). */
  url: string | (() => string);
  /** Bearer token sent as the `bearer.<token>` subprotocol; omit to rely on session cookies. */
  token?: string | (() => string | undefined);
  /** WebSocket constructor (defaults to the global one). */
  WebSocket?: typeof WebSocket;
  /** First reconnect delay; doubles up to `maxBackoffMs`, with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to ping while connected. */
  pingIntervalMs?: number;
  /** Reconnect when nothing arrives this long after a ping. */
  pongTimeoutMs?: number;
  /** Attempts to deliver a `user` message across reconnects (same client message id). */
  userRetries?: number;
  /**
   * Obtains fresh credentials after the server closed the socket with
   * `CLOSE_CODES.credentialsExpired`. Resolve true once the next connection will carry valid
   * ones (renewed cookies, or a new token that `token` now returns), false when they cannot be
   * renewed (signed out): the client then stops in status `"expired"`. Throw when it could not
   * tell (network down): it is tried again with backoff. Default: without `token`, the session
   * cookies are renewed with `POST /api/v1/auth/refresh` on the chat's origin; with a token,
   * false (a fixed token cannot be renewed).
   */
  refresh?: () => Promise<boolean>;
  /** `fetch` of the default cookie refresh (defaults to the global one). */
  fetch?: typeof fetch;
}

/**
 * The client's connection state; `"expired"`: the credentials lapsed and could not be renewed,
 * so the client stopped (see `SESSION_EXPIRED_MESSAGE`) until `connect()` is called again.
 */
export type ChatClientStatus = "connecting" | "open" | "closed" | "expired";

/** What to tell the user once the client is `"expired"`. */
export const SESSION_EXPIRED_MESSAGE = "Session expired — sign in again";

/** The REST endpoint that renews the session cookies (`/api/v1` + `/auth/refresh`). */
export const REFRESH_PATH = "/api/v1/auth/refresh";

/** An `error` answering a request, or a request cut off by a disconnect (`disconnected`). */
export class ChatRequestError extends Error {
  override name = "ChatRequestError";
  constructor(readonly code: string, detail: string) {
    super(detail);
  }
}

interface PendingRequest {
  resolve(ack: AckMessage): void;
  reject(error: ChatRequestError): void;
}

/** Counters that should stay at zero; tests and dashboards read them. */
export interface ChatClientStats {
  /** Events dropped because their seq was already seen. */
  duplicates: number;
  /** Events whose seq skipped ahead (the client resumed to fill the gap). */
  gaps: number;
  /** Connections opened (1 + reconnects). */
  connections: number;
}

type ResolvedOptions =
  & Required<Omit<ChatClientOptions, "token" | "refresh" | "fetch">>
  & Pick<ChatClientOptions, "token" | "refresh" | "fetch">;

/** A reconnecting, resuming chat client. */
export class ChatClient {
  readonly stats: ChatClientStats = { duplicates: 0, gaps: 0, connections: 0 };
  readonly #options: ResolvedOptions;
  /** Last seq seen per followed conversation. */
  readonly #lastSeq = new Map<string, number>();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #eventListeners = new Set<(event: EventMessage) => void>();
  readonly #errorListeners = new Set<(error: ProtocolError) => void>();
  readonly #statusListeners = new Set<(status: ChatClientStatus) => void>();
  readonly #liveListeners = new Set<(status: StatusMessage) => void>();
  #socket: WebSocket | undefined;
  #status: ChatClientStatus = "closed";
  #wanted = false;
  #attempt = 0;
  #nextRequest = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #lastReceivedAt = 0;
  #opened: Deferred = deferred();
  #lastCloseCode: number | undefined;
  /** URL of the latest connection, for the default cookie refresh. */
  #url = "";
  /** Set by a credentials close; cleared once a connection opens again. */
  #needsRefresh = false;
  /** The refresh in flight: one at a time, since a refresh token is single-use. */
  #refreshing: Promise<boolean> | undefined;
  /** When the current connection opened, to tell a credentials close right after opening. */
  #openedAt = 0;
  /** Credentials closes in a row that came soon after opening; they grow the backoff. */
  #credentialStreak = 0;

  constructor(options: ChatClientOptions) {
    this.#options = {
      WebSocket: globalThis.WebSocket,
      initialBackoffMs: 250,
      maxBackoffMs: 15_000,
      pingIntervalMs: 20_000,
      pongTimeoutMs: 10_000,
      userRetries: 3,
      ...options,
    };
  }

  /** Close code of the last connection the server (or network) ended, e.g. 1001, 4008, 4401. */
  get lastCloseCode(): number | undefined {
    return this.#lastCloseCode;
  }

  /** Current connection state. */
  get status(): ChatClientStatus {
    return this.#status;
  }

  /** Last seq seen of a conversation (0 when none). */
  lastSeq(conversationId: string): number {
    return this.#lastSeq.get(conversationId) ?? 0;
  }

  /** Receives persisted events, each once, in seq order per conversation. */
  onEvent(listener: (event: EventMessage) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Receives `error`s that answer no pending request. */
  onError(listener: (error: ProtocolError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /**
   * Receives the server's `status` messages: live delivery paused (`metadata.live` false, a
   * service the server needs is down) or back. The connection itself stays open meanwhile.
   */
  onLive(listener: (status: StatusMessage) => void): () => void {
    this.#liveListeners.add(listener);
    return () => this.#liveListeners.delete(listener);
  }

  /** Receives connection state changes. */
  onStatus(listener: (status: ChatClientStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /**
   * Opens the connection (and keeps it open until `close()`); resolves once open. Rejects with
   * `session_expired` if the credentials lapse and cannot be renewed first. Called again after
   * `"expired"` (the user signed in again), it starts over with whatever credentials there are.
   */
  connect(): Promise<void> {
    if (this.#status === "expired") {
      this.#needsRefresh = false;
      this.#credentialStreak = 0;
      this.#setStatus("closed");
    }
    this.#wanted = true;
    // Renews first when a credentials close is pending; a scheduled retry then finds a socket.
    if (!this.#socket && !this.#refreshing) void this.#reconnect();
    return this.#opened.promise;
  }

  /** Closes the connection for good; pending requests fail with `disconnected`. */
  close(): void {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#socket?.close(1000, "client closed");
    this.#teardown();
  }

  /** Drops the connection as a network failure would; the client reconnects and resumes. */
  drop(): void {
    this.#socket?.close(4000, "client dropped");
    this.#teardown();
    this.#scheduleReconnect();
  }

  /**
   * Sends a message to the assistant; resolves with the `ack` (conversation, run and message
   * ids). Retried across reconnects with the same `client_message_id`, so it runs once.
   */
  async sendUser(
    content: string,
    options: { conversationId?: string; clientMessageId?: string } = {},
  ): Promise<AckMessage> {
    const clientMessageId = options.clientMessageId ?? randomId();
    for (let attempt = 0;; attempt++) {
      try {
        const ack = await this.request({
          type: "user",
          content,
          metadata: {
            ...(options.conversationId ? { conversation_id: options.conversationId } : {}),
            ...(options.conversationId && this.#lastSeq.has(options.conversationId)
              ? { last_seq: this.lastSeq(options.conversationId) }
              : {}),
            client_message_id: clientMessageId,
          },
        });
        if (ack.metadata.conversation_id) this.#follow(ack.metadata.conversation_id);
        return ack;
      } catch (error) {
        const retry = error instanceof ChatRequestError && error.code === "disconnected" &&
          attempt < this.#options.userRetries;
        if (!retry || !this.#wanted) throw error;
        await this.#opened.promise;
      }
    }
  }

  /** Follows a conversation from `lastSeq` (default: what this client saw). */
  async resume(
    conversationId: string,
    lastSeq = this.lastSeq(conversationId),
  ): Promise<AckMessage> {
    // Followed only once open: a connection opening resumes every followed conversation
    // itself, so following before it would replay the history twice (that resume and this).
    // (Expired: `request` refuses at once rather than this reconnecting.)
    if (this.#status !== "expired") await this.connect();
    this.#lastSeq.set(conversationId, lastSeq);
    return await this.request({
      type: "resume",
      metadata: { conversation_id: conversationId, last_seq: lastSeq },
    });
  }

  /** Answers a `confirmation` event. */
  confirm(
    runId: string,
    confirmationId: string,
    decision: "approve" | "reject",
  ): Promise<AckMessage> {
    return this.request({
      type: "confirm",
      metadata: { run_id: runId, confirmation_id: confirmationId, decision },
    });
  }

  /** Cancels a run at its next step boundary. */
  cancel(runId: string): Promise<AckMessage> {
    return this.request({ type: "cancel", metadata: { run_id: runId } });
  }

  /** Sends a message with a fresh `request_id` and waits for its `ack` (or `error`). */
  async request(message: ClientMessageInput): Promise<AckMessage> {
    // Fails fast instead of reconnecting: only the user signing in again can help.
    if (this.#status === "expired") {
      throw new ChatRequestError("session_expired", SESSION_EXPIRED_MESSAGE);
    }
    await this.connect();
    const requestId = `r${++this.#nextRequest}`;
    const socket = this.#socket;
    if (!socket || socket.readyState !== 1) {
      throw new ChatRequestError("disconnected", "Not connected");
    }
    const sent = { ...message, metadata: { ...message.metadata, request_id: requestId } };
    return await new Promise<AckMessage>((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      socket.send(JSON.stringify(sent));
    });
  }

  #open(): void {
    const options = this.#options;
    const url = typeof options.url === "function" ? options.url() : options.url;
    this.#url = url;
    const token = typeof options.token === "function" ? options.token() : options.token;
    const protocols = token
      ? [CHAT_SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}${token}`]
      : [CHAT_SUBPROTOCOL];
    this.#setStatus("connecting");
    const socket = new options.WebSocket(url, protocols);
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      this.#needsRefresh = false;
      this.#openedAt = Date.now();
      this.stats.connections++;
      this.#lastReceivedAt = Date.now();
      this.#startPing(socket);
      // Resume everything followed before sending anything new.
      for (const [conversationId, lastSeq] of this.#lastSeq) {
        socket.send(JSON.stringify({
          type: "resume",
          content: "",
          metadata: { conversation_id: conversationId, last_seq: lastSeq },
        }));
      }
      this.#setStatus("open");
      this.#opened.resolve();
    };
    socket.onmessage = (message) => {
      if (this.#socket === socket) this.#receive(message.data);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#lastCloseCode = event.code;
      const opened = this.#status === "open";
      this.#teardown();
      if (event.code === CLOSE_CODES.credentialsExpired) this.#credentialsClosed(opened);
      this.#scheduleReconnect();
    };
  }

  #receive(data: unknown): void {
    this.#lastReceivedAt = Date.now();
    if (typeof data !== "string") return;
    let parsed: ServerMessage;
    try {
      const result = ServerMessageSchema.safeParse(JSON.parse(data));
      if (!result.success) return;
      parsed = result.data;
    } catch {
      return;
    }
    if (isEvent(parsed)) return this.#receiveEvent(parsed);
    if (parsed.type === "status") {
      for (const listener of this.#liveListeners) listener(parsed as StatusMessage);
      return;
    }
    const requestId = (parsed.metadata as { request_id?: string }).request_id;
    const pending = requestId === undefined ? undefined : this.#pending.get(requestId);
    if (parsed.type === "ack") {
      if (pending) {
        this.#pending.delete(requestId!);
        pending.resolve(parsed);
      }
    } else if (parsed.type === "error") {
      const error = parsed as ProtocolError;
      if (pending) {
        this.#pending.delete(requestId!);
        pending.reject(new ChatRequestError(error.metadata.code, error.content));
      } else {
        for (const listener of this.#errorListeners) listener(error);
      }
    }
  }

  #receiveEvent(event: EventMessage): void {
    const conversationId = event.metadata.conversation_id;
    const seq = event.metadata.seq;
    const last = this.#lastSeq.get(conversationId) ?? 0;
    if (seq <= last) {
      this.stats.duplicates++;
      return;
    }
    if (seq > last + 1 && this.#lastSeq.has(conversationId)) {
      // The server never skips; if it ever did, ask again from what we have.
      this.stats.gaps++;
      this.#socket?.send(JSON.stringify({
        type: "resume",
        content: "",
        metadata: { conversation_id: conversationId, last_seq: last },
      }));
      return;
    }
    this.#lastSeq.set(conversationId, seq);
    for (const listener of this.#eventListeners) listener(event);
  }

  #follow(conversationId: string): void {
    if (!this.#lastSeq.has(conversationId)) this.#lastSeq.set(conversationId, 0);
  }

  #startPing(socket: WebSocket): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      if (
        Date.now() - this.#lastReceivedAt >
          this.#options.pingIntervalMs + this.#options.pongTimeoutMs
      ) {
        // Nothing, not even a pong, for too long: the connection is dead but not closed.
        this.drop();
        return;
      }
      if (socket.readyState === 1) {
        socket.send(JSON.stringify({ type: "ping", content: "", metadata: {} }));
      }
    }, this.#options.pingIntervalMs);
  }

  /**
   * The server ended the connection because its credentials lapsed: the next attempt renews
   * them first. Closes soon after opening in a row (fresh credentials refused at once, which
   * should not happen) back off exponentially rather than loop.
   */
  #credentialsClosed(opened: boolean): void {
    this.#needsRefresh = true;
    const soon = !opened || Date.now() - this.#openedAt < this.#options.pingIntervalMs;
    this.#credentialStreak = soon ? this.#credentialStreak + 1 : 0;
    this.#attempt = this.#credentialStreak;
  }

  /** One reconnect attempt: renew the credentials if the last close asked for it, then open. */
  async #reconnect(): Promise<void> {
    if (this.#needsRefresh) {
      this.#setStatus("connecting");
      let renewed: boolean;
      try {
        this.#refreshing ??= this.#refresh().finally(() => this.#refreshing = undefined);
        renewed = await this.#refreshing;
      } catch {
        // Could not tell (network, server restarting): try again later, with backoff.
        if (this.#wanted && !this.#socket) {
          this.#setStatus("closed");
          this.#scheduleReconnect();
        }
        return;
      }
      if (!this.#wanted || this.#socket) return;
      if (!renewed) return this.#expire();
    }
    this.#open();
  }

  /** Asks `options.refresh`, or by default renews the session cookies over REST. */
  #refresh(): Promise<boolean> {
    const { refresh, token } = this.#options;
    if (refresh) return refresh();
    if (token !== undefined) return Promise.resolve(false);
    return refreshSessionCookies(this.#url, this.#options.fetch ?? globalThis.fetch);
  }

  /** Stops for good: the credentials cannot be renewed, so retrying would only loop. */
  #expire(): void {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#setStatus("expired");
    const opened = this.#opened;
    this.#opened = deferred();
    opened.reject(new ChatRequestError("session_expired", SESSION_EXPIRED_MESSAGE));
  }

  #teardown(): void {
    clearInterval(this.#pingTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
    }
    for (const pending of this.#pending.values()) {
      pending.reject(new ChatRequestError("disconnected", "Connection lost"));
    }
    this.#pending.clear();
    if (this.#status === "open") this.#opened = deferred();
    // "expired" stays until `connect()`: it is what the UI must show.
    if (this.#status !== "expired") this.#setStatus("closed");
  }

  #scheduleReconnect(): void {
    if (!this.#wanted) return;
    clearTimeout(this.#reconnectTimer);
    const ceiling = Math.min(
      this.#options.maxBackoffMs,
      this.#options.initialBackoffMs * 2 ** this.#attempt,
    );
    this.#attempt++;
    // Full jitter: a restarted server is not hit by every client at the same instant.
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#wanted && !this.#socket && !this.#refreshing) void this.#reconnect();
    }, Math.random() * ceiling);
  }

  #setStatus(status: ChatClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  // Nobody may be waiting when it is rejected (expiry while idle): not an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * Renews the session cookies the way our pages do: `POST /api/v1/auth/refresh` with no body
 * token, so the server reads the HttpOnly refresh cookie and sets new cookies. True when
 * renewed, false when the sign-in is over (401) or refused (403), and throws otherwise (network,
 * rate limit, server error), which the client retries.
 */
export async function refreshSessionCookies(
  chatUrl: string,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<boolean> {
  // The REST API lives on the chat's origin: ws(s):// → http(s)://.
  const url = new URL(REFRESH_PATH, chatUrl.replace(/^ws/i, "http"));
  const response = await fetchImpl(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  await response.body?.cancel();
  if (response.ok) return true;
  if (response.status === 401 || response.status === 403) return false;
  throw new Error(`Session refresh failed with HTTP ${response.status}`);
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ??
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
