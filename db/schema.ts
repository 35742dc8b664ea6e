/**
 * Typed table interfaces for Kysely: one interface per table, mirroring the migrations in
 * `db/migrations/`. Column values are what the driver hands back on every backend:
 *
 * - ids are UUID strings (`CHAR(36)`);
 * - timestamps are UTC strings `YYYY-MM-DD HH:MM:SS.mmm` (MySQL `DATETIME(3)` read with
 *   `dateStrings`, SQLite `TEXT`), converted to and from ISO 8601 by `db/time.ts` only;
 * - calendar dates are `YYYY-MM-DD` strings (MySQL `DATE`, SQLite `TEXT`);
 * - JSON columns are strings (MySQL `JSON` is cast to text by the pool, MariaDB and SQLite store
 *   text), parsed by `db/json.ts` only;
 * - money is integer minor units and credits are integers (`BIGINT` / SQLite `INTEGER`).
 *
 * @module
 */

/** A `DATETIME(3)` UTC timestamp string as stored, e.g. `2026-11-26 16:05:00.123`. */
export type DbTimestamp = string;
/** A calendar date string, e.g. `2026-11-26`. */
export type DbDate = string;
/** A JSON document serialized as text. */
export type DbJson = string;

/** Columns every table carries. */
export interface TimestampedRow {
  id: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

/** Columns of user-facing tables that are soft-deleted. */
export interface SoftDeletedRow extends TimestampedRow {
  deleted_at: DbTimestamp | null;
}

/** Role of a user; admins get operator pages later, never other users' data by default. */
export type UserRole = "user" | "admin";

/** `users`: people who sign in. */
export interface UsersTable extends SoftDeletedRow {
  /** Lower-cased; unique. */
  email: string;
  /** KDF hash string with its parameters; null for Google-only users. */
  password_hash: string | null;
  /** Google `sub` claim when linked; unique. */
  google_subject: string | null;
  display_name: string;
  locale: string;
  timezone: string;
  role: UserRole;
  last_login_at: DbTimestamp | null;
}

/** `sessions`: one row per refresh token; rotation creates a new row in the same family. */
export interface SessionsTable extends TimestampedRow {
  user_id: string;
  /** All rotations of one sign-in share a family; reuse of a rotated token revokes it whole. */
  family_id: string;
  /** SHA-256 hex of the refresh token; unique. */
  token_hash: string;
  expires_at: DbTimestamp;
  /** Set when this token was exchanged for its successor. */
  rotated_at: DbTimestamp | null;
  revoked_at: DbTimestamp | null;
  user_agent: string | null;
  ip_address: string | null;
}

/** `api_tokens`: personal bearer tokens for API and MCP clients. */
export interface ApiTokensTable extends SoftDeletedRow {
  user_id: string;
  name: string;
  /** The visible start of the secret, e.g. `aae_Xy12ab34`. */
  token_prefix: string;
  /** SHA-256 hex of the secret; unique. */
  token_hash: string;
  expires_at: DbTimestamp | null;
  last_used_at: DbTimestamp | null;
  revoked_at: DbTimestamp | null;
}

/** Ad platforms the product knows; only `sandbox` has an adapter today. */
export type PlatformName = "sandbox" | "meta" | "tiktok" | "google";
/** Connection state of an ad account. */
export type AdAccountStatus = "active" | "disconnected" | "error";

/** `ad_accounts`: a user's connection to one advertising account on a platform. */
export interface AdAccountsTable extends SoftDeletedRow {
  user_id: string;
  platform: PlatformName;
  external_account_id: string;
  name: string;
  /** ISO 4217 code; campaign money on this account is in its minor units. */
  currency: string;
  timezone: string;
  status: AdAccountStatus;
  /** Platform credentials, encrypted by the platform adapter; null for the sandbox. */
  credentials_encrypted: string | null;
  /** When metrics were last pulled from the platform (throttles lazy sync). */
  metrics_synced_at: DbTimestamp | null;
  /** When a backfill or scheduled sync of a connected account last succeeded. */
  sync_succeeded_at: DbTimestamp | null;
  /** The last sync's failure, for people (for an account in `error`: why to reconnect). */
  sync_error: string | null;
  sync_error_at: DbTimestamp | null;
}

/** Campaign objective. */
export type CampaignObjective =
  | "awareness"
  | "traffic"
  | "engagement"
  | "leads"
  | "conversions"
  | "sales";
/** Campaign status; transitions are governed by `domain/campaign_status.ts`. */
export type CampaignStatus = "draft" | "active" | "paused" | "archived";
/** Whether the budget is spent per day or over the whole schedule. */
export type BudgetType = "daily" | "lifetime";

/** `campaigns`. */
export interface CampaignsTable extends SoftDeletedRow {
  user_id: string;
  ad_account_id: string;
  /** Id on the ad platform; null until created there. */
  external_id: string | null;
  name: string;
  objective: CampaignObjective;
  status: CampaignStatus;
  budget_type: BudgetType;
  /** In minor units of the ad account's currency. */
  budget_amount_minor: number;
  start_date: DbDate | null;
  end_date: DbDate | null;
  targeting: DbJson;
  landing_url: string | null;
  /** Last complete day whose metrics are stored; later days are (re)fetched on sync. */
  metrics_synced_through: DbDate | null;
}

/** Delivery counts of one day; money in minor units. Ratios (CTR, CPC…) are never stored. */
export interface MetricCountColumns {
  impressions: number;
  clicks: number;
  spend_minor: number;
  conversions: number;
  revenue_minor: number;
}

/** `campaign_metrics`: one row per campaign per day, as reported by the platform. */
export interface CampaignMetricsTable extends TimestampedRow, MetricCountColumns {
  user_id: string;
  ad_account_id: string;
  campaign_id: string;
  metric_date: DbDate;
}

/**
 * `ad_account_daily_metrics`: per account and day, the sum of its campaigns' rows — a read model
 * rebuilt by the metrics sync whenever it writes `campaign_metrics`, so account and dashboard
 * reports read 30 rows instead of summing 30 × campaigns.
 */
export interface AdAccountDailyMetricsTable extends TimestampedRow, MetricCountColumns {
  user_id: string;
  ad_account_id: string;
  metric_date: DbDate;
}

/** `creatives`: ad copy and media of a campaign. */
export interface CreativesTable extends SoftDeletedRow {
  user_id: string;
  campaign_id: string;
  headline: string;
  body: string;
  call_to_action: string | null;
  media_url: string | null;
}

/** What a ledger entry does to the balance. */
export type CreditEntryKind = "grant" | "charge" | "refund";

/** `credit_balances`: one row per user, locked while the ledger is appended to. */
export interface CreditBalancesTable extends TimestampedRow {
  user_id: string;
  balance: number;
  /** `YYYY-MM` (UTC) of the last monthly allowance received; null before the first. */
  allowance_month: string | null;
}

/** `credit_ledger`: every grant, charge and refund, append-only. */
export interface CreditLedgerTable extends TimestampedRow {
  user_id: string;
  kind: CreditEntryKind;
  /** Signed: grants and refunds positive, charges negative. */
  amount: number;
  balance_after: number;
  /** Unique per user: replays return the original entry. */
  idempotency_key: string;
  description: string;
  /** For refunds, the charge being refunded. */
  refund_of_id: string | null;
}

/** `conversations`: a chat thread. */
export interface ConversationsTable extends SoftDeletedRow {
  user_id: string;
  title: string;
  /** Sequence number of the latest message; the next one gets `last_seq + 1`. */
  last_seq: number;
}

/** Author of a chat message. */
export type MessageRole = "user" | "assistant" | "tool" | "system";

/** `messages`. */
export interface MessagesTable extends SoftDeletedRow {
  user_id: string;
  conversation_id: string;
  /** Per-conversation, gapless, starting at 1. */
  seq: number;
  role: MessageRole;
  content: string;
  metadata: DbJson;
  run_id: string | null;
}

/** `conversation_events`: persisted server events of the chat protocol, gapless `seq`. */
export interface ConversationEventsTable extends TimestampedRow {
  user_id: string;
  conversation_id: string;
  /** Per-conversation, gapless, starting at 1 (independent of `messages.seq`). */
  seq: number;
  /** `user`, `assistant`, `step`, `confirmation`, `run` or `error`. */
  type: string;
  content: string;
  /** Type-specific metadata; `seq`, `conversation_id` and `run_id` are the columns. */
  metadata: DbJson;
  run_id: string | null;
}

/** Every status of an agent run, in lifecycle order (the one list REST, pages and the chat use). */
export const AGENT_RUN_STATUSES = [
  "queued",
  "running",
  "waiting_confirmation",
  "completed",
  "failed",
  "cancelled",
] as const;

/** Lifecycle of one agent turn. */
export type AgentRunStatus = (typeof AGENT_RUN_STATUSES)[number];

/** Statuses of a run that is not finished: it may still change things, its conversation is busy. */
export const ACTIVE_AGENT_RUN_STATUSES: readonly AgentRunStatus[] = [
  "queued",
  "running",
  "waiting_confirmation",
];

/** `agent_runs`: one agent turn for one user message. */
export interface AgentRunsTable extends TimestampedRow {
  user_id: string;
  conversation_id: string;
  /** The user message that started the run. */
  message_id: string | null;
  status: AgentRunStatus;
  /** Instance currently running it, with the fencing epoch of its lease. */
  lease_owner: string | null;
  lease_epoch: number;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
  input_tokens: number;
  output_tokens: number;
  error: string | null;
  /** Stable code of `error`, e.g. `insufficient_credits`. */
  error_code: string | null;
  /** The client's id of the starting message; unique per conversation. */
  client_message_id: string | null;
  /** When the owner asked to cancel; the runner stops at its next step boundary. */
  cancel_requested_at: DbTimestamp | null;
  /** The open approval request while `waiting_confirmation` (JSON). */
  pending_confirmation: DbJson | null;
  /** The owner's recorded answer to `pending_confirmation` (JSON). */
  confirmation_decision: DbJson | null;
}

/** Kind of an agent step. */
export type AgentStepKind = "model_call" | "tool_call" | "confirmation";
/** Lifecycle of an agent step. */
export type AgentStepStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";

/** `agent_steps`: one row per model call, tool call or confirmation of a run. */
export interface AgentStepsTable extends TimestampedRow {
  user_id: string;
  run_id: string;
  /** Order within the run, from 1. */
  seq: number;
  kind: AgentStepKind;
  /** Tool or model name. */
  name: string;
  input: DbJson;
  output: DbJson | null;
  status: AgentStepStatus;
  attempt: number;
  /** For tool calls: `run id + tool call id`, so an effect is applied once. */
  idempotency_key: string | null;
  /** Lease epoch of the writer, for auditing fenced writes. */
  lease_epoch: number;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
  duration_ms: number | null;
}

/** State of a recorded side-effecting operation. */
export type IdempotencyStatus = "in_progress" | "completed";

/** `idempotency_keys`: replay records for REST `Idempotency-Key` and tool-call effects. */
export interface IdempotencyKeysTable extends TimestampedRow {
  user_id: string;
  /** What the key is for, e.g. `POST /api/v1/campaigns` or `mcp:tool:create_campaign`. */
  scope: string;
  /** The client's key, or `run id:tool call id`. Unique with user and scope. */
  idempotency_key: string;
  /** SHA-256 hex of the request, so the same key with a different body is a conflict. */
  request_hash: string;
  status: IdempotencyStatus;
  /**
   * Random token of the current claim: only its holder may complete or release the record, and
   * a takeover replaces it. NULL for records claimed before claim tokens existed (never taken
   * over while in progress).
   */
  claim_token: string | null;
  /**
   * Owner lease of an in-progress claim whose effect commits with its completion: once lapsed,
   * a retry may take the claim over. NULL: the claim never lapses while in progress.
   */
  lease_expires_at: DbTimestamp | null;
  response_status: number | null;
  response_body: DbJson | null;
  expires_at: DbTimestamp;
}

/**
 * `agent_checkpoints`: one LangGraph checkpoint (without its channel values, which live in
 * `agent_checkpoint_blobs`), keyed by thread, namespace and checkpoint id.
 */
export interface AgentCheckpointsTable extends TimestampedRow {
  thread_id: string;
  /** `""` for the root graph, `node:task` paths for subgraphs. */
  checkpoint_ns: string;
  /** LangGraph's uuid6 id; sorts by creation time. */
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  /** Serializer type of `checkpoint` (e.g. `json`). */
  type: string;
  /** The serialized checkpoint with `channel_values` left out. */
  checkpoint: Uint8Array;
  /** Checkpoint metadata (source, step, parents, ...). */
  metadata: DbJson;
}

/** `agent_checkpoint_blobs`: a channel's value at one version, written when it changed. */
export interface AgentCheckpointBlobsTable extends TimestampedRow {
  thread_id: string;
  checkpoint_ns: string;
  channel: string;
  version: string;
  /** Set when `blob` holds only the items appended to the list stored at this version. */
  base_version: string | null;
  /** For an append delta, the version of the full blob its chain starts from. */
  root_version: string | null;
  /** Serializer type (e.g. `json`). */
  type: string;
  blob: Uint8Array;
}

/** `agent_checkpoint_writes`: a task's pending write against a checkpoint. */
export interface AgentCheckpointWritesTable extends TimestampedRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  task_id: string;
  /** Position within the task's writes; negative for special channels (errors, interrupts). */
  idx: number;
  channel: string;
  type: string;
  blob: Uint8Array;
  /** The task's path, the first key writes are replayed in. */
  task_path: string;
}

