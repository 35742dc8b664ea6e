/**
 * Channel versions for the Kysely saver. LangGraph's default versions count up by one, so they
 * repeat when a thread forks (resuming from an older checkpoint hands out `n + 1` again); blobs
 * are keyed by version, so a fork would read or clobber the other branch's value. Versions here
 * are still numbers (LangGraph's graph types expect numeric versions) but carry a random part
 * below the step counter: `counter * 2^26 + random`, so they compare by step and forks differ
 * (a collision needs two forks of one parent drawing the same 26-bit number for a channel).
 *
 * @module
 */

/** Low bits of a version that are random. */
const RANDOM_RANGE = 2 ** 26;
/** Largest counter that keeps versions exact integers (about 134 million steps per thread). */
const MAX_COUNTER = Math.floor(Number.MAX_SAFE_INTEGER / RANDOM_RANGE) - 1;

/** The version after `current` (`undefined` for a channel never written). */
export function nextChannelVersion(current: number | string | undefined): number {
  const value = current === undefined ? 0 : Number(current);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`unexpected channel version ${String(current)}`);
  }
  const counter = Math.floor(value / RANDOM_RANGE) + 1;
  if (counter > MAX_COUNTER) throw new Error("channel version counter exhausted");
  const random = crypto.getRandomValues(new Uint32Array(1))[0] % RANDOM_RANGE;
  return counter * RANDOM_RANGE + random;
}
