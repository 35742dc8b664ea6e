import { defineRoute } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import { formatCount, formatDateTime } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;

const COLUMNS: Column[] = [
  { label: "Date" },
  { label: "Description" },
  { label: "Kind" },
  { label: "Amount", align: "right" },
  { label: "Balance", align: "right" },
];

export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor, credits } = ctx.state;
  ctx.state.title = "Credits";
  const skip = Math.max(0, Math.floor(Number(ctx.url.searchParams.get("skip")) || 0));
  const ledger = await services.domain.credits.ledger(actor, { skip, limit: PAGE_SIZE });
  return (
    <>
      <PageHeader title="Credits">
        AI work (the assistant's answers and actions) costs credits; every grant and charge is
        listed below.
      </PageHeader>
      <div class="mb-6 inline-flex flex-col rounded-lg border border-neutral-200 bg-white px-5 py-4 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
        <span class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
          Balance
        </span>
        <span class="mt-1 text-3xl font-semibold tabular-nums" data-balance={credits}>
          {formatCount(credits)}{" "}
          <span class="text-base font-normal text-neutral-500 dark:text-neutral-400">credits</span>
        </span>
      </div>
      <Paged url={ctx.url} page={ledger}>
        <Table columns={COLUMNS} caption="Credit ledger, newest first">
          {ledger.items.map((entry) => (
            <tr>
              <Cell class="text-neutral-600 dark:text-neutral-400">
                {formatDateTime(entry.createdAt)}
              </Cell>
              <Cell>{entry.description}</Cell>
              <Cell class="capitalize">{entry.kind}</Cell>
              <Cell
                align="right"
                class={entry.amount < 0
                  ? "text-red-700 dark:text-red-400"
                  : "text-emerald-700 dark:text-emerald-400"}
              >
                {entry.amount > 0 ? "+" : "−"}
                {formatCount(Math.abs(entry.amount))}
              </Cell>
              <Cell align="right">{formatCount(entry.balanceAfter)}</Cell>
            </tr>
          ))}
        </Table>
      </Paged>
    </>
  );
});
