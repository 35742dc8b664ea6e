/**
 * The event log of a conversation: every server event of the chat protocol, persisted with a
 * gapless per-conversation sequence number before it is sent, then fanned out to every instance
 * through coordination pub/sub. A client that reconnects anywhere replays the events after the
 * last sequence it saw.
 *
 * The envelope keeps the seed's `{type, content, metadata}` shape.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { lockingTransaction } from "../db/locking.ts";
import type { ConversationEventsTable, DB } from "../db/schema.ts";
import { isoFromDb } from "../db/time.ts";
import { eventFanoutLag } from "../lib/metrics.ts";
import type { Actor } from "./actor.ts";
import { announceAttention } from "./attention.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { NotFoundError } from "./errors.ts";
import {
  type AppendMessageInput,
  appendMessageSchema,
  insertMessage,
  lockConversation,
  type Message,
} from "./conversations.ts";
import {
  FENCE_RUN_MISMATCH,
  fenceMatchesRun,
  type RunWriteFence,
  runWriteFenceSchema,
} from "./run_fence.ts";
import { parseInput } from "./validation.ts";

/** Event types the server persists and sends. */
export type ConversationEventType =
  /** A user message, echoed so every open tab shows it. */
  | "user"
  /** Assistant text: `metadata.delta: true` for streamed pieces, then one final message. */
  | "assistant"
  /** A tool call started or finished (name, argument summary, status, duration). */
  | "step"
  /** The approval gate's preview; answered by `confirm`. */
  | "confirmation"
  /** A run changed status (queued, running, waiting_confirmation, completed, failed, cancelled). */
  | "run"
  /** Something went wrong; `metadata.code` says what. */
  | "error";

/** Metadata every persisted event carries, plus type-specific fields. */
export interface ConversationEventMetadata {
  /** Monotonic, gapless per conversation, from 1. */
  seq: number;
  conversation_id: string;
  /** The run the event belongs to; null for events outside a run. */
  run_id: string | null;
  [field: string]: unknown;
}

/** A persisted event. */
export interface ConversationEvent {
  type: ConversationEventType;
  content: string;
  metadata: ConversationEventMetadata;
  /** ISO 8601. */
  created_at: string;
}

/** An event to append; the log assigns `seq` and `conversation_id`. */
export interface NewConversationEvent {
  type: ConversationEventType;
  content: string;
  runId: string | null;
  /** Type-specific fields, merged into `metadata`. */
  metadata?: Record<string, unknown>;
  /**
   * Set by a runner appending for the run it executes (`fence.runId` must equal `runId`): the
   * append is refused with `RunFencedOutError`, writing nothing, unless the run still has this
   * lease epoch. Events outside a runner (user messages, submit, confirm, cancel) omit it.
   */
  fence?: RunWriteFence;
}

/**
 * Writes to one conversation that commit together (see `ConversationEventsService.transaction`):
 * events and messages through its methods, and the caller's own rows through `trx`.
 */
export interface ConversationWrites {
  /** The transaction, for the caller's own writes (e.g. the run row the events announce). */
  readonly trx: Transaction<DB>;
  /** Stores an event with the next sequence number; published once the transaction commits. */
  appendEvent(event: Omit<NewConversationEvent, "fence">): Promise<ConversationEvent>;
  /** Stores a message with the next sequence number. */
  appendMessage(input: Omit<AppendMessageInput, "fence">): Promise<Message>;
}

/** Receives live events of one conversation, in sequence order. */
export type ConversationEventListener = (event: ConversationEvent) => void;