/** `ad_account_limits`: an account's autopilot limits, once edited (see `domain/autopilot_limits.ts`). */
export interface AdAccountLimitsTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  max_campaign_daily_budget_minor: number;
  max_account_daily_budget_minor: number;
  max_increase_per_change_percent: number;
  max_increase_24h_percent: number;
  max_increase_7d_percent: number;
  /** JSON array of the operations automated actors may make without approval. */
  automated_operations: DbJson;
  /** 1 while every write to the account is stopped. */
  frozen: number;
}

/** Who made a change: a signed-in person or one kind of software. */
export type ChangeActorKind =
  | "user"
  | "api_token"
  | "assistant"
  | "mcp_client"
  | "rule"
  | "rollback";

/** `campaign_changes`: the change history, one row per applied change. */
export interface CampaignChangesTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  /** Null for a change to the ad account itself (renamed, disconnected). */
  campaign_id: string | null;
  /**
   * 1, 2, … per campaign (per ad account for the account's own changes): the order its changes
   * were made in (timestamps can tie).
   */
  seq: number;
  /** `create`, `update`, `pause`, `resume`, `archive`, `delete`, `restore`… */
  operation: string;
  actor_kind: ChangeActorKind;
  /** Run id, rule id, API token id or rollback id; null for a person. */
  source_id: string | null;
  /** The approval the change was made under, if it needed one. */
  approval_id: string | null;
  /** JSON object: field → `{before, after}`. */
  fields: DbJson;
  /** JSON: what the ad platform answered. */
  platform_response: DbJson;
  idempotency_key: string | null;
}

