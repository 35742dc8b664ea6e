/**
 * The page's one connection to the live signals stream (`/api/v1/notifications/stream`, the
 * session cookies authenticate it), shared by every island that shows a live badge: browsers
 * allow only a few open connections per site, so each tab holds a single stream however many
 * badges listen. `EventSource` reconnects by itself; the stream sends each signal's current
 * value on (re)connect, and a listener that joins later gets the latest value at once.
 *
 * @module
 */

/** The signals the stream sends, by SSE event name. */
export interface LiveSignals {
  /** The bell's unread count. */
  unread: { unread: number };
  /** What waits for the user's decision (see `domain/attention.ts`). */
  attention: { pendingApprovals: number; awaitingConversations: string[] };
  /** The credit balance after each committed change. */
  credits: { balance: number };
}

const STREAM_PATH = "/api/v1/notifications/stream";

let source: EventSource | null = null;
let listening = 0;
const latest = new Map<keyof LiveSignals, unknown>();

/**
 * Calls `listener` with each value of the signal `name` (the latest known one first, if any);
 * returns the function that stops listening. Browser-only: call it from an effect.
 */
export function onLiveSignal<Name extends keyof LiveSignals>(
  name: Name,
  listener: (value: LiveSignals[Name]) => void,
): () => void {
  if (typeof EventSource === "undefined") return () => {};
  source ??= openStream();
  listening++;
  const handler = (event: Event) => {
    const value = parse((event as MessageEvent<string>).data);
    if (value !== undefined) listener(value as LiveSignals[Name]);
  };
  source.addEventListener(name, handler);
  if (latest.has(name)) listener(latest.get(name) as LiveSignals[Name]);
  return () => {
    source?.removeEventListener(name, handler);
    if (--listening > 0) return;
    source?.close();
    source = null;
    latest.clear();
  };
}

function openStream(): EventSource {
  const stream = new EventSource(STREAM_PATH);
  for (const name of ["unread", "attention", "credits"] satisfies (keyof LiveSignals)[]) {
    stream.addEventListener(name, (event) => {
      const value = parse((event as MessageEvent<string>).data);
      if (value !== undefined) latest.set(name, value);
    });
  }
  return stream;
}

/** The event's JSON, or undefined when malformed (which then changes nothing). */
function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
