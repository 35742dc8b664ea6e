/**
 * Offset pagination shared by every list: `?skip=0&limit=20` in, `{items, total, skip, limit}` out.
 *
 * @module
 */
import type { SelectQueryBuilder } from "kysely";
import { z } from "zod";
import type { DB } from "../db/schema.ts";
import { decimalInteger } from "./validation.ts";

/** Maximum page size any list accepts. */
export const MAX_PAGE_SIZE = 100;
/** Page size of a list when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 20;

/** `skip` and `limit` query parameters (query-string texts in plain decimal digits). */
export const pageSchema = z.object({
  skip: decimalInteger({ min: 0 }).default(0).describe("Items to skip (default 0)."),
  limit: decimalInteger({ min: 1, max: MAX_PAGE_SIZE }).default(DEFAULT_PAGE_SIZE).describe(
    `Page size, at most ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  ),
});

/** Parsed pagination parameters. */
export type PageQuery = z.output<typeof pageSchema>;

/** One page of a list. */
export interface Page<Item> {
  items: Item[];
  total: number;
  skip: number;
  limit: number;
}

/**
 * Runs a list query as one page plus its total: `scoped` holds the filters, `selectPage` adds
 * columns and order, `toItem` maps rows to the view.
 */
export async function paginate<Tables extends keyof DB, Row, Item>(
  scoped: SelectQueryBuilder<DB, Tables, object>,
  page: PageQuery,
  selectPage: (
    query: SelectQueryBuilder<DB, Tables, object>,
  ) => SelectQueryBuilder<DB, Tables, Row>,
  toItem: (row: Row) => Item,
): Promise<Page<Item>> {
  const [rows, count] = await Promise.all([
    selectPage(scoped).offset(page.skip).limit(page.limit).execute(),
    scoped.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map(toItem),
    total: Number(count.total),
    skip: page.skip,
    limit: page.limit,
  };
}
