/**
 * The bell's live feed as Server-Sent Events: an `unread` event with the count at once, then one
 * per change (a new notification carries it in `notification`), from every instance through
 * pub/sub. Beside it, an `attention` event (what waits for the user's approval: the menu badge
 * and the conversations marked "Needs your approval") at once and after each change, so a page
 * needs one stream for all its live badges. Comment lines keep idle proxies from closing it.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import type { AttentionService } from "../domain/attention.ts";
import type { NotificationsService } from "../domain/notifications/mod.ts";
import type { Logger } from "../lib/log.ts";

const encoder = new TextEncoder();

/** Opens the stream of `actor`'s notification signals. */
export function openNotificationStream(
  notifications: Pick<NotificationsService, "subscribe" | "unreadCount">,
  attention: AttentionService,
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
      const sendAttention = async () => {
        try {
          send(`event: attention\ndata: ${JSON.stringify(await attention.read(actor))}\n\n`);
        } catch (error) {
          log.warn("attention read failed", { error: String(error) });
        }
      };
      try {
        send("retry: 5000\n\n");
        const subscription = await notifications.subscribe(actor, event);
        const attentionSubscription = await attention.subscribe(actor, () => void sendAttention());
        const keepAlive = setInterval(() => send(": keep-alive\n\n"), keepAliveMs);
        stop = async () => {
          clearInterval(keepAlive);
          await subscription.unsubscribe();
          await attentionSubscription.unsubscribe();
        };
        event({ unread: await notifications.unreadCount(actor) });
        await sendAttention();
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
