/**
 * Channel versions for the Kysely saver. LangGraph's default integer versions repeat when a
 * thread forks (resuming from an older checkpoint hands out `n + 1` again), and blobs are keyed by
 * version, so a fork would read or clobber the other branch's value. Versions here are a
 * zero-padded step counter (so they still compare correctly as strings, which is how LangGraph
 * compares them) plus a random suffix that tells forks apart.
 *
 * @module
 */

/** Digits of the counter part; 10 digits outlast any thread. */
const COUNTER_DIGITS = 10;

/** The version after `current` (`undefined` for a channel never written). */
export function nextChannelVersion(current: string | number | undefined): string {
  const counter = current === undefined
    ? 0
    : typeof current === "number"
    ? current
    : Number.parseInt(current.split(".", 1)[0], 10);
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new Error(`unexpected channel version ${String(current)}`);
  }
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  return `${String(counter + 1).padStart(COUNTER_DIGITS, "0")}.${suffix}`;
}
