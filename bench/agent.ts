/**
 * Agent persistence benchmark: a scripted 20-step ReAct conversation (a fake model node that
 * calls a tool with ~0.5 KB of arguments, a tool node answering with ~0.5 KB, ~10 KB of messages
 * in all) run with `durability: "sync"`, so every step is stored before the next one starts.
 * Per-step time (p50/p95) is compared across checkpointers measured in the same run: none,
 * LangGraph's `MemorySaver`, `KyselySaver` on SQLite, and on MariaDB/MySQL when reachable (in a
 * scratch database created and dropped here) as the app runs it (group commit) and with a commit
 * per call, next to the floor for any durable saver there (one bare commit per step). Also reports the bytes the saver stores per
 * conversation, next to the same saver storing every list version whole (what LangGraph's
 * Postgres saver does), and whether the goals are met.
 *
 * Usage: `deno task bench agent [--runs=N] [--mysql=URL]` (default 30 runs, mysql://root@127.0.0.1:3306).
 *
 * The graph and the checkpointer targets are separate pieces (`scriptedReactGraph`,
 * `BenchTarget`) so the full agent can be benchmarked by adding a graph factory.
 *
 * @module
 */
import { join } from "node:path";
import { createPool } from "mysql2";
import { sql } from "kysely";
// @ts-types="@langchain/core/messages"
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { checkpointStorageBytes } from "../agent/checkpoint/storage_size.ts";
import { KyselySaver, type KyselySaverOptions } from "../agent/checkpoint/kysely_saver.ts";
import { binary } from "../agent/checkpoint/store.ts";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { openMysql } from "../db/mysql.ts";
import { openSqlite } from "../db/sqlite.ts";

/** Node steps per conversation: 10 model calls and 10 tool calls. */
export const STEPS = 20;
/** Goals from the product brief. */
const GOALS = { p50OverheadMs: 1, p95OverheadMs: 2, bytesPerRun: 65 * 1024 };

/** A checkpointer to measure; `open` returns undefined when it is unavailable here. */
export interface BenchTarget {
  name: string;
  open(): Promise<OpenTarget | undefined>;
}

/** An opened target: the checkpointer, how to measure its storage, how to clean up. */
export interface OpenTarget {
  checkpointer?: BaseCheckpointSaver;
  /** Bytes stored for one thread, with a per-table breakdown (savers with tables only). */
  bytesFor?(threadId: string): Promise<{ total: number; detail: string }>;
  /** Why the numbers are what they are (e.g. where the database is). */
  note?: string;
  close(): Promise<void>;
}

/** Per-step timings and storage of one target. */
export interface TargetResult {
  name: string;
  stepMs: number[];
  bytesPerRun?: number;
  bytesDetail?: string;
  note?: string;
}

/** Deterministic filler text of about `length` characters, different for each seed. */
function filler(seed: number, length: number): string {
  const words = ["campaign", "spend", "clicks", "budget", "conversions", "audience", "creative"];
  let text = "";
  let state = seed * 2654435761 % 4294967296;
  while (text.length < length) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    text += `${words[state % words.length]}_${(state >>> 8) % 10000} `;
  }
  return text.slice(0, length);
}

/** The fake model: a tool call with ~0.5 KB of arguments per turn, then a final answer. */
function fakeModel(state: typeof MessagesAnnotation.State): { messages: BaseMessage[] } {
  const turn = state.messages.filter((message) => message instanceof AIMessage).length;
  return {
    messages: [
      new AIMessage({
        content: `Looking at campaign ${turn + 1}.`,
        tool_calls: [{
          id: `call_${turn + 1}`,
          name: "get_campaign_report",
          args: { campaign_id: `cmp_${turn + 1}`, notes: filler(turn, 440) },
          type: "tool_call",
        }],
      }),
    ],
  };
}

/** The fake tool: answers the last tool call with ~0.5 KB. */
function fakeTool(state: typeof MessagesAnnotation.State): { messages: BaseMessage[] } {
  const last = state.messages.at(-1) as AIMessage;
  const call = last.tool_calls![0];
  return {
    messages: [
      new ToolMessage({
        tool_call_id: call.id!,
        name: call.name,
        content: JSON.stringify({ campaign: call.args.campaign_id, report: filler(1000, 440) }),
      }),
    ],
  };
}