/** State of an approval request. */
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "used";

/** `approvals`: a change held for a person's approval, whoever asked for it. */
export interface ApprovalsTable extends TimestampedRow {
  user_id: string;
  requester_kind: ChangeActorKind;
  requester_id: string | null;
  ad_account_id: string | null;
  /** JSON: the gateway operation that will run once approved. */
  operation: DbJson;
  /** SHA-256 of the canonical operation: the retry must ask for exactly this. */
  operation_digest: string;
  preview: DbJson;
  /** SHA-256 of the preview: a campaign that changed since makes the approval stale. */
  preview_digest: string;
  reason: string;
  rules: DbJson;
  idempotency_key: string | null;
  status: ApprovalStatus;
  expires_at: DbTimestamp;
  decided_by: string | null;
  decided_at: DbTimestamp | null;
  used_at: DbTimestamp | null;
}

/** State of a rollback batch. */
export type RollbackStatus = "applying" | "completed";

/** `rollbacks`: a batch restoring earlier changes; resumed after a crash until completed. */
export interface RollbacksTable extends TimestampedRow {
  user_id: string;
  status: RollbackStatus;
  /** JSON array of the `campaign_changes` ids to undo. */
  change_ids: DbJson;
  requested_by: ChangeActorKind;
  /** JSON: the per-field outcome, once completed. */
  result: DbJson | null;
  /** While applying: the worker's lease; once lapsed another instance resumes it. */
  lease_expires_at: DbTimestamp | null;
  completed_at: DbTimestamp | null;
}

