/**
 * What a run tells the conversation's event log: status changes, streamed assistant text
 * (tiny model chunks coalesced into fewer, larger `delta` events), tool steps, approval
 * requests and errors. Appends are chained so events keep their order; a failure to append is
 * logged, never allowed to fail the run (the run's own rows are the record of truth).
 *
 * Events queued together are stored in one transaction. Step notices (`later`) wait for the
 * run's next transaction (the next step's, see `commit`) or `LATER_MS`, whichever comes first,
 * so a fast step costs no commit of its own for them.
 *
 * A runner's events carry its lease epoch: the log refuses them once the run was taken over
 * (`RunFencedOutError`), and from then on this runner appends nothing more for the run — it is
 * dead to the run, and its new owner tells the conversation what happens next.
 *
 * @module
 */
import type { Actor } from "../../domain/actor.ts";
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import type {
  ConversationEvent,
  ConversationEventsService,
  ConversationEventType,
} from "../../domain/conversation_events.ts";
import type { AppendMessageInput, Message } from "../../domain/conversations.ts";
import { RunFencedOutError, type RunWriteFence } from "../../domain/run_fence.ts";
import type { Logger } from "../../lib/log.ts";

/** Buffered delta text is sent once it reaches this many characters… */
const DELTA_FLUSH_CHARS = 48;
/** …or this many milliseconds after its first character, whichever comes first. */
const DELTA_FLUSH_MS = 60;

/** Longest a `later` event waits for a transaction to ride with. */
const LATER_MS = 50;

/** An event waiting to be stored. */
interface PendingEvent {
  type: ConversationEventType;
  content: string;
  metadata: Record<string, unknown>;
}

/** The writes of one `RunEvents.commit`: they commit together or not at all. */
export interface RunWrites {
  /** The transaction, for the run's own rows. */
  readonly trx: Transaction<DB>;
  /** An event of the run. */
  emit(
    type: ConversationEventType,
    content: string,
    metadata?: Record<string, unknown>,
  ): Promise<ConversationEvent>;
  /** A run status change. */
  status(status: string, extra?: Record<string, unknown>): Promise<ConversationEvent>;
  /** A message of the run in its conversation. */
  appendMessage(input: Omit<AppendMessageInput, "fence" | "runId">): Promise<Message>;
}

/** Events of one run. */
export class RunEvents {
  #chain: Promise<void> = Promise.resolve();
  #delta = "";
  /** The model call whose text is streaming (its step key), carried by each delta. */
  #stream: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #fence: RunWriteFence | undefined;
  #fencedOut = false;
  /** Events not stored yet, in order; the next transaction of the run takes them all. */
  #pending: PendingEvent[] = [];
  #laterTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `leaseEpoch`: the epoch of the runner emitting, which fences every append; omitted for
   * events emitted outside a runner (submit, confirm, cancel).
   */
  constructor(
    private readonly log: ConversationEventsService,
    private readonly actor: Actor,
    private readonly conversationId: string,
    private readonly runId: string,
    private readonly logger: Logger,
    leaseEpoch?: number,
  ) {
    this.#fence = leaseEpoch === undefined ? undefined : { runId, leaseEpoch };
  }

  /** Queues an event; resolves once it (and everything before it) is appended. */
  emit(type: ConversationEventType, content: string, metadata: Record<string, unknown> = {}) {
    if (type !== "assistant" || metadata.delta !== true) this.#takeDelta();
    return this.#append(type, content, metadata);
  }

  /**
   * A model call (step `key`) starts streaming. `replaces`: an earlier attempt of the same call,
   * by a runner that lost the run, may already have streamed text that clients show; a marker
   * (`metadata.replaces`) tells them to drop it, as this attempt's text takes its place.
   */
  startStream(key: string, replaces: boolean): void {
    this.#takeDelta();
    this.#stream = key;
    if (replaces) void this.#append("assistant", "", { delta: true, stream: key, replaces: true });
  }

  /** Streamed assistant text; coalesced. */
  delta(text: string): void {
    if (!text) return;
    this.#delta += text;
    if (this.#delta.length >= DELTA_FLUSH_CHARS) {
      this.#takeDelta();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#takeDelta(), DELTA_FLUSH_MS);
    }
  }