/** The scripted ReAct graph: model → tool, ten times. */
export function scriptedReactGraph(checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("model", fakeModel)
    .addNode("tool", fakeTool)
    .addEdge(START, "model")
    .addEdge("model", "tool")
    .addConditionalEdges("tool", (state) => state.messages.length >= STEPS + 1 ? END : "model")
    .compile({ checkpointer });
}

/** The compiled scripted graph. */
export type ReactGraph = ReturnType<typeof scriptedReactGraph>;

/** Runs one conversation; returns each step's duration in ms. */
async function runConversation(
  graph: ReactGraph,
  threadId: string,
): Promise<number[]> {
  const durations: number[] = [];
  const stream = await graph.stream(
    { messages: [new HumanMessage("How did my campaigns do this week? " + filler(7, 60))] },
    { configurable: { thread_id: threadId }, streamMode: "values", durability: "sync" },
  );
  let last: number | undefined;
  // "values" is emitted after each step's checkpoint is stored (sync durability); the first
  // event is the input, so the gaps between events are the node steps.
  for await (const _ of stream) {
    const now = performance.now();
    if (last !== undefined) durations.push(now - last);
    last = now;
  }
  if (durations.length !== STEPS) {
    throw new Error(`expected ${STEPS} steps, got ${durations.length}`);
  }
  return durations;
}

/**
 * Measures targets side by side: all are opened, warmed up, then run one conversation each in
 * turn, `runs` rounds, so load from other processes falls on every target alike.
 */
export async function measureAll(
  targets: readonly BenchTarget[],
  runs: number,
): Promise<TargetResult[]> {
  const opened: { target: BenchTarget; open: OpenTarget; graph: ReactGraph; stepMs: number[] }[] =
    [];
  try {
    for (const target of targets) {
      const open = await target.open();
      if (open) {
        opened.push({ target, open, graph: scriptedReactGraph(open.checkpointer), stepMs: [] });
      }
    }
    for (const entry of opened) {
      for (let i = 0; i < 5; i++) await runConversation(entry.graph, crypto.randomUUID());
    }
    const lastThread = new Map<string, string>();
    for (let round = 0; round < runs; round++) {
      for (const entry of opened) {
        const threadId = crypto.randomUUID();
        entry.stepMs.push(...await runConversation(entry.graph, threadId));
        lastThread.set(entry.target.name, threadId);
      }
    }
    const results: TargetResult[] = [];
    for (const { target, open, stepMs } of opened) {
      const threadId = lastThread.get(target.name)!;
      const bytes = open.bytesFor ? await open.bytesFor(threadId) : undefined;
      results.push({
        name: target.name,
        stepMs,
        bytesPerRun: bytes?.total,
        bytesDetail: bytes?.detail,
        note: open.note,
      });
    }
    return results;
  } finally {
    for (const { open } of opened) await open.close();
  }
}

/** `KyselySaver` on a database opened by `openDb`, optionally storing lists whole. */
function kyselyTarget(
  name: string,
  openDb: () => Promise<{ db: Database; drop(): Promise<void>; note: string } | undefined>,
  options: KyselySaverOptions = {},
): BenchTarget {
  return {
    name,
    async open() {
      const opened = await openDb();
      if (!opened) return undefined;
      await migrateToLatest(opened.db);
      return {
        checkpointer: new KyselySaver(opened.db, options),
        bytesFor: async (threadId) => {
          const bytes = await checkpointStorageBytes(opened.db, threadId);
          const detail = `checkpoints ${kb(bytes.agent_checkpoints)}, blobs ${
            kb(bytes.agent_checkpoint_blobs)
          }, writes ${kb(bytes.agent_checkpoint_writes)}`;
          return { total: bytes.total, detail };
        },
        note: opened.note,
        close: async () => {
          await opened.db.close();
          await opened.drop();
        },
      };
    },
  };
}

async function openTempSqlite() {
  const dir = await Deno.makeTempDir({ prefix: "aae_bench_" });
  return {
    db: openSqlite(join(dir, "bench.sqlite")),
    drop: () => Deno.remove(dir, { recursive: true }),
    note: "temp file, WAL",
  };
}

async function canReach(serverUrl: string): Promise<boolean> {
  const pool = createPool({ uri: serverUrl, connectionLimit: 1, connectTimeout: 2000 }).promise();
  try {
    await pool.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await pool.end();
  }
}

