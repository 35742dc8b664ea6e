/**
 * How the saver's statements reach the database. Each `put` or `putWrites` hands over the
 * statements that must commit together and learns how many rows each one affected (a guarded
 * statement that affected none was refused by its guard).
 *
 * LangGraph stores a step's pending writes and its next checkpoint concurrently. As separate
 * transactions they cost a commit each, and MySQL serializes commits on its redo log, so the
 * second waits for the first. `GroupCommitWriter` sends the statements of calls made in the same
 * event-loop turn as one multi-statement transaction: one round trip, one commit.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import { CompiledQuery, type QueryResult, sql } from "kysely";
import type { Database } from "../../db/database.ts";

/** Commits statements together. */
export interface StatementWriter {
  /** Commits `statements` atomically; resolves with the rows each one affected. */
  write(statements: readonly CompiledQuery[]): Promise<number[]>;
}

/** Each call commits on its own: one statement as it is, several in a transaction. */
export function transactionWriter(db: Database): StatementWriter {
  return {
    async write(statements) {
      if (statements.length === 1) return await executeAlone(db, statements[0]);
      return await db.kysely.transaction().execute(async (trx) => {
        const counts: number[] = [];
        for (const statement of statements) {
          counts.push(affectedRows(await trx.executeQuery(statement)));
        }
        return counts;
      });
    },
  };
}

interface QueuedWrite {
  statements: readonly CompiledQuery[];
  resolve(counts: number[]): void;
  reject(error: unknown): void;
}

/**
 * Calls made in the same event-loop turn commit as one transaction. On MySQL it is sent in one
 * round trip, on a pool opened with `multipleStatements` (`openMysql(url, { multipleStatements:
 * true })`); keep that pool to itself, since several statements per query widen what an
 * injection could do. On SQLite, where statements are cheap and commits are not, the group is an
 * ordinary transaction on the shared connection.
 */
export class GroupCommitWriter implements StatementWriter {
  readonly #db: Database;
  #queue: QueuedWrite[] = [];

  constructor(db: Database) {
    this.#db = db;
  }

  write(statements: readonly CompiledQuery[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      // The flush runs once this turn's microtasks are done, collecting every call they made.
      if (this.#queue.push({ statements, resolve, reject }) === 1) {
        setImmediate(() => this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const group = this.#queue;
    this.#queue = [];
    try {
      const counts = await sendTransaction(this.#db, group.flatMap((write) => write.statements));
      let offset = 0;
      for (const write of group) {
        write.resolve(counts.slice(offset, offset += write.statements.length));
      }
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      // One call's statement failed and took the whole transaction with it: commit each call on
      // its own, so only that one fails.
      for (const write of group) {
        sendTransaction(this.#db, write.statements).then(write.resolve, write.reject);
      }
    }
  }
}

/** Statements as one transaction in one multi-statement query; the rows each affected. */
async function sendTransaction(
  db: Database,
  statements: readonly CompiledQuery[],
): Promise<number[]> {
  if (statements.length === 1) return await executeAlone(db, statements[0]);
  if (db.dialect !== "mysql") return await transactionWriter(db).write(statements);
  return await db.kysely.connection().execute(async (connection) => {
    try {
      const result = await connection.executeQuery(
        CompiledQuery.raw(
          `START TRANSACTION; ${statements.map((statement) => statement.sql).join("; ")}; COMMIT`,
          statements.flatMap((statement) => statement.parameters),
        ),
      );
      // One result per statement: START TRANSACTION's first, COMMIT's last.
      const packets = result.rows as { affectedRows?: number }[];
      return packets.slice(1, -1).map((packet) => packet.affectedRows ?? 0);
    } catch (error) {
      // MySQL stops at the failing statement with the transaction still open on this pooled
      // connection: end it before the connection goes back to the pool.
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** One statement, atomic on its own: no transaction needed. */
async function executeAlone(db: Database, statement: CompiledQuery): Promise<number[]> {
  return [affectedRows(await db.kysely.executeQuery(statement))];
}

function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
