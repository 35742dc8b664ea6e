/**
 * LangGraph checkpoint tables for the Kysely checkpoint saver (`agent/checkpoint/`):
 *
 * - `agent_checkpoints`: one row per checkpoint, without its channel values;
 * - `agent_checkpoint_blobs`: one row per channel per channel version, written only when the
 *   value changed. A list value that extends its previous version is stored as an append delta:
 *   `base_version` names the version it extends, `root_version` the full blob its chain starts
 *   from (so a chain is read in one query). The foreign key from a delta to its root makes a
 *   delta whose chain is gone fail to insert rather than be unreadable later, and deleting a
 *   root deletes its deltas (one cascade level, whatever the chain length);
 * - `agent_checkpoint_writes`: pending writes of tasks against a checkpoint.
 *
 * Key columns compare bytewise (`utf8mb4_bin` on MySQL, SQLite's default): thread ids, channel
 * names and versions are case-sensitive identifiers, and the sizes keep every unique key under
 * InnoDB's 3072-byte limit.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { createConventionalTable, createIndex, isMysql } from "./table_builder.ts";

const HARD = { softDelete: false };

/** Creates the three checkpoint tables and the index behind each saver query. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db);
  const key = (length: number) =>
    mysql
      ? sql`varchar(${sql.raw(String(length))}) character set utf8mb4 collate utf8mb4_bin`
      : sql`text`;
  const binary = mysql ? sql`longblob` : sql`blob`;

  await createConventionalTable(db, "agent_checkpoints", HARD, (table, types) =>
    table
      .addColumn("thread_id", key(128), (column) => column.notNull())
      .addColumn("checkpoint_ns", key(255), (column) => column.notNull())
      .addColumn("checkpoint_id", key(64), (column) => column.notNull())
      .addColumn("parent_checkpoint_id", key(64))
      .addColumn("type", "varchar(32)", (column) => column.notNull())
      .addColumn("checkpoint", binary, (column) => column.notNull())
      .addColumn("metadata", types.json, (column) => column.notNull()));
  await createIndex(db, "agent_checkpoints", ["thread_id", "checkpoint_ns", "checkpoint_id"], {
    unique: true,
  });
  // `list` without a thread (operators, tests) orders and pages by checkpoint id.
  await createIndex(db, "agent_checkpoints", ["checkpoint_id"]);
  // Retention finds idle threads by their newest checkpoint.
  await createIndex(db, "agent_checkpoints", ["thread_id", "created_at"]);

  await createConventionalTable(db, "agent_checkpoint_blobs", HARD, (table) =>
    table
      .addColumn("thread_id", key(128), (column) => column.notNull())
      .addColumn("checkpoint_ns", key(255), (column) => column.notNull())
      .addColumn("channel", key(128), (column) => column.notNull())
      .addColumn("version", key(64), (column) => column.notNull())
      .addColumn("base_version", key(64))
      .addColumn("root_version", key(64))
      .addColumn("type", "varchar(32)", (column) => column.notNull())
      .addColumn("blob", binary, (column) => column.notNull())
      .addUniqueConstraint("uq_agent_checkpoint_blobs_version", [
        "thread_id",
        "checkpoint_ns",
        "channel",
        "version",
      ])
      .addForeignKeyConstraint(
        "fk_agent_checkpoint_blobs_root_version",
        ["thread_id", "checkpoint_ns", "channel", "root_version"],
        "agent_checkpoint_blobs",
        ["thread_id", "checkpoint_ns", "channel", "version"],
        (constraint) => constraint.onDelete("cascade"),
      ));
  // Behind the foreign key, and reading a delta chain by its root.
  await db.schema.createIndex("ix_agent_checkpoint_blobs_root")
    .on("agent_checkpoint_blobs")
    .columns(["thread_id", "checkpoint_ns", "channel", "root_version"])
    .execute();

  await createConventionalTable(db, "agent_checkpoint_writes", HARD, (table) =>
    table
      .addColumn("thread_id", key(128), (column) => column.notNull())
      .addColumn("checkpoint_ns", key(255), (column) => column.notNull())
      .addColumn("checkpoint_id", key(64), (column) => column.notNull())
      .addColumn("task_id", key(128), (column) => column.notNull())
      .addColumn("idx", "integer", (column) => column.notNull())
      .addColumn("channel", key(128), (column) => column.notNull())
      .addColumn("type", "varchar(32)", (column) => column.notNull())
      .addColumn("blob", binary, (column) => column.notNull())
      .addColumn("task_path", "varchar(1024)", (column) => column.notNull()));
  // Names are spelled out where the helper's generated name would pass MySQL's 64 characters.
  await db.schema.createIndex("uq_agent_checkpoint_writes_task_idx")
    .on("agent_checkpoint_writes")
    .columns(["thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"])
    .unique()
    .execute();
}

/** Drops the checkpoint tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ["agent_checkpoint_writes", "agent_checkpoint_blobs", "agent_checkpoints"]) {
    await db.schema.dropTable(name).execute();
  }
}