/** Lifecycle of an alert: open until acknowledged or resolved (by hand or by itself). */
export type AlertStatus = "open" | "acknowledged" | "resolved";
/** How an alert was resolved. */
export type AlertResolution = "auto" | "manual" | "inactive";

/** `alerts`: anomalies raised on campaigns or accounts (see `domain/alerts/`). */
export interface AlertsTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  /** Null for an alert on the account's totals. */
  campaign_id: string | null;
  /** An `AlertType`. */
  type: string;
  /** An `AlertSeverity`. */
  severity: string;
  status: AlertStatus;
  /** `type:campaign id` (or `type:account:id`) while not resolved, else null; unique. */
  open_key: string | null;
  /** The day the anomaly was seen on (the account's zone). */
  metric_date: DbDate;
  /** JSON: the detector's finding. */
  finding: DbJson;
  /** JSON: parts that moved, changes before, next steps. */
  cause: DbJson;
  /** When detection last saw it still anomalous. */
  last_detected_at: DbTimestamp;
  acknowledged_at: DbTimestamp | null;
  acknowledged_by: string | null;
  resolved_at: DbTimestamp | null;
  /** The person who resolved it; null when it resolved itself. */
  resolved_by: string | null;
  resolution: AlertResolution | null;
}

/** `alert_mutes`: a campaign on which no alert is raised until `muted_until`. */
export interface AlertMutesTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  campaign_id: string;
  muted_until: DbTimestamp;
}

