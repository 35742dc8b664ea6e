import type { RuleEvaluationEntry } from "@/domain/rules/activity.ts";
import { conditionValueWords } from "@/domain/rules/describe.ts";
import { formatDateTime } from "@/pages/format.ts";
import { Cell, Table } from "../ui/Table.tsx";

const OUTCOMES: Record<RuleEvaluationEntry["outcome"], string> = {
  applied: "Fired, applied",
  held: "Fired, held for approval",
  not_met: "Conditions not met",
  gate_blocked: "Too little data (gate)",
  cooldown: "In cooldown",
};

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/**
 * A rule's latest evaluations: when, which campaign, what came of it and why (each condition's
 * value, or the gate), with a link to the change or approval request.
 */
export function EvaluationHistory(
  { entries, currency, campaignNames }: {
    entries: readonly RuleEvaluationEntry[];
    currency: string;
    campaignNames: ReadonlyMap<string, string>;
  },
) {
  if (entries.length === 0) {
    return (
      <p class="text-sm text-neutral-500 dark:text-neutral-400" data-evaluations="0">
        No evaluations recorded yet. Once the rule is enabled, each run appears here.
      </p>
    );
  }
  return (
    <Table
      caption="Latest evaluations"
      columns={[
        { label: "When" },
        { label: "Campaign" },
        { label: "Outcome" },
        { label: "Why" },
        { label: "Record", srOnly: true },
      ]}
    >
      {entries.map((entry) => (
        <tr data-evaluation={entry.outcome}>
          <Cell>{formatDateTime(entry.at)}</Cell>
          <Cell>{entry.campaignId ? campaignNames.get(entry.campaignId) ?? "—" : "—"}</Cell>
          <Cell>{OUTCOMES[entry.outcome]}</Cell>
          <Cell class="whitespace-normal text-xs">
            {entry.conditions.length > 0
              ? entry.conditions.map((condition) => (
                <div>{conditionValueWords(condition, currency)}</div>
              ))
              : entry.action}
            {entry.gate.filter((window) => !window.passed).map((window) => (
              <div>
                Gate: {window.impressions} impressions, {window.clicks} clicks in {window.window}
              </div>
            ))}
          </Cell>
          <Cell>
            {entry.link?.kind === "approval" && (
              <a href={`/approvals/${entry.link.id}`} class={LINK}>Approval</a>
            )}
            {entry.link?.kind === "change" && entry.campaignId && (
              <a href={`/changes?campaign=${entry.campaignId}&actor=rule`} class={LINK}>
                Change
              </a>
            )}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
