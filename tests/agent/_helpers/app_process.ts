/**
 * The real app (`deno run -A main.ts`) as a child process the agent tests can SIGKILL at a
 * named point and restart on the same data: the test hooks (`AAE_TEST_HOOKS=1`) give it a
 * scripted model and pause points (see `agent/runs/test_hooks.ts`). The process handling itself
 * is `tests/_helpers/app_process.ts`; this layer adds the hooks env, the JWT secret, and the
 * test's own handle on the shared database.
 *
 * @module
 */
import { join } from "node:path";
import { createPool } from "mysql2";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import type { Database } from "../../../db/database.ts";
import { SQLITE_FILE_NAME } from "../../../db/mod.ts";
import { openMysql } from "../../../db/mysql.ts";
import { openSqlite } from "../../../db/sqlite.ts";
import type { Actor } from "../../../domain/actor.ts";
import { createDomain, type Domain } from "../../../domain/mod.ts";
import { createMemoryCoordination } from "../../../lib/coordination/memory.ts";
import { type AppProcess, startApp as startAppProcess } from "../../_helpers/app_process.ts";

/** JWT secret shared by the app processes and the test (to mint access tokens). */
export const PROCESS_JWT_SECRET = "crash-test-secret-0123456789abcdef-0123";

/** The process handle `startApp` returns (the generic one, see `tests/_helpers/app_process.ts`). */
export type { AppProcess };

/**
 * Starts the app with the test hooks, a known JWT secret and quiet logs, `env` on top, and waits
 * for `/healthz`. `env.DATA_DIR` (usually from `sharedData().env`) stays the caller's, so a
 * restarted process sees the same data; without it the process gets a temporary one.
 */
export function startApp(env: Record<string, string>): Promise<AppProcess> {
  const { DATA_DIR: dataDir, ...rest } = env;
  return startAppProcess({
    dataDir,
    env: { JWT_SECRET_KEY: PROCESS_JWT_SECRET, AAE_TEST_HOOKS: "1", LOG_LEVEL: "warn", ...rest },
  });
}

/** The database the app processes share, and a domain on it for setup and checks. */
export interface SharedData {
  /** Env for the app: DATA_DIR, and DATABASE_URL / REDIS_URL when the backend has them. */
  env: Record<string, string>;
  kind: "sqlite" | "mysql";
  /** Opens the test's own handle (call after an app has migrated the database). */
  open(): { db: Database; domain: Domain };
  dispose(): Promise<void>;
}

/** A fresh data directory, plus a scratch MySQL database when `DATABASE_URL` is set. */
export async function sharedData(): Promise<SharedData> {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-agent-proc-" });
  const serverUrl = Deno.env.get("DATABASE_URL");
  const redisUrl = Deno.env.get("REDIS_URL");
  const env: Record<string, string> = { DATA_DIR: dataDir };
  if (redisUrl) env.REDIS_URL = redisUrl;
  let scratch: string | undefined;
  if (serverUrl) {
    scratch = `aae_proc_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = createPool({ uri: serverUrl, connectionLimit: 1 }).promise();
    await admin.query(
      `CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${scratch}`;
    env.DATABASE_URL = url.toString();
  }
  const handles: Database[] = [];
  return {
    env,
    kind: serverUrl ? "mysql" : "sqlite",
    open() {
      const db = env.DATABASE_URL
        ? openMysql(env.DATABASE_URL)
        : openSqlite(join(dataDir, SQLITE_FILE_NAME));
      handles.push(db);
      const domain = createDomain({
        db,
        coordination: createMemoryCoordination(),
        passwordIterations: 1_000,
      });
      return { db, domain };
    },
    async dispose() {
      for (const db of handles) await db.close();
      if (serverUrl && scratch) {
        const admin = createPool({ uri: serverUrl, connectionLimit: 1 }).promise();
        await admin.query(`DROP DATABASE \`${scratch}\``);
        await admin.end();
      }
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/**
 * A bearer token for `actor`, signed with the processes' secret, of a real sign-in (an access
 * token only works while its sign-in lasts).
 */
export async function tokenFor(domain: Domain, actor: Actor): Promise<string> {
  const { session } = await domain.sessions.create(actor);
  const tokens = await AccessTokens.create(PROCESS_JWT_SECRET);
  return (await tokens.issue({ userId: actor.userId, role: actor.role, sessionId: session.id }))
    .token;
}

/** JSON over HTTP with a bearer token. */
export async function api(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return await callApi(base, method, path, token, body);
}

/** JSON over HTTP to `/api/v1`, with a bearer token when given: status, headers, parsed body. */
export async function callApi(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}
