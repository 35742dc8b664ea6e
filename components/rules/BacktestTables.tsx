import type { BacktestResult } from "@/domain/rules/backtest.ts";
import { conditionValueWords, windowWords } from "@/domain/rules/describe.ts";
import { labelOf } from "@/pages/rule_form.ts";
import { formatMoney } from "@/pages/format.ts";
import { Cell, Table } from "../ui/Table.tsx";

/** Rows listed per table (the counts above say how many there are in all). */
const LISTED = 100;

/** Every firing of the backtest: when, which campaign, the values, the action, what blocked it. */
export function FiringsTable({ result }: { result: BacktestResult }) {
  if (result.firings.length === 0) {
    return <p class="text-sm text-neutral-500 dark:text-neutral-400">No firings in the period.</p>;
  }
  return (
    <>
      <Table
        caption="Firings in the backtest"
        columns={[
          { label: "When (account time)" },
          { label: "Campaign" },
          { label: "Values" },
          { label: "Action" },
          { label: "Blocked by limits" },
        ]}
      >
        {result.firings.slice(0, LISTED).map((firing) => (
          <tr data-firing={firing.campaignId}>
            <Cell>{firing.at.replace("T", " ")}</Cell>
            <Cell>{firing.campaignName}</Cell>
            <Cell class="whitespace-normal text-xs">
              {firing.evaluation.conditions.map((condition) => (
                <div>{conditionValueWords(condition, result.currency)}</div>
              ))}
            </Cell>
            <Cell>
              {labelOf(firing.action)}
              {firing.budgetAfterMinor !== null && firing.budgetBeforeMinor !== null && (
                <span class="block text-xs text-neutral-500 dark:text-neutral-400">
                  {formatMoney(firing.budgetBeforeMinor, result.currency)} →{" "}
                  {formatMoney(firing.budgetAfterMinor, result.currency)}
                </span>
              )}
            </Cell>
            <Cell class="whitespace-normal text-xs">
              {firing.blocked
                ? (
                  <span data-blocked={firing.blocked.limit}>
                    {firing.blocked.needsApproval ? "Needs approval: " : "Refused: "}
                    {firing.blocked.message}
                  </span>
                )
                : "—"}
            </Cell>
          </tr>
        ))}
      </Table>
      {result.firings.length > LISTED && (
        <p class="mt-2 text-xs text-neutral-500 dark:text-neutral-400">
          The first {LISTED} of {result.firingCount} firings.
        </p>
      )}
    </>
  );
}

/** The campaign-days where only the minimum-data gate held the rule back. */
export function GateBlockedTable({ result }: { result: BacktestResult }) {
  if (result.gateBlocked.length === 0) {
    return (
      <p class="text-sm text-neutral-500 dark:text-neutral-400">
        The data gate held nothing back.
      </p>
    );
  }
  return (
    <Table
      caption="Firings only the data gate prevented"
      columns={[{ label: "Day (first slot)" }, { label: "Campaign" }, { label: "Data" }]}
    >
      {result.gateBlocked.slice(0, LISTED).map((blocked) => (
        <tr data-gate-blocked={blocked.campaignId}>
          <Cell>{blocked.at.replace("T", " ")}</Cell>
          <Cell>{blocked.campaignName}</Cell>
          <Cell class="whitespace-normal text-xs">
            {blocked.windows.map((window) => (
              <div>
                {windowWords(window.window)}: {window.impressions} impressions, {window.clicks}{" "}
                clicks{window.passed ? "" : " — too little"}
              </div>
            ))}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
