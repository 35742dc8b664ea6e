/**
 * One test backend per test file, chosen by environment: with DATABASE_URL / REDIS_URL set (CI
 * sets both), a scratch MariaDB/MySQL database and a Redis key prefix unique to the suite —
 * failing loudly if the service is down; without them, an embedded SQLite file in a temp dir and
 * in-process coordination. Either way the database is migrated and a domain is built on it.
 *
 * @module
 */
import { join } from "node:path";
import { Redis } from "ioredis";
import { createPool } from "mysql2";
import type { Database } from "../../db/database.ts";
import { migrateToLatest } from "../../db/migrator.ts";
import { openMysql } from "../../db/mysql.ts";
import { openSqlite } from "../../db/sqlite.ts";
import { createMemoryCoordination } from "../../lib/coordination/memory.ts";
import { openRedisCoordination } from "../../lib/coordination/redis.ts";
import type { Coordination } from "../../lib/coordination/types.ts";
import { type Clock, randomIds } from "../../domain/clock.ts";
import { createDomain, type Domain, type DomainOptions } from "../../domain/mod.ts";

/** PBKDF2 cost for tests: real algorithm, trivial cost. */
export const TEST_PASSWORD_ITERATIONS = 1_000;

/** A clock tests can set and advance. */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

/** A clock starting at `iso`. */
export function testClock(iso = "2026-11-26T12:00:00.000Z"): TestClock {
  let current = Date.parse(iso);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = Date.parse(next);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Everything a test needs. */
export interface TestBackend {
  /** `sqlite` or `mysql`, plus `memory` or `redis`. */
  readonly name: string;
  readonly db: Database;
  readonly coordination: Coordination;
  readonly clock: TestClock;
  readonly domain: Domain;
  /** Builds another domain over the same database and coordination (e.g. another clock). */
  domainWith(options: Partial<DomainOptions>): Domain;
  /** Opens a second, independent handle to the same database (caller closes it). */
  openAnotherHandle(): Database;
  /** Closes everything and drops the scratch database / keys. */
  close(): Promise<void>;
}

/** Options of `openTestBackend`. */
export interface TestBackendOptions {
  /** Skip migrations (for migration tests). */
  migrate?: boolean;
  /** Skip the test (e.g. several instances, which the embedded default does not support). */
  ignore?: boolean;
}

/** Opens a fresh isolated backend. */
export async function openTestBackend(options: TestBackendOptions = {}): Promise<TestBackend> {
  const suiteId = `aae_test_${randomIds().replaceAll("-", "").slice(0, 12)}`;
  const database = await openScratchDatabase(suiteId);
  const coordination = await openScratchCoordination(suiteId);
  if (options.migrate ?? true) await migrateToLatest(database.db);
  const clock = testClock();
  const domainWith = (overrides: Partial<DomainOptions>) =>
    createDomain({
      db: database.db,
      coordination: coordination.coordination,
      clock,
      passwordIterations: TEST_PASSWORD_ITERATIONS,
      ...overrides,
    });
  return {
    name: backendName(),
    db: database.db,
    coordination: coordination.coordination,
    clock,
    domain: domainWith({}),
    domainWith,
    openAnotherHandle: database.openAnotherHandle,
    async close() {
      await coordination.dispose();
      await database.dispose();
    },
  };
}

/**
 * Registers a `Deno.test` that gets its own backend. Sanitizers are off: database pools and
 * Redis sockets outlive individual steps by design and are closed at the end.
 */
export function backendTest(
  name: string,
  fn: (t: Deno.TestContext, backend: TestBackend) => Promise<void>,
  options: TestBackendOptions = {},
): void {
  Deno.test({
    name: `[${backendName()}] ${name}`,
    ignore: options.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const backend = await openTestBackend(options);
      try {
        await fn(t, backend);
      } finally {
        await backend.close();
      }
    },
  });
}

/** Which backend the environment selects, e.g. `sqlite+memory` or `mysql+redis`. */
export function backendName(): string {
  const database = Deno.env.get("DATABASE_URL") ? "mysql" : "sqlite";
  const coordination = Deno.env.get("REDIS_URL") ? "redis" : "memory";
  return `${database}+${coordination}`;
}

/**
 * For tests that open the app's own services from configuration: with DATABASE_URL set, the URL
 * of a scratch database named `name`, dropped and created anew (so nothing from an earlier run
 * is seen); without it, undefined (the embedded default).
 */
export async function scratchDatabaseUrl(name: string): Promise<string | undefined> {
  const serverUrl = Deno.env.get("DATABASE_URL");
  if (!serverUrl) return undefined;
  const admin = createPool({ uri: serverUrl, connectionLimit: 1 }).promise();
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function openScratchDatabase(suiteId: string) {
  const serverUrl = Deno.env.get("DATABASE_URL");
  if (!serverUrl) {
    const dir = await Deno.makeTempDir({ prefix: suiteId });
    const file = join(dir, "test.sqlite");
    const db = openSqlite(file);
    return {
      db,
      openAnotherHandle: () => openSqlite(file),
      async dispose() {
        await db.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  }
  const admin = createPool({ uri: serverUrl, connectionLimit: 1 }).promise();
  try {
    await admin.query(
      `CREATE DATABASE \`${suiteId}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } catch (error) {
    await admin.end();
    throw new Error(`DATABASE_URL is set but MySQL/MariaDB is unusable: ${String(error)}`);
  }
  const scratchUrl = new URL(serverUrl);
  scratchUrl.pathname = `/${suiteId}`;
  const db = openMysql(scratchUrl.toString());
  return {
    db,
    openAnotherHandle: () => openMysql(scratchUrl.toString()),
    async dispose() {
      await db.close();
      await admin.query(`DROP DATABASE \`${suiteId}\``);
      await admin.end();
    },
  };
}

async function openScratchCoordination(suiteId: string) {
  const url = Deno.env.get("REDIS_URL");
  if (!url) {
    return { coordination: createMemoryCoordination(), dispose: () => Promise.resolve() };
  }
  const keyPrefix = `${suiteId}:`;
  const coordination = await openRedisCoordination(url, { keyPrefix });
  return {
    coordination,
    async dispose() {
      await coordination.close();
      await deleteKeys(url, `${keyPrefix}*`);
    },
  };
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    await client.quit();
  }
}
