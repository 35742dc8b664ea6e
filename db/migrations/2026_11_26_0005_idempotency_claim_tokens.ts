/**
 * `idempotency_keys.claim_token`: a random token per claim, set by `begin` and required to
 * complete or release the claim, so that once a retry has taken a claim over, the earlier claimant
 * can no longer finish it (see `domain/idempotency.ts`). Records claimed before this migration
 * keep NULL: their effects were not committed together with their completion, so a NULL-token
 * record still in progress is never taken over.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { columnTypes } from "./table_builder.ts";

/** Adds the column. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("idempotency_keys")
    .addColumn("claim_token", columnTypes(db).exactText(36)).execute();
}

/** Drops it again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("idempotency_keys").dropColumn("claim_token").execute();
}
