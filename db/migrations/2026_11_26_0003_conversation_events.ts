/**
 * `conversation_events`: the chat's server events (user echoes, assistant deltas and messages,
 * tool steps, confirmations, run status changes, errors), one row per event with a gapless
 * per-conversation `seq`. Clients resume by asking for everything after the last `seq` they saw.
 *
 * `run_id` carries no foreign key: events are written by whatever drives a run, and a log row
 * must never fail because of the order in which a run and its first event are committed. Rows
 * are not soft-deleted; they are a log, hidden with their conversation.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates the table, its unique `(conversation_id, seq)` and the lookup by run. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "conversation_events",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("conversation_id", types.uuid, (column) => column.notNull())
            .addColumn("seq", "integer", (column) => column.notNull())
            .addColumn("type", "varchar(32)", (column) => column.notNull())
            .addColumn("content", types.longText, (column) => column.notNull())
            .addColumn("metadata", types.json, (column) => column.notNull())
            .addColumn("run_id", types.uuid),
          "conversation_events",
          "user_id",
          "users",
        ),
        "conversation_events",
        "conversation_id",
        "conversations",
      ),
  );
  // Replay reads a range of one conversation; the unique key also makes a doubled seq impossible.
  await createIndex(db, "conversation_events", ["conversation_id", "seq"], { unique: true });
  // The SSE stream of a run finds its conversation (and events) by run id.
  await createIndex(db, "conversation_events", ["run_id", "seq"]);
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("conversation_events").execute();
}
