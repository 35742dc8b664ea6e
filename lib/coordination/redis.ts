/**
 * Redis-backed coordination (ioredis). Leases are `SET key token PX ttl NX` inside a Lua script
 * that also increments the key's epoch counter, so acquisition and epoch are one atomic step;
 * extend/release/check are Lua scripts that compare the token first. Pub/sub uses a second
 * connection, since a subscribed Redis connection cannot run other commands.
 *
 * While Redis is unreachable commands fail at once with `CoordinationUnavailableError` (no
 * offline queue, one retry, a command timeout) rather than wait through the client's retries;
 * ioredis keeps reconnecting in the background, and the subscriber connection re-subscribes its
 * channels when it is back.
 *
 * @module
 */
import { Redis, ReplyError } from "ioredis";
import { redactUrl } from "../redact_url.ts";
import {
  type Coordination,
  CoordinationUnavailableError,
  type Counters,
  type Lease,
  type Leases,
  type PubSub,
  StaleLeaseError,
} from "./types.ts";

/** Options of the Redis coordination. */
export interface RedisCoordinationOptions {
  /** Prefix of every key and channel, so several apps (or test suites) share one Redis. */
  keyPrefix?: string;
  /** Connection errors after startup (ioredis reconnects by itself); default logs them. */
  onError?: (error: Error) => void;
}

/** Default prefix of keys and channels. */
export const DEFAULT_KEY_PREFIX = "aae:";

const ACQUIRE = `
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return redis.call('incr', KEYS[2])
end
return false`;

const EXTEND = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

const IS_CURRENT = `
if redis.call('get', KEYS[1]) == ARGV[1] and redis.call('get', KEYS[2]) == ARGV[2] then
  return 1
end
return 0`;

const INCREMENT = `
local count = redis.call('incr', KEYS[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('pexpire', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

// Only while the window lasts (the key exists), and never below zero.
const DECREMENT = `
if redis.call('exists', KEYS[1]) == 1 and tonumber(redis.call('get', KEYS[1])) > 0 then
  redis.call('decr', KEYS[1])
end
return 0`;

/** How long a command may take before Redis counts as not answering. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Runs a command, turning a failure to reach Redis into `CoordinationUnavailableError` (a reply
 * error — Redis answered — stays what it is).
 */
async function reaching<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new CoordinationUnavailableError(error);
  }
}

/** Connects to Redis at `url`; rejects (and leaves nothing open) when it does not answer. */
export async function openRedisCoordination(
  url: string,
  options: RedisCoordinationOptions = {},
): Promise<Coordination> {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const onError = options.onError ??
    ((error: Error) => console.error(`coordination: Redis error: ${error.message}`));
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  // Before the first connection the rejection of connect() reports the failure instead.
  let connected = false;
  client.on("error", (error: Error) => connected && onError(error));
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${redactUrl(url)}: ${String(error)}`, {
      cause: error,
    });
  }
  const pubsub = redisPubSub(client, prefix, onError);
  const watchers = new Set<(available: boolean) => void>();
  let available = true;
  const setAvailable = (now: boolean) => {
    if (now === available) return;
    available = now;
    for (const watcher of watchers) watcher(now);
  };
  // "close" on every lost connection; "ready" once ioredis has reconnected.
  client.on("close", () => setAvailable(false));
  client.on("ready", () => setAvailable(true));
  return {
    kind: "redis",
    leases: redisLeases(client, prefix),
    pubsub: pubsub.api,
    counters: redisCounters(client, prefix),
    async ping() {
      await reaching(() => client.ping());
    },
    watchAvailability(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    async close() {
      // Closing on purpose is no outage to report.
      watchers.clear();
      await pubsub.close();
      await client.quit();
    },
  };
}

function redisLeases(client: Redis, prefix: string): Leases {
  const leaseKey = (key: string) => `${prefix}lease:${key}`;
  const epochKey = (key: string) => `${prefix}lease-epoch:${key}`;
  const leases: Leases = {
    async acquire(key, ttlMs) {
      const token = crypto.randomUUID();
      const epoch = await reaching(() =>
        client.eval(ACQUIRE, 2, leaseKey(key), epochKey(key), token, ttlMs)
      );
      return epoch === null ? null : { key, token, epoch: Number(epoch) };
    },
    async extend(lease, ttlMs) {
      return await reaching(() =>
        client.eval(EXTEND, 1, leaseKey(lease.key), lease.token, ttlMs)
      ) ===
        1;
    },
    async release(lease) {
      return await reaching(() => client.eval(RELEASE, 1, leaseKey(lease.key), lease.token)) === 1;
    },
    async isCurrent(lease: Lease) {
      const result = await reaching(() =>
        client.eval(
          IS_CURRENT,
          2,
          leaseKey(lease.key),
          epochKey(lease.key),
          lease.token,
          String(lease.epoch),
        )
      );
      return result === 1;
    },
    async assertCurrent(lease) {
      if (!await leases.isCurrent(lease)) throw new StaleLeaseError(lease);
    },
  };
  return leases;
}

function redisCounters(client: Redis, prefix: string): Counters {
  return {
    async increment(key, windowMs) {
      const [count, ttl] = await reaching(() =>
        client.eval(INCREMENT, 1, `${prefix}counter:${key}`, windowMs)
      ) as [number, number];
      return { count, resetInMs: ttl };
    },
    async decrement(key) {
      await reaching(() => client.eval(DECREMENT, 1, `${prefix}counter:${key}`));
    },
  };
}

/** Pub/sub over a lazily opened subscriber connection, one Redis subscription per channel. */
function redisPubSub(
  client: Redis,
  prefix: string,
  onError: (error: Error) => void,
): { api: PubSub; close(): Promise<void> } {
  const channelKey = (channel: string) => `${prefix}channel:${channel}`;
  const handlers = new Map<string, Set<(message: string) => void>>();
  let subscriber: Redis | undefined;

  function subscriberConnection(): Redis {
    if (!subscriber) {
      // Subscriptions wait for a connection (and are renewed after reconnecting) rather than fail.
      subscriber = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      subscriber.on("error", onError);
      subscriber.on("message", (channel: string, message: string) => {
        for (const handler of handlers.get(channel) ?? []) handler(message);
      });
    }
    return subscriber;
  }

  return {
    api: {
      async publish(channel, message) {
        await reaching(() => client.publish(channelKey(channel), message));
      },
      async subscribe(channel, onMessage) {
        const key = channelKey(channel);
        const handler = (message: string) => onMessage(message);
        let channelHandlers = handlers.get(key);
        if (!channelHandlers) {
          channelHandlers = new Set();
          handlers.set(key, channelHandlers);
        }
        channelHandlers.add(handler);
        // SUBSCRIBE is idempotent per connection, and resolves once Redis confirmed it.
        try {
          await reaching(() => subscriberConnection().subscribe(key));
        } catch (error) {
          // Not subscribed: the caller learns it now rather than missing messages silently.
          channelHandlers.delete(handler);
          if (channelHandlers.size === 0 && handlers.get(key) === channelHandlers) {
            handlers.delete(key);
          }
          throw error;
        }
        return {
          async unsubscribe() {
            channelHandlers.delete(handler);
            if (channelHandlers.size === 0 && handlers.get(key) === channelHandlers) {
              handlers.delete(key);
              await subscriber?.unsubscribe(key);
            }
          },
        };
      },
    },
    async close() {
      await subscriber?.quit();
    },
  };
}
