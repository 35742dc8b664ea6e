/**
 * Renders the component an assistant message carries: a table as a table, a card as a card, a
 * chart with the app's `LineChart`. The chart code (d3) is loaded only when a chart appears, so
 * the chat itself stays light.
 *
 * @module
 */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import type {
  CardComponent,
  ChartComponent,
  EmbeddedComponent,
  TableComponent,
} from "@/pages/chat_components.ts";
import { cellText } from "@/pages/chat_components.ts";
import { Cell, Table } from "@/components/ui/Table.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { EmbeddedChartProps } from "./EmbeddedChart.tsx";

interface EmbeddedProps {
  component: EmbeddedComponent;
  /** Unique on the page (ids of chart titles). */
  id: string;
}

/** The embedded component of a message. */
export function EmbeddedComponentView({ component, id }: EmbeddedProps) {
  switch (component.type) {
    case "table":
      return <EmbeddedTable table={component} />;
    case "card":
      return <EmbeddedCard card={component} />;
    case "chart":
      return <LazyChart chart={component} id={id} />;
  }
}

/** Columns whose values are numbers read right-aligned. */
const NUMERIC = /spend|conversions|cpa|roas|budget|clicks|impressions|revenue|ctr|cpc|count|total/i;

/** A tool's table; campaign names link to the campaign, statuses are badges. */
export function EmbeddedTable({ table }: { table: TableComponent }) {
  const columns = table.columns.map((column) => ({
    label: column.label,
    align: NUMERIC.test(column.key) && column.key !== "budget" ? "right" as const : "left" as const,
  }));
  return (
    <div data-embedded="table" class="max-w-full">
      {table.title && (
        <p class="mb-1.5 text-xs font-semibold uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
          {table.title}
        </p>
      )}
      <Table columns={columns} caption={table.title || "Results"}>
        {table.rows.map((row) => (
          <tr>
            {table.columns.map((column, index) => (
              <Cell align={columns[index].align}>
                <CellValue column={column.key} row={row} />
              </Cell>
            ))}
          </tr>
        ))}
      </Table>
      <p class="mt-1.5 text-xs text-neutral-500 dark:text-neutral-400">
        {table.rows.length === 0
          ? "Nothing to show."
          : table.total > table.rows.length
          ? `Showing ${table.rows.length} of ${table.total}.`
          : `${table.total} ${table.total === 1 ? "row" : "rows"}.`}
      </p>
    </div>
  );
}

function CellValue({ column, row }: { column: string; row: Record<string, unknown> }) {
  const value = row[column];
  if (column === "status" && typeof value === "string") return <StatusBadge status={value} />;
  if (column === "name" && typeof row.id === "string" && "status" in row && "objective" in row) {
    return (
      <a
        href={`/campaigns/${row.id}`}
        class="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
      >
        {cellText(value)}
      </a>
    );
  }
  return <>{cellText(value)}</>;
}

/** A tool's card: a title and label/value pairs. */
export function EmbeddedCard({ card }: { card: CardComponent }) {
  return (
    <section
      data-embedded="card"
      class="max-w-md rounded-lg border border-neutral-200 bg-white shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
    >
      {card.title && (
        <h3 class="border-b border-neutral-200 px-4 py-2.5 text-sm font-semibold dark:border-neutral-800">
          {card.title}
        </h3>
      )}
      <dl class="grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3 text-sm">
        {card.fields.map((field) => (
          <div class="min-w-0">
            <dt class="text-xs text-neutral-500 dark:text-neutral-400">{field.label}</dt>
            <dd class="truncate font-medium tabular-nums" title={field.value}>{field.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Loads the chart module on first use; shows a placeholder of the same size meanwhile. */
function LazyChart({ chart, id }: { chart: ChartComponent; id: string }) {
  const [Chart, setChart] = useState<ComponentType<EmbeddedChartProps> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import("./EmbeddedChart.tsx").then(
      (module) => setChart(() => module.EmbeddedChart),
      () => setFailed(true),
    );
  }, []);
  if (Chart) return <Chart chart={chart} id={id} />;
  return (
    <div
      data-embedded="chart-loading"
      class="flex h-48 max-w-xl items-center justify-center rounded-lg border border-dashed border-neutral-300 text-xs text-neutral-500 dark:text-neutral-400 dark:border-neutral-700"
    >
      {failed ? "The chart could not be loaded." : "Loading chart…"}
    </div>
  );
}
