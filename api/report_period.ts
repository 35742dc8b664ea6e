/**
 * The period query of report endpoints: `from` and `to` (both, dates included), or `range` (a
 * preset such as `last_30_days`), or neither for the default — the last 7 complete days in the
 * scope's time zone, the same period the pages and the assistant use (`domain/report_range.ts`).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { isoDateSchema } from "../domain/dates.ts";
import { ValidationError } from "../domain/errors.ts";
import { RANGE_PRESETS, type RangeChoice } from "../domain/report_range.ts";

/** Query fields choosing the period. */
export const reportPeriodShape = {
  from: isoDateSchema.optional().openapi({
    description: "First day (YYYY-MM-DD); with `to`. Default: the last 7 complete days",
  }),
  to: isoDateSchema.optional().openapi({ description: "Last day, included; with `from`" }),
  range: z.enum(RANGE_PRESETS).optional().openapi({
    description: "A named period in the scope's time zone instead of `from`/`to`; " +
      "`last_N_days` are complete days ending yesterday",
  }),
};

/** The period a query asks for; `ValidationError` for only one of `from`/`to`, or both kinds. */
export function periodChoice(query: { from?: string; to?: string; range?: RangeChoice["preset"] }) {
  const dates = [query.from, query.to].filter((date) => date !== undefined).length;
  if (dates === 1) {
    throw new ValidationError([{
      field: query.from === undefined ? "from" : "to",
      message: "give both from and to, or neither",
    }]);
  }
  if (dates === 2 && query.range !== undefined) {
    throw new ValidationError([{ field: "range", message: "give either range or from/to" }]);
  }
  if (dates === 2) return { preset: "custom", from: query.from!, to: query.to! } as RangeChoice;
  return query.range === undefined || query.range === "custom"
    ? undefined
    : { preset: query.range } as RangeChoice;
}
