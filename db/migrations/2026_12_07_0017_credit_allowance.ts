/**
 * `credit_balances.allowance_month`: the calendar month (`YYYY-MM`, UTC) whose monthly allowance
 * (`CREDITS_MONTHLY_ALLOWANCE`) the user already received. Read with the balance and changed under
 * the balance row's lock, so the allowance is granted at most once per user and month, whichever
 * instance sees the month's first use.
 *
 * @module
 */
import type { Kysely } from "kysely";

/** Adds the column (null: no allowance received yet). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("credit_balances").addColumn("allowance_month", "varchar(7)")
    .execute();
}

/** Drops it again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("credit_balances").dropColumn("allowance_month").execute();
}
