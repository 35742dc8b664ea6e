/**
 * Columns the durable agent runs need beyond the initial `agent_runs` table:
 *
 * - `client_message_id`: the client's id of the user message that started the run, unique per
 *   conversation, so a retried submit is recognised instead of starting a second run;
 * - `cancel_requested_at`: set by `cancel` on any instance; the runner holding the run checks
 *   it at every step boundary;
 * - `pending_confirmation`: the open approval request (confirmation id, tool call, preview)
 *   while the run waits for its owner;
 * - `confirmation_decision`: the owner's answer, recorded by `confirm` before the run resumes,
 *   so the approval gate reads it from the database rather than trusting what resumed it;
 * - `error_code`: a stable code next to the readable `error` (e.g. `insufficient_credits`).
 *
 * @module
 */
import type { Kysely } from "kysely";
import { columnTypes, createIndex, isMysql } from "./table_builder.ts";

/** Adds the run control columns and the per-conversation client message index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const types = columnTypes(db);
  // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
  await db.schema.alterTable("agent_runs").addColumn("client_message_id", types.exactText(128))
    .execute();
  await db.schema.alterTable("agent_runs").addColumn("cancel_requested_at", types.timestamp)
    .execute();
  await db.schema.alterTable("agent_runs").addColumn("pending_confirmation", types.json).execute();
  await db.schema.alterTable("agent_runs").addColumn("confirmation_decision", types.json)
    .execute();
  await db.schema.alterTable("agent_runs").addColumn("error_code", "varchar(64)").execute();
  await createIndex(db, "agent_runs", ["conversation_id", "client_message_id"], { unique: true });
}

/** Drops them again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const index = db.schema.dropIndex("uq_agent_runs_conversation_id_client_message_id");
  // MySQL names the table of an index; SQLite's DROP INDEX takes no table.
  await (isMysql(db) ? index.on("agent_runs") : index).execute();
  for (
    const column of [
      "error_code",
      "confirmation_decision",
      "pending_confirmation",
      "cancel_requested_at",
      "client_message_id",
    ]
  ) {
    await db.schema.alterTable("agent_runs").dropColumn(column).execute();
  }
}
