/**
 * Injectable time and id sources, so tests can pin "now" and ids.
 *
 * @module
 */

/** A source of the current time. */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A source of new row ids (UUID strings). */
export type IdGenerator = () => string;

/** Random v4 UUIDs from WebCrypto. */
export const randomIds: IdGenerator = () => crypto.randomUUID();
