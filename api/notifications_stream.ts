/**
 * The bell's live feed as Server-Sent Events: an `unread` event with the count at once, then one
 * per change (a new notification carries it in `notification`), from every instance through
 * pub/sub. Comment lines keep idle proxies from closing the stream.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import type { NotificationsService } from "../domain/notifications/mod.ts";
import type { Logger } from "../lib/log.ts";

const encoder = new TextEncoder();

/** Opens the stream of `actor`'s notification signals. */
export function openNotificationStream(
  notifications: Pick<NotificationsService, "subscribe" | "unreadCount">,
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
      const event = (data: unknown) => send(`event: unread\ndata: ${JSON.stringify(data)}\n\n`);
      try {
        send("retry: 5000\n\n");
        const subscription = await notifications.subscribe(actor, event);
        const keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);
        stop = async () => {
          clearInterval(keepAlive);
          await subscription.unsubscribe();
        };
        event({ unread: await notifications.unreadCount(actor) });
      } catch (error) {
        log.warn("notification stream failed", { error: String(error) });
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