/** The conversation event log service. */
export interface ConversationEventsService {
  /**
   * Persists the event with the next sequence number (atomically, across instances), then
   * publishes it. `NotFoundError` when the conversation is not the actor's; `RunFencedOutError`
   * when `event.fence` is no longer the run's lease epoch.
   */
  append(
    actor: Actor,
    conversationId: string,
    event: NewConversationEvent,
  ): Promise<ConversationEvent>;
  /**
   * Runs `work` in one transaction that holds the conversation's lock and, with `fence`, the
   * run's row at that lease epoch (`RunFencedOutError` otherwise): everything it writes commits
   * together or not at all, so a crash cannot leave a state change without the event that
   * announces it. Its events are published after the commit, in order.
   */
  transaction<Result>(
    actor: Actor,
    conversationId: string,
    fence: RunWriteFence | undefined,
    work: (writes: ConversationWrites) => Promise<Result>,
  ): Promise<Result>;
  /** Events with `seq > afterSeq`, oldest first, at most `limit` (default 1000). */
  after(
    actor: Actor,
    conversationId: string,
    afterSeq: number,
    limit?: number,
  ): Promise<ConversationEvent[]>;
  /**
   * Live events of a conversation published from any instance. Resolves once active, so an event
   * appended after it resolves is delivered. Pair with `after` to resume without gaps.
   */
  subscribe(
    actor: Actor,
    conversationId: string,
    listener: ConversationEventListener,
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

/** The service as the domain builds it: the interface plus lookups the transports need. */
export interface ConversationEventLog extends ConversationEventsService {
  /** Sequence number of the conversation's latest event (0 when none). */
  latestSeq(actor: Actor, conversationId: string): Promise<number>;
  /**
   * The conversation a run belongs to, from `agent_runs` or, failing that, from the run's
   * events. `NotFoundError` when neither knows the run (or it is not the actor's).
   */
  conversationOfRun(actor: Actor, runId: string): Promise<string>;
}

/** Every event type, for validation. */
export const CONVERSATION_EVENT_TYPES = [
  "user",
  "assistant",
  "step",
  "confirmation",
  "run",
  "error",
] as const satisfies readonly ConversationEventType[];

/** Most events `after` returns at once. */
export const MAX_EVENTS_PER_READ = 1000;

/** Events that may change which conversations wait for the user's answer. */
const ATTENTION_EVENT_TYPES: ReadonlySet<string> = new Set(["confirmation", "run"]);

/** Metadata keys owned by the log: a caller's values for them are ignored. */
const RESERVED_METADATA = new Set(["seq", "conversation_id", "run_id"]);

const newEventSchema = z.object({
  type: z.enum(CONVERSATION_EVENT_TYPES),
  content: z.string().max(1_000_000),
  runId: z.uuid().nullable(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  fence: runWriteFenceSchema.optional(),
}).refine(fenceMatchesRun, FENCE_RUN_MISMATCH);

const afterSchema = z.object({
  afterSeq: z.number().int().min(0),
  limit: z.number().int().min(1).max(MAX_EVENTS_PER_READ),
});

/** The pub/sub channel of a conversation's events. */
export function conversationEventsChannel(conversationId: string): string {
  return `conversation-events:${conversationId}`;
}

/** Builds the conversation event log over the database and coordination pub/sub. */
export function createConversationEventsService(context: DomainContext): ConversationEventLog {
  const { db, coordination } = context;

  async function assertOwned(actor: Actor, conversationId: string): Promise<void> {
    const row = await db.kysely.selectFrom("conversations").select("id")
      .where("id", "=", conversationId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("conversation");
  }

  /**
   * Inside a transaction holding the conversation's lock: stores the event with the next
   * sequence number. The lock serializes appends of one conversation on every instance (as
   * `credits` does with the balance row), so max(seq) + 1 is gapless and never doubled; under
   * READ COMMITTED the max read after taking the lock sees the previous holder's row.
   */
  async function insertEvent(
    trx: Transaction<DB>,
    conversationId: string,
    actor: Actor,
    fields: z.output<typeof newEventSchema>,
    /** The seq this transaction stored last, if it stored one: the lock makes it the latest. */
    previousSeq: number | undefined,
  ): Promise<ConversationEvent> {
    const metadata = Object.fromEntries(
      Object.entries(fields.metadata).filter(([key]) => !RESERVED_METADATA.has(key)),
    );
    const latest = previousSeq ?? Number(
      (await trx.selectFrom("conversation_events")
        .select((eb) => eb.fn.max<number>("seq").as("seq"))
        .where("conversation_id", "=", conversationId)
        .executeTakeFirstOrThrow()).seq ?? 0,
    );
    const now = nowForDb(context);
    const row: Selectable<ConversationEventsTable> = {
      id: context.ids(),
      user_id: actor.userId,
      conversation_id: conversationId,
      seq: latest + 1,
      type: fields.type,
      content: fields.content,
      metadata: toDbJson(metadata),
      run_id: fields.runId,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto("conversation_events").values(row).execute();
    return toEvent(row);
  }

  /**
   * Published only once committed, so a subscriber never sees an event `after` cannot return.
   * Pub/sub is best effort: a lost publish shows up as a seq gap (or a stale tail) that readers
   * repair from the database; the append itself has succeeded, so it must not be reported as
   * failed (the caller would retry and log the event twice).
   */
  async function publish(event: ConversationEvent): Promise<void> {
    try {
      await coordination.pubsub.publish(
        conversationEventsChannel(event.metadata.conversation_id),
        JSON.stringify(event),
      );
    } catch (error) {
      console.error("conversation event publish failed", error);
    }
  }

  const transaction: ConversationEventsService["transaction"] = async (
    actor,
    conversationId,
    fence,
    work,
  ) => {
    if (fence) parseInput(runWriteFenceSchema, fence);
    const appended: ConversationEvent[] = [];
    const result = await lockingTransaction(db, async (trx) => {
      await lockConversation(trx, db.dialect, actor, conversationId, fence);
      return await work({
        trx,
        async appendEvent(event) {
          const fields = parseInput(newEventSchema, { ...event, fence });
          const persisted = await insertEvent(
            trx,
            conversationId,
            actor,
            fields,
            appended.at(-1)?.metadata.seq,
          );
          appended.push(persisted);
          return persisted;
        },
        appendMessage: (input) =>
          insertMessage(
            context,
            trx,
            actor,
            conversationId,
            parseInput(appendMessageSchema, { ...input, fence }),
          ),
      });
    });
    for (const event of appended) await publish(event);
    // A run asking for (or past) an answer changes what waits for the user.
    if (appended.some((event) => ATTENTION_EVENT_TYPES.has(event.type))) {
      await announceAttention(coordination, actor.userId);
    }
    return result;
  };

  return {
    append(actor, conversationId, event) {
      const { fence, ...fields } = event;
      return transaction(actor, conversationId, fence, (writes) => writes.appendEvent(fields));
    },

    transaction,

    async after(actor, conversationId, afterSeq, limit = MAX_EVENTS_PER_READ) {
      const range = parseInput(afterSchema, { afterSeq, limit });
      await assertOwned(actor, conversationId);
      const rows = await db.kysely.selectFrom("conversation_events").selectAll()
        .where("conversation_id", "=", conversationId).where("user_id", "=", actor.userId)
        .where("seq", ">", range.afterSeq)
        .orderBy("seq").limit(range.limit).execute();
      return rows.map(toEvent);
    },

    async subscribe(actor, conversationId, listener) {
      // Ownership is checked once, here: the channel carries only this conversation's events.
      await assertOwned(actor, conversationId);
      const subscription = await coordination.pubsub.subscribe(
        conversationEventsChannel(conversationId),
        (message) => {
          let event: ConversationEvent;
          try {
            event = JSON.parse(message) as ConversationEvent;
          } catch {
            return; // not ours; readers repair any gap from the database
          }
          const lag = Date.now() - Date.parse(event.created_at);
          if (Number.isFinite(lag)) eventFanoutLag.observe(Math.max(0, lag) / 1000);
          try {
            listener(event);
          } catch (error) {
            // A throwing listener must not break delivery to the others (or crash the process
            // from a pub/sub callback).
            console.error("conversation event listener failed", error);
          }
        },
      );
      return { unsubscribe: () => subscription.unsubscribe() };
    },

    async latestSeq(actor, conversationId) {
      await assertOwned(actor, conversationId);
      const latest = await db.kysely.selectFrom("conversation_events")
        .select((eb) => eb.fn.max<number>("seq").as("seq"))
        .where("conversation_id", "=", conversationId)
        .executeTakeFirstOrThrow();
      return Number(latest.seq ?? 0);
    },

    async conversationOfRun(actor, runId) {
      if (!z.uuid().safeParse(runId).success) throw new NotFoundError("run");
      const run = await db.kysely.selectFrom("agent_runs").select("conversation_id")
        .where("id", "=", runId).where("user_id", "=", actor.userId).executeTakeFirst();
      const conversationId = run?.conversation_id ??
        (await db.kysely.selectFrom("conversation_events").select("conversation_id")
          .where("run_id", "=", runId).where("user_id", "=", actor.userId)
          .orderBy("seq").limit(1).executeTakeFirst())?.conversation_id;
      if (!conversationId) throw new NotFoundError("run");
      await assertOwned(actor, conversationId);
      return conversationId;
    },
  };
}

function toEvent(row: Selectable<ConversationEventsTable>): ConversationEvent {
  const stored = fromDbJson(row.metadata) as Record<string, unknown> | null;
  return {
    type: row.type as ConversationEventType,
    content: row.content,
    metadata: {
      ...stored,
      seq: Number(row.seq),
      conversation_id: row.conversation_id,
      run_id: row.run_id,
    },
    created_at: isoFromDb(row.created_at),
  };
}