/** `alert_thresholds`: an account's edited detection thresholds. */
export interface AlertThresholdsTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  /** JSON: `AlertThresholds`. */
  thresholds: DbJson;
}

/** `alert_detections`: when anomaly detection last judged an ad account (absent: never). */
export interface AlertDetectionsTable extends TimestampedRow {
  user_id: string;
  ad_account_id: string;
  detected_at: DbTimestamp;
}

/** `rules`: automated rules, one ad account each (see `domain/rules/model.ts`). */
export interface RulesTable extends SoftDeletedRow {
  user_id: string;
  ad_account_id: string;
  name: string;
  /** 1 while the rule runs on its schedule. */
  enabled: number;
  /** JSON: scope, conditions, gate, action, schedule, cooldown; money in minor units. */
  definition: DbJson;
}

/** `rule_backtests`: the latest backtest of each rule. */
export interface RuleBacktestsTable extends TimestampedRow {
  user_id: string;
  /** Unique: a new backtest replaces the previous one. */
  rule_id: string;
  /** Days replayed. */
  days: number;
  /** JSON: the backtest result (`domain/rules/backtest.ts`). */
  result: DbJson;
}

/** `notifications`: something a user is told about (an alert, a rule's message, an approval). */
export interface NotificationsTable extends TimestampedRow {
  user_id: string;
  /** Who raised it: `alert`, `rule`, `approval`, `system`. */
  kind: string;
  /** What it is within the kind, e.g. `cpa_up`; settings filter on it. */
  type: string;
  severity: "info" | "warning" | "critical";
  title: string;
  body: string;
  /** A path or URL to open. */
  link: string | null;
  /** The alert, rule or approval it is about. */
  subject_id: string | null;
  /** JSON object: extra fields for webhook receivers. */
  data: DbJson;
  /** 1 when it shows in the bell (the user's settings let it through). */
  in_app: number;
  /** 1 when it goes out by email (one by one, or in the daily digest). */
  emailed: number;
  read_at: DbTimestamp | null;
}

/** `notification_settings`: a user's channel choices, once they edit them. */
export interface NotificationSettingsTable extends TimestampedRow {
  user_id: string;
  /** JSON: see `domain/notifications/settings.ts`. */
  settings: DbJson;
}

/** `webhook_endpoints`: a user's signed webhook receivers. */
export interface WebhookEndpointsTable extends SoftDeletedRow {
  user_id: string;
  url: string;
  description: string;
  /** The HMAC key, shown once at creation. */
  secret: string;
  enabled: number;
  /** Failed attempts since the last success; at the limit the endpoint is disabled. */
  consecutive_failures: number;
  disabled_reason: string | null;
  /** The `seq` the next delivery to this endpoint gets. */
  next_seq: number;
}

/** Channel of a delivery. */
export type DeliveryChannel = "webhook" | "email";
/** State of a delivery. */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "cancelled";

