/**
 * One authenticated chat connection: reads client frames, answers each with an `ack`, `pong` or
 * `error`, drives runs through `AgentRuns`, and follows conversations with gapless feeds. It
 * knows the socket only through `ChatSocket`, so it is the same over any WebSocket.
 *
 * Policies:
 * - client messages are handled one at a time, in order (so acks come in message order), at
 *   most `maxPendingMessages` waiting; `ping` is answered at once;
 * - a send that would take the socket's unsent bytes past `maxBufferedBytes` closes it with
 *   `CLOSE_CODES.slowConsumer`: the run never waits for a reader, and the client resumes;
 * - a bad message is answered with an `error` and the socket stays usable, unless
 *   `MAX_INVALID_MESSAGES_IN_A_ROW` unreadable ones come in a row: then it is closed with
 *   `CLOSE_CODES.policy`;
 * - when the socket's credentials lapse (`CredentialWatch`: an access JWT's `exp`, a periodic
 *   re-check of an API token or sign-in), it is closed with `CLOSE_CODES.credentialsExpired`
 *   and its feeds stop, so nothing more is sent; runs it started keep going on the server.
 *
 * @module
 */
import type { AgentRuns } from "../../agent/runs/types.ts";
import type { Actor } from "../../domain/actor.ts";
import type { ConversationEvent, ConversationEventLog } from "../../domain/conversation_events.ts";
import type { Logger } from "../../lib/log.ts";
import { type CredentialEnd, type CredentialValidity, CredentialWatch } from "./credentials.ts";
import { ChatProtocolError, protocolErrorOf } from "./errors.ts";
import { type ConversationFeed, conversationFeedSource, startFeed } from "./feed.ts";
import {
  type AckMessage,
  type ClientMessage,
  CLOSE_CODES,
  type ErrorCode,
  MAX_INVALID_MESSAGES_IN_A_ROW,
  parseClientFrame,
} from "./protocol.ts";

/** What a session needs of a WebSocket. */
export interface ChatSocket {
  readonly readyState: number;
  /** Bytes handed to `send` and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** The services a session calls. */
export interface ChatSessionDependencies {
  events: Pick<ConversationEventLog, "after" | "subscribe" | "latestSeq">;
  runs: AgentRuns;
  log: Logger;
}

/** Per-socket limits. */
export interface ChatSessionLimits {
  /** Unsent bytes at which the socket is closed as a slow consumer. */
  maxBufferedBytes: number;
  /** Replays pause between pages while more than this is unsent. */
  replayHighWaterBytes: number;
  /** Conversations one socket may follow at once. */
  maxConversations: number;
  /** Client messages waiting to be handled before new ones are refused with `busy`. */
  maxPendingMessages: number;
  /** Feeds with activity this recent are re-read by `repair()` (lost pub/sub messages). */
  repairWindowMs: number;
}

/** Defaults: 1 MiB of unsent data per socket, 16 conversations. */
export const DEFAULT_SESSION_LIMITS: ChatSessionLimits = {
  maxBufferedBytes: 1024 * 1024,
  replayHighWaterBytes: 256 * 1024,
  maxConversations: 16,
  maxPendingMessages: 32,
  repairWindowMs: 120_000,
};

/** The credentials a session watches and how often it re-checks them. */
export interface SessionCredentials {
  validity: CredentialValidity;
  /** Milliseconds between re-checks of API tokens and sign-ins. */
  revalidateIntervalMs: number;
}

/** Close reasons of `CLOSE_CODES.credentialsExpired` (at most 123 bytes each). */
const CREDENTIAL_CLOSE_REASONS: Record<CredentialEnd, string> = {
  expired: "credentials expired: refresh them, reconnect and resume",
  revoked: "credentials revoked or signed out: reauthenticate, reconnect and resume",
};

const CONNECTING = 0;
const OPEN = 1;

interface Followed {
  feed: ConversationFeed;
  /** When the feed last delivered (or started), for `repair()`. */
  activity: { at: number };
}

/** A chat connection's protocol state. */
export class ChatSession {
  readonly #socket: ChatSocket;
  readonly #actor: Actor;
  readonly #deps: ChatSessionDependencies;
  readonly #limits: ChatSessionLimits;
  readonly #followed = new Map<string, Followed>();
  /** Tail of the chain of client messages being handled in order. */
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #closed = false;
  /** Ends the session when its credentials lapse; absent for sessions that never lapse. */
  readonly #credentials: CredentialWatch | undefined;
  /** A close waiting for the socket to open: Deno drops a close sent while still connecting. */
  #closeWhenOpen: [code: number, reason: string] | undefined;
  /** Unreadable frames since the last well-formed one. */
  #invalidInARow = 0;

