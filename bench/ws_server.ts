/**
 * The server process of `bench/ws.ts`: the real app (`createApp` over `openServices`, so
 * `/ws/chat` is wired exactly as in `main.ts`) plus two bench-only routes, served only by this
 * script, never by `main.ts`:
 *
 * - `GET /__bench/memory`: this process's RSS after a full GC;
 * - `POST /__bench/append`: appends events through the real event log (persist, then publish)
 *   to the given conversations at a steady rate, and answers once done with, per event, the
 *   moment its `append` resolved (committed and published).
 *
 * Configured by the environment like the app (`DATA_DIR`, `DATABASE_URL`, `REDIS_URL`, `PORT`).
 * Prints `BENCH_SERVER_READY <port>` when listening.
 *
 * @module
 */
import { createApp } from "../main.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { openServices } from "../app/services.ts";

/** Body of `POST /__bench/append`. */
export interface AppendRequest {
  userId: string;
  conversationIds: string[];
  /** Events per conversation. */
  eventsPerConversation: number;
  /** Pause between two events of one conversation. */
  intervalMs: number;
}

const config = loadConfig();
const services = await openServices(config, createLogger("warn"));
const app = await createApp(services);
const gc = (globalThis as { gc?: () => void }).gc;

/** `[conversation index, seq, epoch ms when append resolved]` per event. */
export type AppendedEvent = [number, number, number];

async function appendAll(request: AppendRequest): Promise<AppendedEvent[]> {
  const actor = { userId: request.userId, role: "user" as const };
  const appended: AppendedEvent[] = [];
  // One writer per conversation, like one runner per conversation.
  await Promise.all(request.conversationIds.map(async (conversationId, index) => {
    // Spread the writers over the interval so the load is steady, not in bursts.
    await new Promise((resolve) =>
      setTimeout(resolve, (request.intervalMs * index) / request.conversationIds.length)
    );
    for (let i = 0; i < request.eventsPerConversation; i++) {
      const event = await services.domain.conversationEvents.append(actor, conversationId, {
        type: "assistant",
        content: `delta ${i} `.padEnd(48, "."),
        runId: null,
        metadata: { delta: true },
      });
      appended.push([index, event.metadata.seq, Date.now()]);
      await new Promise((resolve) => setTimeout(resolve, request.intervalMs));
    }
  }));
  return appended;
}

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: config.PORT,
  onListen: ({ port }) => console.log(`BENCH_SERVER_READY ${port}`),
}, async (req, info) => {
  const { pathname } = new URL(req.url);
  if (pathname === "/__bench/memory") {
    gc?.();
    return Response.json({ rss: Deno.memoryUsage().rss });
  }
  if (pathname === "/__bench/append" && req.method === "POST") {
    const appended = await appendAll(await req.json() as AppendRequest);
    return Response.json({ appended });
  }
  return await app(req, info);
});

Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  await services.close();
  Deno.exit(0);
});
