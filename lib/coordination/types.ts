/**
 * Cross-instance coordination behind one interface: leases with fencing epochs, pub/sub
 * channels and windowed counters. Redis backs it in production; an in-process implementation
 * with the same behaviour backs the embedded default.
 *
 * @module
 */

/** A held lease. `epoch` grows by one with every new acquisition of the same key. */
export interface Lease {
  readonly key: string;
  /** Random per acquisition; proves ownership to extend and release. */
  readonly token: string;
  /** Fencing number: writes carrying an older epoch than the key's current one are stale. */
  readonly epoch: number;
}

/** Mutual exclusion with expiry, for "one runner per conversation" and similar. */
export interface Leases {
  /** Takes the lease if nobody holds it; null when it is held. */
  acquire(key: string, ttlMs: number): Promise<Lease | null>;
  /** Pushes the expiry to `ttlMs` from now; false when the lease was lost (expired or taken). */
  extend(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; false when it was already lost. */
  release(lease: Lease): Promise<boolean>;
  /** True while `lease` is still held: same token, not expired, so no newer epoch exists. */
  isCurrent(lease: Lease): Promise<boolean>;
  /** Throws `StaleLeaseError` unless `lease` is current; call before every fenced write. */
  assertCurrent(lease: Lease): Promise<void>;
}

/** A live subscription. */
export interface Subscription {
  unsubscribe(): Promise<void>;
}

/** Fan-out of string messages to every subscriber of a channel, on every instance. */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active, so a publish after it is delivered. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Subscription>;
}

/** Result of counting one event in a fixed window. */
export interface CounterValue {
  /** Events counted in the current window, including this one. */
  count: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

/** Fixed-window counters for rate limits. */
export interface Counters {
  /** Counts one event under `key`; the window starts at the first event and lasts `windowMs`. */
  increment(key: string, windowMs: number): Promise<CounterValue>;
  /**
   * Takes back one event counted under `key` in its current window (never below zero), for an
   * attempt that turned out not to count; does nothing once the window has ended.
   */
  decrement(key: string): Promise<void>;
}

/** Everything coordination offers, plus lifecycle. */
export interface Coordination {
  /** `redis` or `memory`, for logs and health output. */
  readonly kind: "redis" | "memory";
  readonly leases: Leases;
  readonly pubsub: PubSub;
  readonly counters: Counters;
  /** Resolves when the backend answers (for `/readyz`). */
  ping(): Promise<void>;
  /**
   * Calls `listener(false)` when the backend stops being reachable and `listener(true)` when it
   * is back (so live fan-out can tell its clients); returns a function that stops the calls.
   * The in-process implementation is always reachable and never calls it.
   */
  watchAvailability(listener: (available: boolean) => void): () => void;
  close(): Promise<void>;
}

/**
 * The coordination backend cannot be reached (Redis is down or not answering): thrown at once
 * instead of waiting for it, so a request that needs coordination can be refused quickly and one
 * that does not can go on without it. The in-process implementation never throws it.
 */
export class CoordinationUnavailableError extends Error {
  override name = "CoordinationUnavailableError";
  constructor(cause: unknown) {
    super(`coordination unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** A write was attempted with a lease that is no longer held. */
export class StaleLeaseError extends Error {
  override name = "StaleLeaseError";
  constructor(readonly lease: Lease) {
    super(`lease ${lease.key} epoch ${lease.epoch} is no longer held`);
  }
}