  constructor(
    socket: ChatSocket,
    actor: Actor,
    deps: ChatSessionDependencies,
    limits: ChatSessionLimits = DEFAULT_SESSION_LIMITS,
    credentials?: SessionCredentials,
  ) {
    this.#socket = socket;
    this.#actor = actor;
    this.#deps = deps;
    this.#limits = limits;
    if (credentials) {
      this.#credentials = new CredentialWatch(credentials.validity, {
        intervalMs: credentials.revalidateIntervalMs,
        onEnd: (end) => this.#credentialsEnded(end),
        onError: (error) =>
          this.#deps.log.warn("chat credential re-check failed; retrying later", { error }),
      });
    }
  }

  /**
   * Tells the session its socket has opened (the server's `open` handler), so a close decided
   * before that is sent now.
   */
  opened(): void {
    const pending = this.#closeWhenOpen;
    this.#closeWhenOpen = undefined;
    if (pending) this.#closeSocket(...pending);
  }

  /** Conversations this socket follows. */
  get following(): string[] {
    return [...this.#followed.keys()];
  }

  /** Handles one frame from the client. */
  receive(data: unknown): void {
    if (this.#closed || this.#credentials?.checkExpiry()) return;
    if (typeof data !== "string") {
      this.#invalid("unsupported", "Only text frames are accepted");
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.#invalid(parsed.code, parsed.detail, parsed.requestId);
      return;
    }
    this.#invalidInARow = 0;
    const message = parsed.message;
    if (message.type === "ping") {
      this.send({ type: "pong", content: "", metadata: requestIdOf(message) });
      return;
    }
    if (this.#pending >= this.#limits.maxPendingMessages) {
      this.#error(
        "busy",
        "Too many messages waiting; wait for their acks",
        requestIdOf(message).request_id,
      );
      return;
    }
    this.#pending++;
    this.#queue = this.#queue.then(() => this.#handle(message)).finally(() => this.#pending--);
  }

  /** Re-reads recently active feeds, in case pub/sub dropped their latest events. */
  async repair(now = Date.now()): Promise<void> {
    const recent = [...this.#followed.values()].filter((followed) =>
      now - followed.activity.at < this.#limits.repairWindowMs
    );
    await Promise.all(recent.map((followed) => followed.feed.repair()));
  }

  /** Stops every feed; the socket is gone or going. */
  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#credentials?.stop();
    const feeds = [...this.#followed.values()].map((followed) => followed.feed);
    this.#followed.clear();
    await Promise.all(feeds.map((feed) => feed.stop().catch(() => {})));
  }

  /** Sends a server message, closing the socket if its unsent data would overflow. */
  send(message: object): void {
    if (this.#closed || this.#socket.readyState !== OPEN) return;
    // Timers can run late on a busy loop; an expired socket must not get one more event.
    if (this.#credentials?.checkExpiry()) return;
    const text = JSON.stringify(message);
    if (this.#socket.bufferedAmount + text.length > this.#limits.maxBufferedBytes) {
      this.#deps.log.warn("chat socket send queue overflow", {
        buffered: this.#socket.bufferedAmount,
      });
      this.#socket.close(CLOSE_CODES.slowConsumer, "send queue overflow: reconnect and resume");
      void this.dispose();
      return;
    }
    this.#socket.send(text);
  }

  /** Closes the socket because its credentials lapsed; the client refreshes and resumes. */
  #credentialsEnded(end: CredentialEnd): void {
    if (this.#closed) return;
    this.#deps.log.info("chat socket credentials ended", { end, userId: this.#actor.userId });
    const close: [number, string] = [CLOSE_CODES.credentialsExpired, CREDENTIAL_CLOSE_REASONS[end]];
    // Credentials can lapse between the upgrade and the open (a JWT expiring that instant).
    if (this.#socket.readyState === CONNECTING) this.#closeWhenOpen = close;
    else this.#closeSocket(...close);
    // Feeds stop at once: nothing more is sent, whether or not the close is out yet.
    void this.dispose();
  }

  #closeSocket(code: number, reason: string): void {
    try {
      this.#socket.close(code, reason);
    } catch {
      // already closing
    }
  }

  async #handle(message: Exclude<ClientMessage, { type: "ping" }>): Promise<void> {
    if (this.#closed) return;
    const requestId = requestIdOf(message);
    try {
      switch (message.type) {
        case "user":
          return await this.#onUser(message, requestId);
        case "confirm": {
          const { run_id: runId, confirmation_id: confirmationId, decision } = message.metadata;
          const run = await this.#deps.runs.confirm(this.#actor, runId, {
            confirmationId,
            decision,
          });
          return this.#ack("confirm", { ...requestId, run_id: runId, status: run.status });
        }
        case "cancel": {
          const runId = message.metadata.run_id;
          const run = await this.#deps.runs.cancel(this.#actor, runId);
          return this.#ack("cancel", { ...requestId, run_id: runId, status: run.status });
        }
        case "resume": {
          const { conversation_id: conversationId, last_seq: lastSeq } = message.metadata;
          const latest = await this.#deps.events.latestSeq(this.#actor, conversationId);
          // Acked before the replay so the client knows the replay's end (`last_seq`).
          this.#ack("resume", { ...requestId, conversation_id: conversationId, last_seq: latest });
          await this.#follow(conversationId, lastSeq, true);
          return;
        }
      }
    } catch (error) {
      const mapped = protocolErrorOf(error, message.type === "user" ? "run_active" : "conflict");
      if (mapped) {
        this.#error(mapped.code, mapped.detail, requestId.request_id);
      } else {
        this.#deps.log.error("chat message failed", { error, type: message.type });
        this.#error("internal", "Internal server error", requestId.request_id);
      }
    }
  }

  async #onUser(
    message: Extract<ClientMessage, { type: "user" }>,
    requestId: { request_id?: string },
  ): Promise<void> {
    const { conversation_id: conversationId, client_message_id, last_seq } = message.metadata;
    if (conversationId && !this.#followed.has(conversationId)) {
      // Follow before submitting, so nothing the run appends can be missed.
      const from = last_seq ??
        await this.#deps.events.latestSeq(this.#actor, conversationId);
      await this.#follow(conversationId, from, false);
    }
    const submitted = await this.#deps.runs.submit(this.#actor, {
      conversationId,
      content: message.content,
      clientMessageId: client_message_id,
    });
    this.#ack("user", {
      ...requestId,
      conversation_id: submitted.conversationId,
      run_id: submitted.runId,
      message_id: submitted.messageId,
      duplicate: submitted.duplicate,
    });
    // A new conversation: everything it has so far is this message's echo and run events.
    if (!this.#followed.has(submitted.conversationId)) {
      await this.#follow(submitted.conversationId, 0, false);
    }
  }

  /** Follows a conversation from `fromSeq`; `restart` replaces an existing feed. */
  async #follow(conversationId: string, fromSeq: number, restart: boolean): Promise<void> {
    const existing = this.#followed.get(conversationId);
    if (existing && !restart) return;
    if (existing) {
      this.#followed.delete(conversationId);
      await existing.feed.stop();
    }
    if (this.#followed.size >= this.#limits.maxConversations) {
      throw new ChatProtocolError(
        "too_many_conversations",
        `A socket follows at most ${this.#limits.maxConversations} conversations`,
      );
    }
    const activity = { at: Date.now() };
    const feed = await startFeed(
      conversationFeedSource(this.#deps.events, this.#actor, conversationId),
      {
        fromSeq,
        deliver: (event: ConversationEvent) => {
          activity.at = Date.now();
          this.send(event);
        },
        ready: () => this.#drained(),
        onError: (error) =>
          this.#deps.log.warn("chat replay failed; retrying later", { error, conversationId }),
      },
    );
    if (this.#closed) {
      await feed.stop();
      return;
    }
    this.#followed.set(conversationId, { feed, activity });
  }

  /** Resolves once the socket's unsent data is below the replay high-water mark. */
  async #drained(): Promise<void> {
    while (!this.#closed && this.#socket.bufferedAmount > this.#limits.replayHighWaterBytes) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #ack(ack: AckMessage["metadata"]["ack"], fields: Omit<AckMessage["metadata"], "ack">): void {
    this.send({ type: "ack", content: "", metadata: { ack, ...fields } });
  }

  /** Answers an unreadable frame; too many in a row close the socket (a broken client). */
  #invalid(code: ErrorCode, detail: string, requestId?: string): void {
    this.#error(code, detail, requestId);
    this.#invalidInARow += 1;
    if (this.#invalidInARow < MAX_INVALID_MESSAGES_IN_A_ROW) return;
    this.#deps.log.warn("chat socket sent too many invalid messages", {
      userId: this.#actor.userId,
      count: this.#invalidInARow,
    });
    // Closed from a later task, not from within the message event: Deno drops the connection
    // without sending the close frame when `close()` runs while the client's next frames are
    // already being read, and a broken client is usually still sending.
    setTimeout(() => this.#closeSocket(CLOSE_CODES.policy, "too many invalid messages in a row"));
    void this.dispose();
  }

  #error(code: ErrorCode, detail: string, requestId?: string): void {
    const metadata = requestId === undefined ? { code } : { code, request_id: requestId };
    this.send({ type: "error", content: detail, metadata });
  }
}

function requestIdOf(message: ClientMessage): { request_id?: string } {
  const requestId = message.metadata.request_id;
  return requestId === undefined ? {} : { request_id: requestId };
}