/** `notification_deliveries`: the outbox of webhook posts and emails. */
export interface NotificationDeliveriesTable extends TimestampedRow {
  user_id: string;
  channel: DeliveryChannel;
  endpoint_id: string | null;
  notification_id: string | null;
  /** Order of an endpoint's deliveries (0 for emails). */
  seq: number;
  /** Unique when set: the daily digest is `digest:<user>:<date>`. */
  dedupe_key: string | null;
  /** Webhook: the exact body that is signed and sent. Email: JSON `{to, subject, text}`. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: DbTimestamp;
  /** The worker attempting it now, until `lease_expires_at`. */
  lease_token: string | null;
  lease_expires_at: DbTimestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: DbTimestamp | null;
}

/** `notification_delivery_attempts`: the delivery log. */
export interface NotificationDeliveryAttemptsTable extends TimestampedRow {
  delivery_id: string;
  attempt: number;
  /** The receiver's HTTP status (webhooks; 250 for an accepted email); null when none came. */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Where a workflow run is: waiting, claimed by an instance, or over. */
export type WorkflowRunStatus = "queued" | "running" | "succeeded" | "failed";

/** `workflow_runs`: durable background runs (rule evaluations, later syncs and detection). */
export interface WorkflowRunsTable extends TimestampedRow {
  user_id: string;
  /** Which handler runs it (`rule_evaluation`, `rule_resume`, …). */
  kind: string;
  /** What it is about: a rule id, an ad account id. */
  subject_id: string;
  /** Unique: the same run asked for twice (two instances, a retry) exists once. */
  dedupe_key: string;
  status: WorkflowRunStatus;
  /** JSON: the handler's input. */
  input: DbJson;
  /** JSON: `{done, total}` or the like while it runs; null otherwise. */
  progress: DbJson | null;
  /** JSON: what the handler returned. */
  result: DbJson | null;
  error: string | null;
  /** When it is due (a rule's slot); a retry moves it later. */
  scheduled_for: DbTimestamp;
  lease_owner: string | null;
  lease_expires_at: DbTimestamp | null;
  /** Fencing: raised by every claim; a step writes only while it still holds its epoch. */
  lease_epoch: number;
  /** Claims so far. */
  attempt: number;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
}

/** Where an OAuth connection is: waiting for consent, consented (picker), or used. */
export type PlatformConnectionStatus = "pending" | "authorized" | "completed";

/** `platform_connections`: one OAuth sign-in with an ad platform, until accounts are picked. */
export interface PlatformConnectionsTable extends TimestampedRow {
  user_id: string;
  /** The signed-in session that started it; the callback must come from the same one. */
  session_id: string;
  platform: PlatformName;
  /** SHA-256 hex of the `state` parameter sent to the platform. */
  state_hash: string;
  status: PlatformConnectionStatus;
  /** The platform's tokens after consent, encrypted (`domain/platforms/credential_cipher.ts`). */
  credentials_encrypted: string | null;
  expires_at: DbTimestamp;
}

/** Where a workflow step is. */
export type WorkflowStepStatus = "running" | "succeeded" | "failed";

/** `workflow_steps`: what a run did, one row per step key. */
export interface WorkflowStepsTable extends TimestampedRow {
  user_id: string;
  run_id: string;
  /** Order of first start within the run. */
  seq: number;
  /** Unique per run: a resumed run finds the steps it already finished. */
  step_key: string;
  name: string;
  status: WorkflowStepStatus;
  input: DbJson | null;
  output: DbJson | null;
  error: string | null;
  /** The run's attempt that last started it. */
  attempt: number;
  started_at: DbTimestamp;
  finished_at: DbTimestamp | null;
  duration_ms: number | null;
}

/** What an evaluation decided for one campaign (see `domain/rules/execution.ts`). */
export type RuleEvaluationOutcome =
  | "not_fired"
  | "skipped"
  | "pending"
  | "applied"
  | "held"
  | "refused"
  | "notified";

/** `rule_evaluations`: one scheduled evaluation's inputs and decision for one campaign. */
export interface RuleEvaluationsTable extends TimestampedRow {
  user_id: string;
  rule_id: string;
  /** The `workflow_runs` row of the evaluation; unique with `campaign_id`. */
  run_id: string;
  campaign_id: string;
  campaign_name: string;
  /** The schedule slot evaluated. */
  slot_at: DbTimestamp;
  /** The rule's action type. */
  action: string;
  outcome: RuleEvaluationOutcome;
  /** What stopped it: `conditions`, `gate`, `cooldown`, `not_applicable`, `limits`, `approval`. */
  stopped_by: string | null;
  change_id: string | null;
  approval_id: string | null;
  /** JSON: the evaluation (values per condition, gate windows) and the action's outcome. */
  detail: DbJson;
}

/** The whole database, as Kysely sees it. */
export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  ad_accounts: AdAccountsTable;
  campaigns: CampaignsTable;
  campaign_metrics: CampaignMetricsTable;
  ad_account_daily_metrics: AdAccountDailyMetricsTable;
  creatives: CreativesTable;
  credit_balances: CreditBalancesTable;
  credit_ledger: CreditLedgerTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  agent_runs: AgentRunsTable;
  agent_steps: AgentStepsTable;
  idempotency_keys: IdempotencyKeysTable;
  agent_checkpoints: AgentCheckpointsTable;
  agent_checkpoint_blobs: AgentCheckpointBlobsTable;
  agent_checkpoint_writes: AgentCheckpointWritesTable;
  conversation_events: ConversationEventsTable;
  ad_account_limits: AdAccountLimitsTable;
  campaign_changes: CampaignChangesTable;
  approvals: ApprovalsTable;
  rollbacks: RollbacksTable;
  alerts: AlertsTable;
  alert_mutes: AlertMutesTable;
  alert_thresholds: AlertThresholdsTable;
  alert_detections: AlertDetectionsTable;
  rules: RulesTable;
  rule_backtests: RuleBacktestsTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  webhook_endpoints: WebhookEndpointsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_delivery_attempts: NotificationDeliveryAttemptsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_steps: WorkflowStepsTable;
  rule_evaluations: RuleEvaluationsTable;
  platform_connections: PlatformConnectionsTable;
}

