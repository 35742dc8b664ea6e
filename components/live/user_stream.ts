/**
 * The signed-in user's live stream (`/api/v1/notifications/stream`, Server-Sent Events, the
 * session cookies authenticate it), shared by every island on the page: the first listener opens
 * one `EventSource`, the last one to leave closes it. `EventSource` reconnects by itself, and the
 * server sends each feed's current value on every (re)connect.
 *
 * @module
 */

const STREAM_URL = "/api/v1/notifications/stream";

type Listener = (data: unknown) => void;

const listeners = new Map<string, Set<Listener>>();
let source: EventSource | null = null;

function dispatch(event: string, message: Event): void {
  let data: unknown;
  try {
    data = JSON.parse((message as MessageEvent<string>).data);
  } catch {
    return; // a malformed event changes nothing
  }
  for (const listener of listeners.get(event) ?? []) listener(data);
}

/**
 * Calls `listener` with the data of every `event` on the stream; answers the function that
 * stops it. Without `EventSource` (the server, old browsers) nothing is heard.
 */
export function onLiveEvent(event: string, listener: Listener): () => void {
  if (typeof EventSource === "undefined") return () => {};
  source ??= new EventSource(STREAM_URL);
  let forEvent = listeners.get(event);
  if (!forEvent) {
    listeners.set(event, forEvent = new Set());
    source.addEventListener(event, (message) => dispatch(event, message));
  }
  forEvent.add(listener);
  return () => {
    forEvent.delete(listener);
    if (forEvent.size === 0) listeners.delete(event);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}
