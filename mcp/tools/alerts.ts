/**
 * Anomaly alert tools (read-only): list the alerts with filters, and explain one — what moved,
 * which part of the metric moved, the campaign's changes just before it and who made them, and
 * the next steps to submit (through the write gateway's tools, never applied by the alert).
 * So the assistant answers "what went wrong yesterday?" and "why is X's CPA up?" from alerts
 * and the change history.
 *
 * @module
 */
import { z } from "zod";
import type { Alert } from "../../domain/alerts/service.ts";
import { listAlertsSchema } from "../../domain/alerts/service.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../domain/pagination.ts";
import { pageShape } from "../schemas.ts";
import { defineTool, type McpTool } from "../tool.ts";

const alertSchema = z.object({
  id: z.string(),
  adAccountId: z.string(),
  campaignId: z.string().nullable(),
  type: z.string(),
  severity: z.string(),
  status: z.string(),
  metricDate: z.string(),
  finding: z.record(z.string(), z.unknown()),
  cause: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  lastDetectedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
});

/** One line for people: the finding's summary, severity, day and what moved. */
export function describeAlert(alert: Alert): string {
  const moved = alert.cause.movedPart
    ? `; ${alert.cause.movedPart.replaceAll("_", " ")} moved`
    : "";
  return `${alert.finding.summary} (${alert.severity}, ${alert.metricDate}${moved})`;
}

/** `list_alerts`: anomaly alerts, newest first (table). */
export const listAlertsTool: McpTool = defineTool({
  kind: "read",
  name: "list_alerts",
  title: "List alerts",
  description: "Lists anomaly alerts newest first: spend spikes and drops, stopped delivery, " +
    "CPA up, ROAS down, CTR down, conversions dropped, budgets exhausted early. Each has the " +
    "day it was seen (metricDate), the finding (observed vs expected, its baseline band, a " +
    "summary; `shift` for a change lasting several days) and its cause. Filters: status (open, " +
    "acknowledged, resolved), type, severity, adAccountId, campaignId. " +
    `${DEFAULT_PAGE_SIZE} per page unless \`limit\` (at most ${MAX_PAGE_SIZE}). Use it for ` +
    "“what went wrong?” questions; explain_alert gives one alert's cause.",
  input: listAlertsSchema.shape,
  output: pageShape(alertSchema),
  run: ({ domain, actor }, args) => domain.alerts.list(actor, args),
  present: (page) => ({
    structured: { ...page },
    text: page.total === 0
      ? "No alerts match."
      : `${page.total} alert(s): ${page.items.map(describeAlert).join("; ")}`,
    component: {
      type: "table",
      data: {
        title: "Alerts",
        columns: [
          { key: "day", label: "Day" },
          { key: "summary", label: "What" },
          { key: "severity", label: "Severity" },
          { key: "status", label: "Status" },
        ],
        rows: page.items.map((alert) => ({
          id: alert.id,
          day: alert.metricDate,
          summary: alert.finding.summary,
          severity: alert.severity,
          status: alert.status,
        })),
        total: page.total,
      },
    },
  }),
});

/** `explain_alert`: one alert with its cause. */
export const explainAlertTool: McpTool = defineTool({
  kind: "read",
  name: "explain_alert",
  title: "Explain an alert",
  description: "One alert and why it fired: the metric broken into its parts (CPA = CPC ÷ " +
    "conversion rate; spend = CPM × impressions / 1000; …) with each part's change and the " +
    "part that moved most, the campaign's changes in the 7 days before with who made them " +
    "(actorKind: user, assistant, rule, …), and next steps (pause, lower_budget: a gateway " +
    "operation; roll_back: change ids for preview_rollback / rollback_changes). Nothing is " +
    "applied by this tool.",
  input: { id: z.uuid().describe("The alert's id (from list_alerts)") },
  output: alertSchema.shape,
  run: ({ domain, actor }, args) => domain.alerts.get(actor, args.id),
  present: (alert) => ({
    structured: { ...alert },
    text: explainText(alert),
    component: {
      type: "card",
      data: {
        title: alert.finding.summary,
        fields: [
          { label: "Severity", value: alert.severity },
          { label: "Day", value: alert.metricDate },
          { label: "Status", value: alert.status },
          { label: "Moved", value: alert.cause.movedPart?.replaceAll("_", " ") ?? "—" },
          { label: "Changes before", value: String(alert.cause.changes.length) },
          {
            label: "Next steps",
            value: alert.cause.nextSteps.map((step) => step.kind).join(", ") || "—",
          },
        ],
      },
    },
  }),
});

/** The explanation in a few sentences. */
export function explainText(alert: Alert): string {
  const parts = alert.cause.parts
    .filter((part) => part.relativeChange !== null)
    .map((part) =>
      `${part.part.replaceAll("_", " ")} ${part.relativeChange! >= 0 ? "+" : ""}` +
      `${Math.round(part.relativeChange! * 100)}%`
    );
  const changes = alert.cause.changes.map((change) =>
    `${change.operation} (${change.fields.join(", ") || "status"}) by ${change.actorKind} at ` +
    change.at
  );
  const steps = alert.cause.nextSteps.map((step) => step.description);
  return [
    describeAlert(alert) + ".",
    parts.length > 0 ? `Parts: ${parts.join(", ")}.` : "",
    changes.length > 0
      ? `Changes before it: ${changes.join("; ")}.`
      : "No changes were made to it in the 7 days before.",
    steps.length > 0 ? `Next steps: ${steps.join("; ")}.` : "",
  ].filter((line) => line !== "").join(" ");
}