async function openScratchMysql(serverUrl: string, multipleStatements = false) {
  const admin = createPool({ uri: serverUrl, connectionLimit: 1, connectTimeout: 2000 })
    .promise();
  const name = `aae_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } catch (error) {
    await admin.end();
    throw new Error(`cannot create a scratch database at ${serverUrl}`, { cause: error });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const [[version]] = await admin.query("SELECT VERSION() AS v") as unknown as [[{ v: string }]];
  return {
    db: openMysql(url.toString(), { multipleStatements }),
    async drop() {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    },
    note: `server ${version.v}`,
  };
}

/**
 * The floor for any saver that stores each step durably before the next: LangGraph's in-memory
 * saver plus one bare INSERT + commit (one round trip, ~2 KB, a table with nothing but a primary
 * key) per checkpoint, measured inside the same graph run, where a round trip costs more than in a
 * tight loop.
 */
function commitFloorTarget(serverUrl: string): BenchTarget {
  return {
    name: "  floor: 1 commit/step",
    async open() {
      const opened = await openScratchMysql(serverUrl);
      const db = opened.db.kysely;
      await sql`CREATE TABLE probe (id CHAR(36) PRIMARY KEY, data LONGBLOB)`.execute(db);
      const payload = binary(new TextEncoder().encode(filler(3, 2000)));
      class CommitPerStep extends MemorySaver {
        override async put(...args: Parameters<MemorySaver["put"]>) {
          await sql`INSERT INTO probe VALUES (${crypto.randomUUID()}, ${payload})`.execute(db);
          return await super.put(...args);
        }
      }
      return {
        checkpointer: new CommitPerStep(),
        note: "MemorySaver + a bare INSERT per step",
        close: async () => {
          await opened.db.close();
          await opened.drop();
        },
      };
    },
  };
}

/**
 * Context for the MariaDB figures: p50/p95 of a bare one-row INSERT (one round trip, one commit)
 * on the same server right now, since other load on the machine moves every database figure.
 */
async function rawCommitMs(serverUrl: string): Promise<[number, number]> {
  const opened = await openScratchMysql(serverUrl);
  const db = opened.db.kysely;
  try {
    await sql`CREATE TABLE probe (id CHAR(36) PRIMARY KEY, data LONGBLOB)`.execute(db);
    const payload = binary(new TextEncoder().encode(filler(3, 1000)));
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await sql`INSERT INTO probe VALUES (${crypto.randomUUID()}, ${payload})`.execute(db);
      times.push(performance.now() - start);
    }
    return [percentile(times, 50), percentile(times, 95)];
  } finally {
    await opened.db.close();
    await opened.drop();
  }
}

/** Percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Entry point for `deno task bench agent`. */
export async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = Number(option("runs") ?? 30);
  const mysqlUrl = option("mysql") ?? "mysql://root@127.0.0.1:3306";

  const mysqlReachable = await canReach(mysqlUrl);
  const targets: BenchTarget[] = [
    { name: "no saver", open: () => Promise.resolve({ close: () => Promise.resolve() }) },
    {
      name: "MemorySaver",
      open: () =>
        Promise.resolve({ checkpointer: new MemorySaver(), close: () => Promise.resolve() }),
    },
    kyselyTarget("KyselySaver sqlite", openTempSqlite),
  ];
  if (mysqlReachable) {
    targets.push(
      // As the app runs it: a step's writes and checkpoint committed together.
      kyselyTarget("KyselySaver mariadb", () => openScratchMysql(mysqlUrl, true), {
        groupCommit: true,
      }),
      kyselyTarget("  a commit per call", () => openScratchMysql(mysqlUrl)),
      commitFloorTarget(mysqlUrl),
    );
  } else {
    console.log(`MariaDB/MySQL not reachable at ${mysqlUrl}: its rows are skipped`);
  }
  console.log(
    `agent bench: ${STEPS}-step scripted ReAct conversation, durability "sync", ${runs} runs ` +
      `(+5 warm-up) per checkpointer\n`,
  );
  const results = await measureAll(targets, runs);
  const raw = mysqlReachable ? await rawCommitMs(mysqlUrl) : undefined;
  const baseline = results.find((result) => result.name === "no saver")!;
  const base50 = percentile(baseline.stepMs, 50);
  const base95 = percentile(baseline.stepMs, 95);
  console.log(
    "checkpointer            p50/step     p95/step     +p50 over none  +p95 over none  bytes/run",
  );
  for (const result of results) {
    const p50 = percentile(result.stepMs, 50);
    const p95 = percentile(result.stepMs, 95);
    console.log(
      [
        result.name.padEnd(22),
        ms(p50).padStart(11),
        ms(p95).padStart(12),
        ms(p50 - base50).padStart(15),
        ms(p95 - base95).padStart(15),
        (result.bytesPerRun === undefined ? "-" : kb(result.bytesPerRun)).padStart(10),
        result.note ? `  (${result.note})` : "",
      ].join(" "),
    );
  }

  // Storage next to the Postgres saver's layout: every version of a list stored whole.
  const [whole] = await measureAll([
    kyselyTarget("whole lists", openTempSqlite, { listDeltas: false }),
  ], 1);
  const messageBytes = await conversationMessageBytes();
  console.log(
    `\nmessages per conversation: ${kb(messageBytes.text)} of text and arguments, ` +
      `${kb(messageBytes.serialized)} serialized`,
  );
  for (const result of results.filter((result) => result.bytesDetail)) {
    console.log(`stored by ${result.name.trim()}: ${result.bytesDetail}`);
  }
  console.log(
    `stored by KyselySaver keeping every list version whole (the Postgres saver's layout): ` +
      kb(whole!.bytesPerRun!),
  );

  const mariadb = results.find((result) => result.name === "KyselySaver mariadb");
  const sqlite = results.find((result) => result.name === "KyselySaver sqlite")!;
  const bytes = (mariadb ?? sqlite).bytesPerRun!;
  const verdicts: string[] = [
    `bytes/run ${kb(bytes)} ≤ ${kb(GOALS.bytesPerRun)} (${
      (bytes / whole!.bytesPerRun! * 100).toFixed(0)
    }% of whole lists): ${bytes <= GOALS.bytesPerRun ? "met" : "NOT met"}`,
  ];
  if (mariadb) {
    const over50 = percentile(mariadb.stepMs, 50) - base50;
    const over95 = percentile(mariadb.stepMs, 95) - base95;
    verdicts.push(
      `MariaDB overhead p50 ${ms(over50)} ≤ ${ms(GOALS.p50OverheadMs)}: ${
        over50 <= GOALS.p50OverheadMs ? "met" : "NOT met"
      }`,
      `MariaDB overhead p95 ${ms(over95)} ≤ ${ms(GOALS.p95OverheadMs)}: ${
        over95 <= GOALS.p95OverheadMs ? "met" : "NOT met"
      }`,
    );
  } else {
    verdicts.push("MariaDB overhead: not measured (server unreachable)");
  }
  const floor = results.find((result) => result.name.trim().startsWith("floor"));
  if (raw && floor && mariadb) {
    const floor50 = percentile(floor.stepMs, 50) - base50;
    console.log(
      `\ncontext: a bare one-row INSERT + commit on that MariaDB takes p50 ${ms(raw[0])}, ` +
        `p95 ${ms(raw[1])} in a tight loop right now; inside the graph run one such commit per ` +
        `step adds p50 ${ms(floor50)} (the floor for any saver storing each step before the ` +
        `next), and KyselySaver adds ${ms(percentile(mariadb.stepMs, 50) - base50 - floor50)} ` +
        `above that floor`,
    );
  }
  console.log(`\ngoals:\n  ${verdicts.join("\n  ")}`);
}

/** Size of one finished conversation's messages: their text and arguments, and serialized. */
async function conversationMessageBytes(): Promise<{ text: number; serialized: number }> {
  const saver = new MemorySaver();
  const graph = scriptedReactGraph(saver);
  const threadId = crypto.randomUUID();
  await runConversation(graph, threadId);
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  const messages = state.values.messages as BaseMessage[];
  const text = messages.reduce(
    (sum, message) =>
      sum + JSON.stringify(message.content).length +
      JSON.stringify((message as AIMessage).tool_calls ?? []).length,
    0,
  );
  const [, bytes] = await saver.serde.dumpsTyped(messages);
  return { text, serialized: bytes.byteLength };
}