  /**
   * Queues an event that need not be stored at once (a step notice): it is stored with the
   * run's next transaction, or after `LATER_MS`. Ordered with every other event.
   */
  later(type: ConversationEventType, content: string, metadata: Record<string, unknown> = {}) {
    this.#takeDelta();
    this.#pending.push({ type, content, metadata });
    this.#laterTimer ??= setTimeout(() => {
      this.#laterTimer = undefined;
      if (this.#pending.length > 0) void this.#drain();
    }, LATER_MS);
  }

  /** Sends buffered delta text and waits for every queued event. */
  async flush(): Promise<void> {
    this.#takeDelta();
    if (this.#pending.length > 0) void this.#drain();
    await this.#chain;
  }

  /** A run status change. */
  status(status: string, extra: Record<string, unknown> = {}): Promise<void> {
    return this.emit("run", status, { status, ...extra });
  }

  /**
   * Runs `work` in one transaction with the conversation (fenced to this runner's epoch, when
   * it has one), after every event queued before it: the run's row changes made through
   * `writes.trx` and the events and messages announcing them commit together. Unlike `emit`, a
   * failure is thrown, and then nothing of it was stored.
   */
  commit<Result>(work: (writes: RunWrites) => Promise<Result>): Promise<Result> {
    this.#takeDelta();
    const runId = this.runId;
    const committed = this.#chain.then(async () => {
      // Queued events come first, in this transaction: one commit for all of it.
      const carried = this.#takePending();
      try {
        return await this.log.transaction(
          this.actor,
          this.conversationId,
          this.#fence,
          async (writes) => {
            const emit: RunWrites["emit"] = (type, content, metadata = {}) =>
              writes.appendEvent({ type, content, runId, metadata });
            for (const event of carried) await emit(event.type, event.content, event.metadata);
            return await work({
              trx: writes.trx,
              emit,
              status: (status, extra = {}) => emit("run", status, { status, ...extra }),
              appendMessage: (input) => writes.appendMessage({ ...input, runId }),
            });
          },
        );
      } catch (error) {
        // Not stored: the carried events are still due, unless this runner lost the run.
        if (error instanceof RunFencedOutError) this.#fencedOut = true;
        else this.#pending.unshift(...carried);
        throw error;
      }
    });
    this.#chain = committed.then(() => {}, () => {});
    return committed;
  }

  #takePending(): PendingEvent[] {
    const taken = this.#pending;
    this.#pending = [];
    if (this.#laterTimer !== undefined) clearTimeout(this.#laterTimer);
    this.#laterTimer = undefined;
    return taken;
  }

  #takeDelta(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#delta) return;
    const text = this.#delta;
    this.#delta = "";
    void this.#append("assistant", text, { delta: true, stream: this.#stream });
  }

  #append(type: ConversationEventType, content: string, metadata: Record<string, unknown>) {
    this.#pending.push({ type, content, metadata });
    return this.#drain();
  }

  /** Stores every queued event (those queued meanwhile too) in one transaction, in order. */
  #drain(): Promise<void> {
    const next = this.#chain.then(async () => {
      const events = this.#takePending();
      if (this.#fencedOut || events.length === 0) return;
      const type = events.map((event) => event.type).join(",");
      try {
        if (events.length === 1) {
          await this.log.append(this.actor, this.conversationId, {
            ...events[0],
            runId: this.runId,
            fence: this.#fence,
          });
        } else {
          await this.log.transaction(
            this.actor,
            this.conversationId,
            this.#fence,
            async (writes) => {
              for (const event of events) {
                await writes.appendEvent({ ...event, runId: this.runId });
              }
            },
          );
        }
      } catch (error) {
        if (error instanceof RunFencedOutError) {
          // Expected when a run is taken over, as for the run's own writes.
          this.#fencedOut = true;
          this.logger.info("run events stopped: the run was taken over", {
            run: this.runId,
            epoch: this.#fence?.leaseEpoch,
            type,
          });
          return;
        }
        this.logger.warn("conversation event not appended", {
          run: this.runId,
          type,
          error: String(error),
        });
      }
    });
    this.#chain = next;
    return next;
  }
}

/** A short, single-line summary of tool arguments for `step` events. */
export function summarizeArguments(args: Record<string, unknown>, max = 120): string {
  const parts = Object.entries(args).map(([key, value]) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return `${key}=${text && text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
  });
  const joined = parts.join(", ");
  return joined.length > max ? `${joined.slice(0, max - 3)}...` : joined;
}
