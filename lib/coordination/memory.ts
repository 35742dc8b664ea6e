/**
 * In-process coordination for the embedded default (one instance): the same semantics as the
 * Redis implementation — lease expiry and fencing epochs, pub/sub delivered asynchronously,
 * fixed-window counters — kept in maps.
 *
 * @module
 */
import {
  type Coordination,
  type Counters,
  type CounterValue,
  type Lease,
  type Leases,
  StaleLeaseError,
} from "./types.ts";

/** Options of the in-process coordination. */
export interface MemoryCoordinationOptions {
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

/** Counters are swept for expired windows once the map grows past this size. */
const COUNTER_SWEEP_THRESHOLD = 10_000;

/** Creates in-process coordination. */
export function createMemoryCoordination(options: MemoryCoordinationOptions = {}): Coordination {
  const now = options.now ?? Date.now;
  return {
    kind: "memory",
    leases: memoryLeases(now),
    pubsub: memoryPubSub(),
    counters: memoryCounters(now),
    ping: () => Promise.resolve(),
    watchAvailability: () => () => {},
    close: () => Promise.resolve(),
  };
}

function memoryLeases(now: () => number): Leases {
  const held = new Map<string, { token: string; epoch: number; expiresAt: number }>();
  const epochs = new Map<string, number>();

  /** The live holder of `lease.key`, if it is `lease`. */
  const holding = (lease: Lease) => {
    const current = held.get(lease.key);
    return current && current.token === lease.token && current.epoch === lease.epoch &&
        current.expiresAt > now()
      ? current
      : undefined;
  };

  const leases: Leases = {
    acquire(key, ttlMs) {
      const current = held.get(key);
      if (current && current.expiresAt > now()) return Promise.resolve(null);
      const epoch = (epochs.get(key) ?? 0) + 1;
      epochs.set(key, epoch);
      const token = crypto.randomUUID();
      held.set(key, { token, epoch, expiresAt: now() + ttlMs });
      return Promise.resolve({ key, token, epoch });
    },
    extend(lease, ttlMs) {
      const current = holding(lease);
      if (current) current.expiresAt = now() + ttlMs;
      return Promise.resolve(current !== undefined);
    },
    release(lease) {
      const current = holding(lease);
      if (current) held.delete(lease.key);
      return Promise.resolve(current !== undefined);
    },
    isCurrent(lease) {
      return Promise.resolve(holding(lease) !== undefined);
    },
    async assertCurrent(lease) {
      if (!await leases.isCurrent(lease)) throw new StaleLeaseError(lease);
    },
  };
  return leases;
}

function memoryPubSub(): Coordination["pubsub"] {
  const channels = new Map<string, Set<(message: string) => void>>();
  return {
    publish(channel, message) {
      for (const handler of channels.get(channel) ?? []) {
        // Asynchronous like Redis delivery, so publishers never run subscriber code inline.
        queueMicrotask(() => handler(message));
      }
      return Promise.resolve();
    },
    subscribe(channel, onMessage) {
      // A wrapper per subscription, so subscribing the same function twice gets two deliveries.
      const handler = (message: string) => onMessage(message);
      const handlers = channels.get(channel) ?? new Set();
      handlers.add(handler);
      channels.set(channel, handlers);
      return Promise.resolve({
        unsubscribe() {
          handlers.delete(handler);
          if (handlers.size === 0 && channels.get(channel) === handlers) channels.delete(channel);
          return Promise.resolve();
        },
      });
    },
  };
}

/** Fixed-window counters in this process alone (also the fallback of shared counters). */
export function createMemoryCounters(now: () => number = Date.now): Counters {
  return memoryCounters(now);
}

function memoryCounters(now: () => number): Counters {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    increment(key, windowMs): Promise<CounterValue> {
      const moment = now();
      if (windows.size > COUNTER_SWEEP_THRESHOLD) {
        for (const [name, window] of windows) if (window.resetAt <= moment) windows.delete(name);
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= moment) {
        window = { count: 0, resetAt: moment + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return Promise.resolve({ count: window.count, resetInMs: window.resetAt - moment });
    },
    decrement(key): Promise<void> {
      const window = windows.get(key);
      if (window && window.resetAt > now() && window.count > 0) window.count -= 1;
      return Promise.resolve();
    },
  };
}
