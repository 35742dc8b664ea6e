/**
 * Insert-or-update, the one statement whose syntax differs per dialect: MySQL's
 * `ON DUPLICATE KEY UPDATE col = VALUES(col)` (still accepted by MySQL 8.4 and the only form
 * MariaDB knows) versus SQLite's `ON CONFLICT (...) DO UPDATE SET col = excluded.col`.
 *
 * @module
 */
import { type CompiledQuery, type Insertable, type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";
import type { Queryable, SqlDialect } from "./database.ts";

/** An upsert of `rows` into `table`. */
export interface Upsert<Table extends keyof DB> {
  table: Table;
  rows: readonly Insertable<DB[Table]>[];
  /** The unique key that identifies an existing row. */
  conflictColumns: readonly (keyof DB[Table] & string)[];
  /** Columns overwritten from the new row when one exists. */
  updateColumns: readonly (keyof DB[Table] & string)[];
}

/** Inserts rows, updating `updateColumns` where `conflictColumns` already match a row. */
export async function upsert<Table extends keyof DB>(
  queryable: Queryable,
  dialect: SqlDialect,
  spec: Upsert<Table>,
): Promise<void> {
  const query = compileUpsert(queryable, dialect, spec);
  if (query) await queryable.executeQuery(query);
}

/**
 * The statement `upsert` runs, compiled but not executed (undefined when there are no rows), for
 * callers that send several statements at once.
 */
export function compileUpsert<Table extends keyof DB>(
  queryable: Queryable,
  dialect: SqlDialect,
  { table, rows, conflictColumns, updateColumns }: Upsert<Table>,
): CompiledQuery | undefined {
  if (rows.length === 0) return undefined;
  // The generic table type is too wide for Kysely's column inference; the Upsert type above
  // already ties columns to the table, so work on an untyped view here.
  const untyped = queryable as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const insert = untyped.insertInto(table as string).values(rows as Record<string, unknown>[]);
  if (dialect === "mysql") {
    return insert.onDuplicateKeyUpdate(
      Object.fromEntries(updateColumns.map((column) => [column, sql`values(${sql.ref(column)})`])),
    ).compile();
  }
  return insert.onConflict((conflict) =>
    conflict.columns([...conflictColumns]).doUpdateSet(
      Object.fromEntries(
        updateColumns.map((column) => [column, sql.ref(`excluded.${column}`)]),
      ),
    )
  ).compile();
}
