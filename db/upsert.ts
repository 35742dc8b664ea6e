/**
 * Insert-or-update, the one statement whose syntax differs per dialect: MySQL's
 * `ON DUPLICATE KEY UPDATE col = VALUES(col)` (still accepted by MySQL 8.4 and the only form
 * MariaDB knows) versus SQLite's `ON CONFLICT (...) DO UPDATE SET col = excluded.col`.
 *
 * @module
 */
import {
  type CompiledQuery,
  type Expression,
  type Insertable,
  type Kysely,
  sql,
  type SqlBool,
} from "kysely";
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
  /**
   * A condition checked by the statement itself as it runs (e.g. "this runner still holds the
   * lease"): when false, nothing is inserted or updated and the statement affects no row. Every
   * row must then have the same columns.
   */
  onlyIf?: Expression<SqlBool>;
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
  { table, rows, conflictColumns, updateColumns, onlyIf }: Upsert<Table>,
): CompiledQuery | undefined {
  if (rows.length === 0) return undefined;
  // The generic table type is too wide for Kysely's column inference; the Upsert type above
  // already ties columns to the table, so work on an untyped view here.
  const untyped = queryable as unknown as UntypedKysely;
  const values = rows as Record<string, unknown>[];
  const insert = onlyIf === undefined
    ? untyped.insertInto(table as string).values(values)
    : guardedInsert(untyped, table as string, values, onlyIf);
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

type UntypedKysely = Kysely<Record<string, Record<string, unknown>>>;

/**
 * `INSERT INTO table (columns) SELECT * FROM (<rows as a UNION ALL>) WHERE onlyIf`: the condition
 * is evaluated by the insert itself, so nothing can change between checking and writing.
 */
function guardedInsert(
  untyped: UntypedKysely,
  table: string,
  rows: readonly Record<string, unknown>[],
  onlyIf: Expression<SqlBool>,
) {
  const columns = Object.keys(rows[0]);
  const selects = rows.map((row) =>
    untyped.selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)))
  );
  const union = selects.slice(1).reduce((all, select) => all.unionAll(select), selects[0]);
  return untyped.insertInto(table).columns(columns).expression(
    untyped.selectFrom(union.as("guarded_rows")).selectAll().where(onlyIf),
  );
}
