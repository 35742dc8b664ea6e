/**
 * The signed-in user's live stream as Server-Sent Events: one connection per page carries every
 * live signal, each feed as its own event (`unread` for the bell, `credits` for the balance,
 * `attention` for what waits for the user's approval), its current value at once (so a reconnect
 * catches up) and then one per change, from every instance through pub/sub. Comment lines keep
 * idle proxies from closing the stream.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import type { AttentionService } from "../domain/attention.ts";
import type { CreditsService } from "../domain/credits.ts";
import type { NotificationsService } from "../domain/notifications/mod.ts";
import type { Logger } from "../lib/log.ts";

const encoder = new TextEncoder();

/** One kind of live signal: its event name, its value now, and its changes. */
export interface LiveFeed {
  event: string;
  current(actor: Actor): Promise<unknown>;
  subscribe(
    actor: Actor,
    listener: (data: unknown) => void,
  ): Promise<{ unsubscribe(): Promise<void> }>;
}

/** The bell's feed: `{unread}`, and the new notification when one arrived. */
export function unreadFeed(
  notifications: Pick<NotificationsService, "subscribe" | "unreadCount">,
): LiveFeed {
  return {
    event: "unread",
    current: async (actor) => ({ unread: await notifications.unreadCount(actor) }),
    subscribe: (actor, listener) => notifications.subscribe(actor, listener),
  };
}

/** The credit balance's feed: `{balance}` after every committed change. */
export function creditsFeed(credits: Pick<CreditsService, "subscribe" | "balance">): LiveFeed {
  return {
    event: "credits",
    current: async (actor) => ({ balance: await credits.balance(actor) }),
    subscribe: (actor, listener) => credits.subscribe(actor, listener),
  };
}

/**
 * What waits for the user: `{pendingApprovals, awaitingConversations}`, read again on each signal
 * (the signal itself carries nothing, so readers never see a stale value).
 */
export function attentionFeed(attention: AttentionService): LiveFeed {
  return {
    event: "attention",
    current: (actor) => attention.read(actor),
    subscribe: (actor, listener) =>
      attention.subscribe(actor, () => {
        // A failed read skips one update; the next signal or a reconnect catches up.
        attention.read(actor).then(listener, () => {});
      }),
  };
}

/** Opens the stream of `actor`'s signals from `feeds`. */
export function openLiveStream(
  feeds: readonly LiveFeed[],
  actor: Actor,
  log: Logger,
  keepAliveMs = 15_000,
): Response {
  let stop: (() => Promise<void>) | undefined;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          closed = true;
        }
      };
      const sender = (event: string) => (data: unknown) =>
        send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      try {
        send("retry: 5000\n\n");
        const subscriptions = await Promise.all(
          feeds.map((feed) => feed.subscribe(actor, sender(feed.event))),
        );
        const keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);
        stop = async () => {
          clearInterval(keepAlive);
          await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
        };
        for (const feed of feeds) sender(feed.event)(await feed.current(actor));
      } catch (error) {
        log.warn("live stream failed", { error: String(error) });
        closed = true;
        controller.close();
      }
    },
    async cancel() {
      closed = true;
      await stop?.();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
