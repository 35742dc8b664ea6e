/**
 * A run's events as Server-Sent Events, for REST clients: the same envelopes as the WebSocket,
 * one SSE event each (`id:` = the conversation `seq`, `event:` = the type, `data:` = the JSON
 * envelope). `Last-Event-ID` resumes after that seq, through the same gapless feed as the
 * WebSocket. The stream ends after the run's terminal `run` event; a request for a finished run
 * with nothing left to send gets 204, which tells `EventSource` to stop reconnecting.
 *
 * @module
 */
import type { AgentRuns } from "../../agent/runs/types.ts";
import type { Actor } from "../../domain/actor.ts";
import type { ConversationEvent, ConversationEventLog } from "../../domain/conversation_events.ts";
import type { Logger } from "../../lib/log.ts";
import { conversationFeedSource, startFeed } from "./feed.ts";

/** Run statuses after which nothing more happens. */
export const TERMINAL_RUN_STATUSES: readonly string[] = ["completed", "failed", "cancelled"];

/** Whether an event is the `run` event announcing a terminal status. */
export function isTerminalRunEvent(event: ConversationEvent): boolean {
  return event.type === "run" &&
    TERMINAL_RUN_STATUSES.includes(String(event.metadata.status ?? event.content));
}

/** What a run stream needs. */
export interface RunStreamOptions {
  events: Pick<ConversationEventLog, "after" | "subscribe" | "conversationOfRun">;
  /** The run's status; without it the stream ends only on the terminal event. */
  runs?: Pick<AgentRuns, "get">;
  actor: Actor;
  runId: string;
  /** Send events with a greater seq (`Last-Event-ID`). */
  afterSeq: number;
  log: Logger;
  /** Comment lines keep proxies from closing an idle stream; also re-checks the run status. */
  keepAliveMs?: number;
  /** Unsent bytes at which a slow reader's stream is ended (it reconnects with Last-Event-ID). */
  maxBufferedBytes?: number;
}

const encoder = new TextEncoder();

/** One SSE event. */
export function formatSseEvent(event: ConversationEvent): string {
  return `id: ${event.metadata.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Opens the event stream of a run (`NotFoundError` when the run is not the actor's). */
export async function openRunEventStream(options: RunStreamOptions): Promise<Response> {
  const { events, actor, runId } = options;
  const conversationId = await events.conversationOfRun(actor, runId);
  const status = options.runs ? (await options.runs.get(actor, runId)).status : undefined;
  const headers = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    // Tells nginx-style proxies not to buffer the stream.
    "x-accel-buffering": "no",
  };
  if (status !== undefined && TERMINAL_RUN_STATUSES.includes(status)) {
    const remaining = await remainingEvents(options, conversationId);
    if (remaining.length === 0) return new Response(null, { status: 204 });
    return new Response(remaining.map(formatSseEvent).join(""), { headers });
  }
  return new Response(liveStream(options, conversationId), { headers });
}

/** Every event of the run after `afterSeq`, read from the database. */
async function remainingEvents(
  options: RunStreamOptions,
  conversationId: string,
): Promise<ConversationEvent[]> {
  const found: ConversationEvent[] = [];
  let after = options.afterSeq;
  while (true) {
    const page = await options.events.after(options.actor, conversationId, after, 1000);
    found.push(...page.filter((event) => event.metadata.run_id === options.runId));
    if (page.length < 1000) return found;
    after = page[page.length - 1].metadata.seq;
  }
}

function liveStream(
  options: RunStreamOptions,
  conversationId: string,
): ReadableStream<Uint8Array> {
  const { runId, actor } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  let finished = false;
  let stopFeed: (() => Promise<void>) | undefined;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(keepAlive);
    void stopFeed?.();
    try {
      controller.close();
    } catch {
      // the reader is gone already
    }
  }

  function write(text: string): void {
    if (finished) return;
    controller.enqueue(encoder.encode(text));
    // desiredSize goes negative by the bytes queued beyond the high-water mark.
    if ((controller.desiredSize ?? 0) < -maxBuffered) {
      options.log.warn("sse reader too slow; ending the stream", { run: runId });
      finish();
    }
  }

  return new ReadableStream<Uint8Array>({
    async start(streamController) {
      controller = streamController;
      write("retry: 2000\n\n");
      try {
        const feed = await startFeed(
          conversationFeedSource(options.events, actor, conversationId),
          {
            fromSeq: options.afterSeq,
            deliver(event) {
              if (event.metadata.run_id !== runId) return;
              write(formatSseEvent(event));
              if (isTerminalRunEvent(event)) finish();
            },
            onError: (error) => options.log.warn("sse replay failed; retrying", { error }),
          },
        );
        stopFeed = () => feed.stop();
        if (finished) {
          await feed.stop();
          return;
        }
        keepAlive = setInterval(async () => {
          write(": keep-alive\n\n");
          if (!options.runs) return;
          try {
            const status = (await options.runs.get(actor, runId)).status;
            // Terminal without its event having arrived: read what pub/sub may have dropped.
            if (TERMINAL_RUN_STATUSES.includes(status)) {
              await feed.repair();
              finish();
            }
          } catch (error) {
            options.log.warn("sse status check failed", { error });
          }
        }, options.keepAliveMs ?? 15_000);
      } catch (error) {
        options.log.warn("sse stream failed", { error });
        finish();
      }
    },
    cancel() {
      finish();
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
}
