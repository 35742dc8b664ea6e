/**
 * `rule_evaluations`: what each scheduled evaluation of a rule found for each campaign in scope —
 * the metric values per window, every condition's value and outcome, the data gate, the decision
 * and what stopped it (conditions, gate, cooldown, limits, approval) — the answer to "why did /
 * didn't it fire?". One row per evaluation run and campaign (unique), so a resumed run rewrites
 * its own rows instead of adding more. Firings (outcomes other than `not_fired` and `skipped`)
 * are also what cooldowns are measured from.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates the table and its lookups. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "rule_evaluations",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          foreignKey(
            table
              .addColumn("user_id", types.uuid, (column) => column.notNull())
              .addColumn("rule_id", types.uuid, (column) => column.notNull())
              .addColumn("run_id", types.uuid, (column) => column.notNull())
              .addColumn("campaign_id", types.uuid, (column) => column.notNull())
              .addColumn("campaign_name", types.caseInsensitiveText(200), (column) =>
                column.notNull())
              .addColumn("slot_at", types.timestamp, (column) =>
                column.notNull())
              .addColumn("action", types.exactText(32), (column) =>
                column.notNull())
              .addColumn("outcome", types.exactText(16), (column) => column.notNull())
              .addColumn("stopped_by", types.exactText(16))
              .addColumn("change_id", types.uuid)
              .addColumn("approval_id", types.uuid)
              .addColumn("detail", types.json, (column) => column.notNull()),
            "rule_evaluations",
            "user_id",
            "users",
          ),
          "rule_evaluations",
          "rule_id",
          "rules",
        ),
        "rule_evaluations",
        "run_id",
        "workflow_runs",
      ),
  );
  await createIndex(db, "rule_evaluations", ["run_id", "campaign_id"], { unique: true });
  await createIndex(db, "rule_evaluations", ["rule_id", "campaign_id", "slot_at"]);
  await createIndex(db, "rule_evaluations", ["rule_id", "slot_at"]);
}

/** Drops it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("rule_evaluations").execute();
}
