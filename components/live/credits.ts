/**
 * The signed-in user's credits in the browser, shared by the islands that show them (the
 * balance in the menu, the chat's cost line): seeded from the server-rendered values, then kept
 * current by the live stream's `credits` events, so a charge or a grant shows without a reload.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
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
 * The user's credits, live. `seed` (server-rendered values) fills the page's state when nothing
 * did yet; without a seed the state is null until an island with one rendered.
 */
export function useCredits(seed?: LiveCredits): LiveCredits | null {
  if (inBrowser && current === null && seed) current = seed;
  const [credits, setCredits] = useState(inBrowser ? current : seed ?? null);
  useEffect(() => {
    watchers.add(setCredits);
    if (current !== credits) setCredits(current);
    const stop = onLiveSignal("credits", ({ balance }) => {
      if (current && typeof balance === "number") publish({ ...current, balance });
    });
    return () => {
      watchers.delete(setCredits);
      stop();
    };
  }, []);
  return credits;
}
