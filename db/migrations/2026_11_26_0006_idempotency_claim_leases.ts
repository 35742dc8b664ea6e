/**
 * `idempotency_keys.lease_expires_at`: the owner lease of a claim whose effect commits together
 * with its completion. The owner extends it while it works; once it has lapsed the owner is
 * presumed gone and a retry may take the claim over (see `domain/idempotency.ts`). NULL for
 * claims that never lapse while in progress (their effect may have committed without them).
 *
 * @module
 */
import type { Kysely } from "kysely";
import { columnTypes } from "./table_builder.ts";

/** Adds the column. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("idempotency_keys")
    .addColumn("lease_expires_at", columnTypes(db).timestamp).execute();
}

/** Drops it again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("idempotency_keys").dropColumn("lease_expires_at").execute();
}
