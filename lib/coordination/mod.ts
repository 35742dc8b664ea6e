/**
 * Opening coordination from configuration: Redis when `REDIS_URL` is set, otherwise in-process.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { createMemoryCoordination } from "./memory.ts";
import { openRedisCoordination } from "./redis.ts";
import type { Coordination } from "./types.ts";

export * from "./types.ts";

/** Options of `openCoordination`. */
export interface OpenCoordinationOptions {
  /** Prefix of Redis keys and channels (ignored in-process). */
  keyPrefix?: string;
}

/** Opens the coordination backend the configuration points at. */
export function openCoordination(
  config: Pick<Config, "REDIS_URL">,
  options: OpenCoordinationOptions = {},
): Promise<Coordination> {
  return config.REDIS_URL
    ? openRedisCoordination(config.REDIS_URL, options)
    : Promise.resolve(createMemoryCoordination());
}
