/**
 * Dev-mode live reload. `deno task dev` restarts the server on every change; each process has its
 * own revision, and the injected client reloads the page when it reconnects to a new one.
 *
 * @module
 */

/** The dev reload endpoint. */
export const ALIVE_PATH = "/_frsh/alive";

const revision = crypto.randomUUID();

/** Server-sent events announcing this process's revision; the client reconnects after 300 ms. */
export function aliveResponse(): Response {
  const body = `retry: 300\ndata: ${revision}\n\n`;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Left open: the connection drops when the process restarts, which starts a reconnect.
      controller.enqueue(new TextEncoder().encode(body));
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
  });
}

/** The client: a classic script, so it never counts as a page's module JavaScript. */
export const aliveScript = `<script>(()=>{let r;const s=new EventSource(${
  JSON.stringify(ALIVE_PATH)
});s.onmessage=(e)=>{if(r&&r!==e.data)location.reload();r=e.data}})()</script>`;
