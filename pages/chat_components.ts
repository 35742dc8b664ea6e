/**
 * Embedded components the assistant's final message can carry (`metadata.component` plus
 * `metadata.data`, from the tool result's `aae/component` hint; see `mcp/results.ts`):
 * checked here field by field, since they arrive as untyped JSON and a malformed one must fall
 * back to plain text rather than break the transcript. Pure and browser-safe.
 *
 * @module
 */

/** A column of an embedded table or a series of a chart. */
export interface ComponentColumn {
  key: string;
  label: string;
}

/** A table of rows. */
export interface TableComponent {
  type: "table";
  title: string;
  columns: ComponentColumn[];
  rows: Record<string, unknown>[];
  /** All matching rows (the table may show a page of them). */
  total: number;
}

/** A daily line chart with several series to choose from. */
export interface ChartComponent {
  type: "chart";
  title: string;
  /** Key of the date in each point. */
  x: string;
  series: ComponentColumn[];
  points: Record<string, unknown>[];
  currency: string | null;
}

/** A titled list of label/value pairs. */
export interface CardComponent {
  type: "card";
  title: string;
  fields: { label: string; value: string }[];
}

/** A component the chat knows how to render. */
export type EmbeddedComponent = TableComponent | ChartComponent | CardComponent;

/** The component described by an event's `component` and `data`, or null when unusable. */
export function parseComponent(type: unknown, data: unknown): EmbeddedComponent | null {
  if (!isRecord(data)) return null;
  const title = typeof data.title === "string" ? data.title : "";
  if (type === "table") {
    const columns = columnsOf(data.columns);
    if (!columns || !Array.isArray(data.rows)) return null;
    const rows = data.rows.filter(isRecord);
    const total = typeof data.total === "number" ? data.total : rows.length;
    return { type, title, columns, rows, total };
  }
  if (type === "chart") {
    const series = columnsOf(data.series);
    if (!series || !Array.isArray(data.points) || typeof data.x !== "string") return null;
    const currency = typeof data.currency === "string" ? data.currency : null;
    return { type, title, x: data.x, series, points: data.points.filter(isRecord), currency };
  }
  if (type === "card") {
    if (!Array.isArray(data.fields)) return null;
    const fields = data.fields.filter(isRecord).map((field) => ({
      label: String(field.label ?? ""),
      value: String(field.value ?? ""),
    }));
    return { type, title, fields };
  }
  return null;
}

/** A table cell's text: numbers as given, null as an em dash. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Whether a chart series is money in minor units (by the tools' naming convention). */
export function isMoneySeries(key: string): boolean {
  return key.endsWith("Minor");
}

/** One series of a chart as `{date, value}` points (non-numbers become 0). */
export function seriesPoints(
  chart: ChartComponent,
  key: string,
): { date: string; value: number }[] {
  return chart.points
    .filter((point) => typeof point[chart.x] === "string")
    .map((point) => ({
      date: String(point[chart.x]),
      value: typeof point[key] === "number" ? point[key] as number : Number(point[key]) || 0,
    }));
}

function columnsOf(value: unknown): ComponentColumn[] | null {
  if (!Array.isArray(value)) return null;
  const columns = value.filter(isRecord).filter((column) => typeof column.key === "string")
    .map((column) => ({
      key: column.key as string,
      label: typeof column.label === "string" ? column.label : String(column.key),
    }));
  return columns.length > 0 ? columns : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
