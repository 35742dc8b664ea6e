/**
 * Initial schema: users and their credentials, ad accounts, campaigns with daily metrics and
 * creatives, credits, chat, agent runs and idempotency records.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { TABLE_NAMES } from "../schema.ts";
import {
  type ColumnTypes,
  createConventionalTable,
  createIndex,
  foreignKey,
  type TableBuilder,
} from "./table_builder.ts";

const SOFT = { softDelete: true };
const HARD = { softDelete: false };

/** Creates every table and the index behind each list query. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(db, "users", SOFT, (table, types) =>
    table
      .addColumn("email", types.caseInsensitiveText(320), (column) => column.notNull().unique())
      .addColumn("password_hash", "varchar(255)")
      .addColumn("google_subject", types.exactText(255), (column) => column.unique())
      .addColumn("display_name", "varchar(100)", (column) => column.notNull())
      .addColumn("locale", "varchar(35)", (column) => column.notNull())
      .addColumn("timezone", "varchar(64)", (column) => column.notNull())
      .addColumn("role", "varchar(16)", (column) => column.notNull())
      .addColumn("last_login_at", types.timestamp));

  await createConventionalTable(db, "sessions", HARD, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull())
        .addColumn("family_id", types.uuid, (column) => column.notNull())
        .addColumn("token_hash", "char(64)", (column) => column.notNull().unique())
        .addColumn("expires_at", types.timestamp, (column) => column.notNull())
        .addColumn("rotated_at", types.timestamp)
        .addColumn("revoked_at", types.timestamp)
        .addColumn("user_agent", "varchar(512)")
        .addColumn("ip_address", "varchar(64)"),
      "sessions",
      "user_id",
      "users",
    ));
  await createIndex(db, "sessions", ["user_id", "created_at"]);
  await createIndex(db, "sessions", ["family_id"]);

  await createConventionalTable(db, "api_tokens", SOFT, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull())
        .addColumn("name", "varchar(100)", (column) => column.notNull())
        .addColumn("token_prefix", types.exactText(16), (column) => column.notNull())
        .addColumn("token_hash", "char(64)", (column) => column.notNull().unique())
        .addColumn("expires_at", types.timestamp)
        .addColumn("last_used_at", types.timestamp)
        .addColumn("revoked_at", types.timestamp),
      "api_tokens",
      "user_id",
      "users",
    ));
  await createIndex(db, "api_tokens", ["user_id", "deleted_at", "created_at"]);

  await createConventionalTable(db, "ad_accounts", SOFT, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull())
        .addColumn("platform", "varchar(16)", (column) => column.notNull())
        .addColumn("external_account_id", types.exactText(128), (column) => column.notNull())
        .addColumn("name", types.caseInsensitiveText(200), (column) => column.notNull())
        .addColumn("currency", "char(3)", (column) => column.notNull())
        .addColumn("timezone", "varchar(64)", (column) => column.notNull())
        .addColumn("status", "varchar(16)", (column) => column.notNull())
        .addColumn("credentials_encrypted", types.longText)
        .addColumn("metrics_synced_at", types.timestamp),
      "ad_accounts",
      "user_id",
      "users",
    ));
  await createIndex(db, "ad_accounts", ["user_id", "deleted_at", "created_at"]);

  await createConventionalTable(db, "campaigns", SOFT, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
          .addColumn("external_id", types.exactText(128))
          .addColumn("name", types.caseInsensitiveText(200), (column) => column.notNull())
          .addColumn("objective", "varchar(16)", (column) => column.notNull())
          .addColumn("status", "varchar(16)", (column) => column.notNull())
          .addColumn("budget_type", "varchar(16)", (column) => column.notNull())
          .addColumn("budget_amount_minor", types.bigint, (column) => column.notNull())
          .addColumn("start_date", types.date)
          .addColumn("end_date", types.date)
          .addColumn("targeting", types.json, (column) => column.notNull())
          .addColumn("landing_url", "varchar(2048)")
          .addColumn("metrics_synced_through", types.date),
        "campaigns",
        "user_id",
        "users",
      ),
      "campaigns",
      "ad_account_id",
      "ad_accounts",
    ));
  // One index per sort order of the campaign list, so a page never sorts all campaigns.
  for (const sortColumn of ["created_at", "updated_at", "name", "budget_amount_minor"]) {
    await createIndex(db, "campaigns", ["user_id", "deleted_at", sortColumn]);
  }
  await createIndex(db, "campaigns", ["ad_account_id", "deleted_at", "created_at"]);

  await createConventionalTable(db, "campaign_metrics", HARD, (table, types) =>
    foreignKey(
      foreignKey(
        foreignKey(
          addMetricCounts(
            table
              .addColumn("user_id", types.uuid, (column) => column.notNull())
              .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
              .addColumn("campaign_id", types.uuid, (column) => column.notNull())
              .addColumn("metric_date", types.date, (column) => column.notNull()),
            types,
          ),
          "campaign_metrics",
          "user_id",
          "users",
        ),
        "campaign_metrics",
        "ad_account_id",
        "ad_accounts",
      ),
      "campaign_metrics",
      "campaign_id",
      "campaigns",
    ));
  await createIndex(db, "campaign_metrics", ["campaign_id", "metric_date"], { unique: true });
  await createIndex(db, "campaign_metrics", ["ad_account_id", "metric_date"]);

  await createConventionalTable(db, "ad_account_daily_metrics", HARD, (table, types) =>
    foreignKey(
      foreignKey(
        addMetricCounts(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
            .addColumn("metric_date", types.date, (column) => column.notNull()),
          types,
        ),
        "ad_account_daily_metrics",
        "user_id",
        "users",
      ),
      "ad_account_daily_metrics",
      "ad_account_id",
      "ad_accounts",
    ));
  await createIndex(db, "ad_account_daily_metrics", ["ad_account_id", "metric_date"], {
    unique: true,
  });
  await createIndex(db, "ad_account_daily_metrics", ["user_id", "metric_date"]);

  await createConventionalTable(db, "creatives", SOFT, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("campaign_id", types.uuid, (column) => column.notNull())
          .addColumn("headline", "varchar(255)", (column) => column.notNull())
          .addColumn("body", "text", (column) => column.notNull())
          .addColumn("call_to_action", "varchar(64)")
          .addColumn("media_url", "varchar(2048)"),
        "creatives",
        "user_id",
        "users",
      ),
      "creatives",
      "campaign_id",
      "campaigns",
    ));
  await createIndex(db, "creatives", ["campaign_id", "deleted_at", "created_at"]);

  await createConventionalTable(db, "credit_balances", HARD, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull().unique())
        .addColumn("balance", types.bigint, (column) => column.notNull()),
      "credit_balances",
      "user_id",
      "users",
    ));

  await createConventionalTable(db, "credit_ledger", HARD, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("kind", "varchar(16)", (column) => column.notNull())
          .addColumn("amount", types.bigint, (column) => column.notNull())
          .addColumn("balance_after", types.bigint, (column) => column.notNull())
          .addColumn("idempotency_key", types.exactText(255), (column) => column.notNull())
          .addColumn("description", "varchar(500)", (column) => column.notNull())
          .addColumn("refund_of_id", types.uuid),
        "credit_ledger",
        "user_id",
        "users",
      ),
      "credit_ledger",
      "refund_of_id",
      "credit_ledger",
    ));
  await createIndex(db, "credit_ledger", ["user_id", "idempotency_key"], { unique: true });
  await createIndex(db, "credit_ledger", ["user_id", "created_at"]);
  await createIndex(db, "credit_ledger", ["refund_of_id"]);

  await createConventionalTable(db, "conversations", SOFT, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull())
        .addColumn("title", types.caseInsensitiveText(200), (column) => column.notNull())
        .addColumn("last_seq", "integer", (column) => column.notNull()),
      "conversations",
      "user_id",
      "users",
    ));
  await createIndex(db, "conversations", ["user_id", "deleted_at", "updated_at"]);

  // messages.run_id and agent_runs.message_id point at each other, so neither is a foreign key.
  await createConventionalTable(db, "messages", SOFT, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("conversation_id", types.uuid, (column) => column.notNull())
          .addColumn("seq", "integer", (column) => column.notNull())
          .addColumn("role", "varchar(16)", (column) => column.notNull())
          .addColumn("content", types.longText, (column) => column.notNull())
          .addColumn("metadata", types.json, (column) => column.notNull())
          .addColumn("run_id", types.uuid),
        "messages",
        "user_id",
        "users",
      ),
      "messages",
      "conversation_id",
      "conversations",
    ));
  await createIndex(db, "messages", ["conversation_id", "seq"], { unique: true });
  await createIndex(db, "messages", ["run_id"]);

  await createConventionalTable(db, "agent_runs", HARD, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("conversation_id", types.uuid, (column) => column.notNull())
          .addColumn("message_id", types.uuid)
          .addColumn("status", "varchar(32)", (column) => column.notNull())
          .addColumn("lease_owner", "varchar(128)")
          .addColumn("lease_epoch", types.bigint, (column) => column.notNull())
          .addColumn("started_at", types.timestamp)
          .addColumn("finished_at", types.timestamp)
          .addColumn("input_tokens", types.bigint, (column) => column.notNull())
          .addColumn("output_tokens", types.bigint, (column) => column.notNull())
          .addColumn("error", types.longText),
        "agent_runs",
        "user_id",
        "users",
      ),
      "agent_runs",
      "conversation_id",
      "conversations",
    ));
  await createIndex(db, "agent_runs", ["conversation_id", "created_at"]);
  await createIndex(db, "agent_runs", ["user_id", "created_at"]);
  await createIndex(db, "agent_runs", ["status", "updated_at"]);

  await createConventionalTable(db, "agent_steps", HARD, (table, types) =>
    foreignKey(
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("run_id", types.uuid, (column) => column.notNull())
          .addColumn("seq", "integer", (column) => column.notNull())
          .addColumn("kind", "varchar(16)", (column) => column.notNull())
          .addColumn("name", "varchar(128)", (column) => column.notNull())
          .addColumn("input", types.json, (column) => column.notNull())
          .addColumn("output", types.json)
          .addColumn("status", "varchar(16)", (column) => column.notNull())
          .addColumn("attempt", "integer", (column) => column.notNull())
          .addColumn("idempotency_key", types.exactText(255))
          .addColumn("lease_epoch", types.bigint, (column) => column.notNull())
          .addColumn("started_at", types.timestamp)
          .addColumn("finished_at", types.timestamp)
          .addColumn("duration_ms", "integer"),
        "agent_steps",
        "user_id",
        "users",
      ),
      "agent_steps",
      "run_id",
      "agent_runs",
    ));
  await createIndex(db, "agent_steps", ["run_id", "seq"], { unique: true });
  await createIndex(db, "agent_steps", ["run_id", "idempotency_key"], { unique: true });

  await createConventionalTable(db, "idempotency_keys", HARD, (table, types) =>
    foreignKey(
      table
        .addColumn("user_id", types.uuid, (column) => column.notNull())
        .addColumn("scope", types.exactText(128), (column) => column.notNull())
        .addColumn("idempotency_key", types.exactText(255), (column) => column.notNull())
        .addColumn("request_hash", "char(64)", (column) => column.notNull())
        .addColumn("status", "varchar(16)", (column) => column.notNull())
        .addColumn("response_status", "integer")
        .addColumn("response_body", types.json)
        .addColumn("expires_at", types.timestamp, (column) => column.notNull()),
      "idempotency_keys",
      "user_id",
      "users",
    ));
  await createIndex(db, "idempotency_keys", ["user_id", "scope", "idempotency_key"], {
    unique: true,
  });
  await createIndex(db, "idempotency_keys", ["expires_at"]);
}

/** The five delivery counts shared by per-campaign and per-account daily metrics. */
function addMetricCounts(table: TableBuilder, types: ColumnTypes): TableBuilder {
  return table
    .addColumn("impressions", types.bigint, (column) => column.notNull())
    .addColumn("clicks", types.bigint, (column) => column.notNull())
    .addColumn("spend_minor", types.bigint, (column) => column.notNull())
    .addColumn("conversions", types.bigint, (column) => column.notNull())
    .addColumn("revenue_minor", types.bigint, (column) => column.notNull());
}

/** Drops every table, children first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [...TABLE_NAMES].reverse()) {
    await db.schema.dropTable(name).execute();
  }
}