/** Names of all application tables, in creation order (parents before children). */
export const TABLE_NAMES = [
  "users",
  "sessions",
  "api_tokens",
  "ad_accounts",
  "campaigns",
  "campaign_metrics",
  "ad_account_daily_metrics",
  "creatives",
  "credit_balances",
  "credit_ledger",
  "conversations",
  "messages",
  "agent_runs",
  "agent_steps",
  "idempotency_keys",
] as const satisfies readonly (keyof DB)[];

/** The write gateway's tables, created by their own migration. */
export const GATEWAY_TABLE_NAMES = [
  "ad_account_limits",
  "campaign_changes",
  "approvals",
  "rollbacks",
] as const satisfies readonly (keyof DB)[];

/** The alerts' tables, created by their own migration. */
export const ALERT_TABLE_NAMES = [
  "alerts",
  "alert_mutes",
  "alert_thresholds",
  "alert_detections",
] as const satisfies readonly (keyof DB)[];

/** The automated rules' tables, created by their own migration. */
export const RULE_TABLE_NAMES = [
  "rules",
  "rule_backtests",
  "rule_evaluations",
] as const satisfies readonly (keyof DB)[];

/** The notification tables, created by their own migration. */
export const NOTIFICATION_TABLE_NAMES = [
  "notifications",
  "notification_settings",
  "webhook_endpoints",
  "notification_deliveries",
  "notification_delivery_attempts",
] as const satisfies readonly (keyof DB)[];

/** The durable workflow tables, created by their own migration. */
export const WORKFLOW_TABLE_NAMES = [
  "workflow_runs",
  "workflow_steps",
] as const satisfies readonly (keyof DB)[];

/** OAuth connections in progress, created by their own migration. */
export const PLATFORM_CONNECTION_TABLE_NAMES = [
  "platform_connections",
] as const satisfies readonly (keyof DB)[];

/**
 * The LangGraph checkpoint tables, created by their own migration. Kept out of `TABLE_NAMES`,
 * whose list the initial migration drops on the way down.
 */
export const CHECKPOINT_TABLE_NAMES = [
  "agent_checkpoints",
  "agent_checkpoint_blobs",
  "agent_checkpoint_writes",
] as const satisfies readonly (keyof DB)[];
