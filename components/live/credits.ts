/**
 * The signed-in user's credits in the browser, shared by what shows them (the balance in the
 * menu, the chat's cost line): seeded from the server-rendered values, then kept current by the
 * live stream's `credits` events, so a charge or a grant shows without a reload. Free of
 * `preact/hooks` so the menu's balance does not load them (`use_credits.ts` is the chat's hook).
 *
 * @module
 */
import { onLiveSignal } from "./signals.ts";

/** What the page knows of the user's credits. */
export interface LiveCredits {
  balance: number;
  /** What a message typically costs this user (`CreditOutlook.messageCost`). */
  messageCost: number;
}

const inBrowser = typeof document !== "undefined";
/** The page's state (browser only: on the server it would be shared by every request). */
let current: LiveCredits | null = null;
const watchers = new Set<(credits: LiveCredits) => void>();

function publish(next: LiveCredits): void {
  current = next;
  for (const watcher of watchers) watcher(next);
}

/**
 * The page's credits as known now: `seed` (server-rendered values) fills the page's state when
 * nothing did yet. On the server, the seed itself; null when neither knows.
 */
export function currentCredits(seed?: LiveCredits): LiveCredits | null {
  if (!inBrowser) return seed ?? null;
  if (current === null && seed) current = seed;
  return current;
}

/**
 * Calls `watcher` with the page's credits now (if known) and after every change, following the
 * live stream meanwhile; returns the function that stops. Browser-only: call it once mounted.
 */
export function watchCredits(watcher: (credits: LiveCredits) => void): () => void {
  watchers.add(watcher);
  if (current) watcher(current);
  const stop = onLiveSignal("credits", ({ balance }) => {
    if (current && typeof balance === "number") publish({ ...current, balance });
  });
  return () => {
    watchers.delete(watcher);
    stop();
  };
}
