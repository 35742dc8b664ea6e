/**
 * The chat's view of the user's credits (`credits.ts`) as a hook.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { currentCredits, type LiveCredits, watchCredits } from "./credits.ts";

/**
 * The user's credits, live. `seed` (server-rendered values) fills the page's state when nothing
 * did yet; without a seed the state is null until something with one rendered.
 */
export function useCredits(seed?: LiveCredits): LiveCredits | null {
  const [credits, setCredits] = useState(() => currentCredits(seed));
  useEffect(() => watchCredits(setCredits), []);
  return credits;
}
