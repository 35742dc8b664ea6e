/**
 * A page for the pages benchmark only: a 200-row table built from the app's own table components.
 * The rows, with their display strings, are made once, so both sides of the comparison render the
 * same markup and the figure isolates what the page layer adds to a large page.
 *
 * @module
 */
import type { Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "../components/PageHeader.tsx";
import { Cell, type Column, Table } from "../components/ui/Table.tsx";
import { formatCount, formatDateTime, formatMoney } from "../pages/format.ts";

/** One row of the benchmark table. */
export interface BenchRow {
  id: string;
  name: string;
  status: "active" | "paused";
  created: string;
  spend: string;
  clicks: string;
}

/** The benchmark's 200 rows. */
export const ROWS: readonly BenchRow[] = Array.from({ length: 200 }, (_, i) => ({
  id: `c-${i}`,
  name: `Campaign ${i + 1} – spring sale`,
  status: i % 3 === 0 ? "paused" : "active",
  created: formatDateTime(new Date(Date.UTC(2026, 0, 1 + (i % 28), 9, i % 60)).toISOString()),
  spend: formatMoney(1234 * (i + 1), "EUR"),
  clicks: formatCount(17 * (i + 3)),
}));

const COLUMNS: Column[] = [
  { label: "Campaign" },
  { label: "Status" },
  { label: "Created" },
  { label: "Spend", align: "right" },
  { label: "Clicks", align: "right" },
];

/** Renders the rows through `ctx.render`, as data-loading app pages do. */
export const handler: Handlers<readonly BenchRow[]> = {
  GET: (_req, ctx) => ctx.render(ROWS),
};

/** The table page. */
export default function TablePage({ data }: PageProps<readonly BenchRow[]>) {
  return (
    <main class="mx-auto max-w-6xl px-6 py-8">
      <PageHeader title="Campaigns">Every campaign, with its spend and clicks.</PageHeader>
      <Table columns={COLUMNS} caption="Campaigns">
        {data.map((row) => (
          <tr>
            <Cell>
              <a href={`/campaigns/${row.id}`} class="font-medium hover:underline">{row.name}</a>
            </Cell>
            <Cell class="capitalize">{row.status}</Cell>
            <Cell class="text-neutral-600 dark:text-neutral-400">{row.created}</Cell>
            <Cell align="right">{row.spend}</Cell>
            <Cell align="right">{row.clicks}</Cell>
          </tr>
        ))}
      </Table>
    </main>
  );
}
