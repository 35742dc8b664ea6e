/**
 * Helpers migrations share so every table follows the conventions: UUID `id`, `created_at`,
 * `updated_at`, optional `deleted_at`, utf8mb4 InnoDB on MySQL, and column types that mean the
 * same thing on MySQL/MariaDB and SQLite.
 *
 * @module
 */
import type { CreateTableBuilder, Kysely } from "kysely";
import { MysqlAdapter, sql } from "kysely";

/** A `CREATE TABLE` being built. */
export type TableBuilder = CreateTableBuilder<string, string>;
/** A column type as `addColumn` accepts it. */
type DataTypeExpression = Parameters<TableBuilder["addColumn"]>[1];

/** Column types per dialect. */
export interface ColumnTypes {
  /** UUID string. */
  uuid: DataTypeExpression;
  /** UTC timestamp with millisecond precision. */
  timestamp: DataTypeExpression;
  /** Calendar date. */
  date: DataTypeExpression;
  /** JSON document. */
  json: DataTypeExpression;
  /** Text that may exceed 64 KB (chat content, errors). */
  longText: DataTypeExpression;
  /** 64-bit integer (money in minor units, counts). */
  bigint: DataTypeExpression;
  /** Text compared byte for byte (keys, external ids): binary collation on both dialects. */
  exactText(length: number): DataTypeExpression;
  /** Human text sorted and matched ignoring case (names, emails): the same order everywhere. */
  caseInsensitiveText(length: number): DataTypeExpression;
}

/** Whether a migration is running against MySQL/MariaDB. */
export function isMysql(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

/** Column types for the dialect `db` speaks. */
export function columnTypes(db: Kysely<unknown>): ColumnTypes {
  if (isMysql(db)) {
    return {
      uuid: "char(36)",
      timestamp: sql`datetime(3)`,
      date: "date",
      json: "json",
      longText: sql`mediumtext`,
      bigint: "bigint",
      exactText: (length) => sql.raw(`varchar(${length}) collate utf8mb4_bin`),
      // The tables' default collation, utf8mb4_unicode_ci, already ignores case.
      caseInsensitiveText: (length) => sql.raw(`varchar(${length})`),
    };
  }
  return {
    uuid: "char(36)",
    timestamp: "text",
    date: "text",
    json: "text",
    longText: "text",
    bigint: "integer",
    // SQLite compares text byte for byte unless told otherwise.
    exactText: (length) => sql.raw(`varchar(${length})`),
    caseInsensitiveText: (length) => sql.raw(`varchar(${length}) collate nocase`),
  };
}

/**
 * Creates a table with the conventional columns, letting `addColumns` add the rest (and
 * constraints) with the dialect's column types.
 */
export async function createConventionalTable(
  db: Kysely<unknown>,
  name: string,
  options: { softDelete: boolean },
  addColumns: (table: TableBuilder, types: ColumnTypes) => TableBuilder,
): Promise<void> {
  const types = columnTypes(db);
  let table: TableBuilder = db.schema.createTable(name)
    .addColumn("id", types.uuid, (column) => column.primaryKey());
  table = addColumns(table, types)
    .addColumn("created_at", types.timestamp, (column) => column.notNull())
    .addColumn("updated_at", types.timestamp, (column) => column.notNull());
  if (options.softDelete) table = table.addColumn("deleted_at", types.timestamp);
  if (isMysql(db)) {
    table = table.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
  }
  await table.execute();
}

/** Adds a foreign key `{column}` → `{parent}.id`, named after the table and column. */
export function foreignKey(
  table: TableBuilder,
  tableName: string,
  column: string,
  parent: string,
): TableBuilder {
  return table.addForeignKeyConstraint(`fk_${tableName}_${column}`, [column], parent, ["id"]);
}

/** Creates an index (or unique index) named after its table and columns. */
export async function createIndex(
  db: Kysely<unknown>,
  table: string,
  columns: readonly string[],
  options: { unique?: boolean } = {},
): Promise<void> {
  const name = `${options.unique ? "uq" : "ix"}_${table}_${columns.join("_")}`;
  let builder = db.schema.createIndex(name).on(table).columns([...columns]);
  if (options.unique) builder = builder.unique();
  await builder.execute();
}
