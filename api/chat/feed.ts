/**
 * Gapless, duplicate-free delivery of one conversation's events to one reader (a socket or an
 * SSE stream), whatever pub/sub does: subscribe FIRST, then replay from the database, then
 * forward live events, in `seq` order.
 *
 * Why it cannot lose or double an event:
 * - the subscription is active before the replay reads, so an event appended after the read is
 *   seen live, and one appended before it is in the read; both may happen, hence the `seq`
 *   de-duplication (`seq <= lastSeq` is dropped);
 * - live events arrive out of order (two instances publish in commit order, not seq order) or
 *   not at all (pub/sub is at-most-once: a Redis reconnect drops messages). A live event that
 *   does not follow `lastSeq` is held and the gap is read from the database, which already has
 *   it: an event is published only after it is committed, and seq N+1 is assigned only after N
 *   is committed;
 * - a lost *last* event leaves no gap to notice, so `repair()` (called periodically) reads what
 *   follows `lastSeq`;
 * - held live events are bounded: past `maxHeld` they are dropped and read back from the
 *   database, which holds every one of them.
 *
 * @module
 */
import type { Actor } from "../../domain/actor.ts";
import type {
  ConversationEvent,
  ConversationEventsService,
} from "../../domain/conversation_events.ts";

/** Where a feed reads and listens. */
export interface FeedSource {
  /** Events with `seq > afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): Promise<ConversationEvent[]>;
  /** Live events; resolves once active. */
  subscribe(
    listener: (event: ConversationEvent) => void,
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

/** Options of a feed. */
export interface FeedOptions {
  /** Deliver events with `seq > fromSeq`. */
  fromSeq: number;
  /** Receives each event once, in order. Must not throw. */
  deliver(event: ConversationEvent): void;
  /** A database read failed; the feed retries on the next live event or `repair()`. */
  onError?(error: unknown): void;
  /**
   * Resolves when the reader can take more (e.g. its send buffer drained). Awaited between
   * replay pages, so a long history never piles up in memory. Live events never wait.
   */
  ready?(): Promise<void>;
  /** Events read per database query. */
  pageSize?: number;
  /** Live events held while a gap is read, before they are dropped and re-read later. */
  maxHeld?: number;
}

/** A running feed. */
export interface ConversationFeed {
  /** Sequence number of the last event delivered. */
  readonly lastSeq: number;
  /** Reads anything after `lastSeq` that pub/sub did not deliver. */
  repair(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a feed: subscribes, then replays; resolves once the replay has been delivered. */
export async function startFeed(
  source: FeedSource,
  options: FeedOptions,
): Promise<ConversationFeed> {
  const pageSize = options.pageSize ?? 500;
  const maxHeld = options.maxHeld ?? 1000;
  let lastSeq = options.fromSeq;
  let stopped = false;
  /** Live events ahead of `lastSeq`, by seq. */
  const held = new Map<number, ConversationEvent>();
  /** The catch-up in progress; at most one reads at a time. */
  let catchingUp: Promise<void> | undefined;
  /** A live event was not held (bound reached): read until the database has nothing newer. */
  let overflowed = false;

  function deliverHeld(): void {
    while (!stopped && held.has(lastSeq + 1)) {
      const next = held.get(lastSeq + 1)!;
      held.delete(lastSeq + 1);
      lastSeq = next.metadata.seq;
      options.deliver(next);
    }
    for (const seq of held.keys()) if (seq <= lastSeq) held.delete(seq);
  }

  /** Reads until the database has nothing after `lastSeq` and no held event waits on a gap. */
  async function readFromDatabase(): Promise<void> {
    while (!stopped) {
      overflowed = false;
      const page = await source.after(lastSeq, pageSize);
      for (const event of page) {
        if (stopped || event.metadata.seq <= lastSeq) continue;
        lastSeq = event.metadata.seq;
        options.deliver(event);
      }
      deliverHeld();
      const full = page.length === pageSize;
      // Held events left mean the read ran before their predecessors committed: read again.
      if (!full && held.size === 0 && !overflowed) return;
      if (!full && page.length === 0 && held.size > 0 && !overflowed) {
        // Nothing newer in the database although later events were published: they cannot
        // exist without their predecessors, so the predecessors are gone (the conversation's
        // events were deleted). Do not wait forever on them.
        lastSeq = Math.min(...held.keys()) - 1;
        deliverHeld();
        continue;
      }
      if (options.ready) await options.ready();
    }
  }

  /** Starts a catch-up unless one runs (which then also picks up what triggered this one). */
  function catchUp(): Promise<void> {
    catchingUp ??= (async () => {
      let failed = false;
      try {
        await readFromDatabase();
      } catch (error) {
        failed = true;
        options.onError?.(error);
      } finally {
        catchingUp = undefined;
      }
      // An event may have been held between the last read and now; after a failure, wait for
      // the next trigger (a live event or `repair()`) instead of spinning on a broken database.
      deliverHeld();
      if (!failed && !stopped && (held.size > 0 || overflowed)) await catchUp();
    })();
    return catchingUp;
  }

  function onLive(event: ConversationEvent): void {
    const seq = event.metadata.seq;
    if (stopped || seq <= lastSeq) return;
    if (seq === lastSeq + 1 && !catchingUp) {
      lastSeq = seq;
      options.deliver(event);
      deliverHeld();
      return;
    }
    if (held.size < maxHeld) held.set(seq, event);
    else overflowed = true;
    // A gap: the database has every event up to `seq`. (During a catch-up, the running one
    // delivers the held event or reads again.)
    void catchUp();
  }

  const subscription = await source.subscribe(onLive);
  await catchUp();
  return {
    get lastSeq() {
      return lastSeq;
    },
    repair: catchUp,
    async stop() {
      if (stopped) return;
      stopped = true;
      held.clear();
      await subscription.unsubscribe();
    },
  };
}

/** A feed source over the conversation event log, acting as `actor`. */
export function conversationFeedSource(
  events: Pick<ConversationEventsService, "after" | "subscribe">,
  actor: Actor,
  conversationId: string,
): FeedSource {
  return {
    after: (afterSeq, limit) => events.after(actor, conversationId, afterSeq, limit),
    subscribe: (listener) => events.subscribe(actor, conversationId, listener),
  };
}
