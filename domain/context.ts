/**
 * What every service is built from: the database, coordination, time and ids, platforms.
 *
 * @module
 */
import type { Database } from "../db/database.ts";
import { toDbTimestamp } from "../db/time.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import type { PlatformRegistry } from "./platforms/adapter.ts";

/** Dependencies shared by the domain services. */
export interface DomainContext {
  readonly db: Database;
  readonly coordination: Coordination;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly platforms: PlatformRegistry;
}

/** The current time as a timestamp column value. */
export function nowForDb(context: DomainContext): string {
  return toDbTimestamp(context.clock.now());
}
