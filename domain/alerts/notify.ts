/**
 * Raised alerts as notifications: one per alert, to the account's owner, saying what moved, which
 * part of the metric moved it and what changed on the campaign just before — so an email or a
 * webhook alone is enough to act on.
 *
 * @module
 */
import type { DomainContext } from "../context.ts";
import type { PublishInput } from "../notifications/inbox.ts";
import type { Alert } from "./service.ts";

const PART_LABELS: Record<string, string> = {
  cpm: "cost per 1,000 impressions",
  impressions: "impressions",
  cpc: "cost per click",
  conversion_rate: "conversion rate",
  value_per_conversion: "value per conversion",
  clicks: "clicks",
};

const ACTOR_LABELS: Record<string, string> = {
  user: "a person",
  api_token: "an API token",
  assistant: "the assistant",
  mcp_client: "an MCP client",
  rule: "a rule",
  rollback: "a rollback",
};

/** The notification of one alert on `subject` (a campaign's or an account's name). */
export function alertNotification(alert: Alert, subject: string): PublishInput {
  const { finding, cause } = alert;
  const moved = cause.parts.find((part) => part.part === cause.movedPart);
  const lines = [finding.summary];
  if (moved && moved.relativeChange !== null) {
    const percent = Math.round(moved.relativeChange * 100);
    lines.push(
      `Mostly ${PART_LABELS[moved.part] ?? moved.part}: ${percent >= 0 ? "+" : ""}${percent}% ` +
        "against the baseline.",
    );
  }
  if (cause.changes.length > 0) {
    lines.push("Changed just before:");
    for (const change of cause.changes) {
      lines.push(
        `- ${change.at}: ${change.operation} (${change.fields.join(", ")}) by ` +
          (ACTOR_LABELS[change.actorKind] ?? change.actorKind),
      );
    }
  } else {
    lines.push("No change was made to it in the days before.");
  }
  return {
    kind: "alert",
    type: alert.type,
    severity: alert.severity,
    title: `${subject}: ${alert.type.replaceAll("_", " ")}`,
    body: lines.join("\n"),
    link: `/alerts/${alert.id}`,
    subjectId: alert.id,
    data: {
      alertId: alert.id,
      adAccountId: alert.adAccountId,
      campaignId: alert.campaignId,
      metricDate: alert.metricDate,
    },
  };
}

/** Publishes raised alerts to their accounts' owners through `publish`. */
export function createAlertPublisher(
  context: DomainContext,
  publish: (userId: string, input: PublishInput) => Promise<unknown>,
): (alerts: readonly Alert[]) => Promise<void> {
  return async (alerts) => {
    if (alerts.length === 0) return;
    const accountIds = [...new Set(alerts.map((alert) => alert.adAccountId))];
    const campaignIds = [...new Set(alerts.flatMap((alert) => alert.campaignId ?? []))];
    const [accounts, campaigns] = await Promise.all([
      context.db.kysely.selectFrom("ad_accounts").select(["id", "user_id", "name"])
        .where("id", "in", accountIds).execute(),
      campaignIds.length === 0 ? Promise.resolve([]) : context.db.kysely.selectFrom("campaigns")
        .select(["id", "name"]).where("id", "in", campaignIds).execute(),
    ]);
    const accountOf = new Map(accounts.map((row) => [row.id, row]));
    const campaignName = new Map(campaigns.map((row) => [row.id, row.name]));
    for (const alert of alerts) {
      const account = accountOf.get(alert.adAccountId);
      if (!account) continue;
      const subject = alert.campaignId === null
        ? `Ad account ${account.name}`
        : campaignName.get(alert.campaignId) ?? "A campaign";
      await publish(account.user_id, alertNotification(alert, subject));
    }
  };
}
