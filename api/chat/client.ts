/**
 * A browser-safe client of `/ws/chat` (plain TypeScript, standard `WebSocket` and timers only):
 * connects, follows conversations, remembers the last `seq` of each, and on any disconnect
 * reconnects with exponential backoff and resumes every followed conversation from that `seq`,
 * so the application sees each event exactly once, in order.
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
  type EventMessage,
  isEvent,
  type ProtocolError,
  type ServerMessage,
  ServerMessageSchema,
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
}

/** The client's connection state. */
export type ChatClientStatus = "connecting" | "open" | "closed";

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

/** A reconnecting, resuming chat client. */
export class ChatClient {
  readonly stats: ChatClientStats = { duplicates: 0, gaps: 0, connections: 0 };
  readonly #options: Required<Omit<ChatClientOptions, "token">> & Pick<ChatClientOptions, "token">;
  /** Last seq seen per followed conversation. */
  readonly #lastSeq = new Map<string, number>();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #eventListeners = new Set<(event: EventMessage) => void>();
  readonly #errorListeners = new Set<(error: ProtocolError) => void>();
  readonly #statusListeners = new Set<(status: ChatClientStatus) => void>();
  #socket: WebSocket | undefined;
  #status: ChatClientStatus = "closed";
  #wanted = false;
  #attempt = 0;
  #nextRequest = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #lastReceivedAt = 0;
  #opened: { promise: Promise<void>; resolve(): void } = deferred();
  #lastCloseCode: number | undefined;

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

  /** Close code of the last connection the server (or network) ended, e.g. 1001, 4008. */
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

  /** Receives connection state changes. */
  onStatus(listener: (status: ChatClientStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Opens the connection (and keeps it open until `close()`); resolves once open. */
  connect(): Promise<void> {
    this.#wanted = true;
    if (!this.#socket) this.#open();
    return this.#opened.promise;
  }

  /** Closes the connection for good; pending requests fail with `disconnected`. */
  close(): void {
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
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
  resume(conversationId: string, lastSeq = this.lastSeq(conversationId)): Promise<AckMessage> {
    this.#lastSeq.set(conversationId, lastSeq);
    return this.request({
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
      this.#teardown();
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
    this.#setStatus("closed");
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
      if (this.#wanted && !this.#socket) this.#open();
    }, Math.random() * ceiling);
  }

  #setStatus(status: ChatClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => resolve = done);
  return { promise, resolve };
}

function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ??
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
