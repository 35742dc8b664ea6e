/**
 * Every migration, listed in code (not read from disk, so bundling keeps them), in name order.
 *
 * @module
 */
import type { Migration } from "kysely/migration";
import * as initial from "./2026_11_26_0001_initial.ts";
import * as agentCheckpoints from "./2026_11_26_0002_agent_checkpoints.ts";
import * as conversationEvents from "./2026_11_26_0003_conversation_events.ts";
import * as agentRunControl from "./2026_11_26_0004_agent_run_control.ts";
import * as idempotencyClaimTokens from "./2026_11_26_0005_idempotency_claim_tokens.ts";
import * as idempotencyClaimLeases from "./2026_11_26_0006_idempotency_claim_leases.ts";
import * as writeGateway from "./2026_12_06_0007_write_gateway.ts";
import * as adAccountChanges from "./2026_12_07_0007_ad_account_changes.ts";
import * as rules from "./2026_12_07_0008_rules.ts";
import * as alerts from "./2026_12_07_0009_alerts.ts";
import * as notifications from "./2026_12_07_0010_notifications.ts";
import * as workflows from "./2026_12_07_0013_workflows.ts";
import * as ruleEvaluations from "./2026_12_07_0014_rule_evaluations.ts";
import * as platformConnections from "./2026_12_07_0015_platform_connections.ts";
import * as alertDetections from "./2026_12_07_0016_alert_detections.ts";
import * as creditAllowance from "./2026_12_07_0017_credit_allowance.ts";

/** Migrations by name; names sort in the order they must run. */
export const migrations: Readonly<Record<string, Migration>> = {
  "2026_11_26_0001_initial": initial,
  "2026_11_26_0002_agent_checkpoints": agentCheckpoints,
  "2026_11_26_0003_conversation_events": conversationEvents,
  "2026_11_26_0004_agent_run_control": agentRunControl,
  "2026_11_26_0005_idempotency_claim_tokens": idempotencyClaimTokens,
  "2026_11_26_0006_idempotency_claim_leases": idempotencyClaimLeases,
  "2026_12_06_0007_write_gateway": writeGateway,
  "2026_12_07_0007_ad_account_changes": adAccountChanges,
  "2026_12_07_0008_rules": rules,
  "2026_12_07_0009_alerts": alerts,
  "2026_12_07_0010_notifications": notifications,
  "2026_12_07_0013_workflows": workflows,
  "2026_12_07_0014_rule_evaluations": ruleEvaluations,
  "2026_12_07_0015_platform_connections": platformConnections,
  "2026_12_07_0016_alert_detections": alertDetections,
  "2026_12_07_0017_credit_allowance": creditAllowance,
};
