import type { ComponentChildren } from "preact";

/** A column header of a table. */
export interface Column {
  label: string;
  /** Numbers align right. */
  align?: "left" | "right";
  /** Visually hidden label (for action columns). */
  srOnly?: boolean;
  /** A sortable column: the link sorting by it, and whether the table is sorted by it now. */
  sort?: { href: string; current?: "ascending" | "descending" };
}

interface TableProps {
  columns: readonly Column[];
  /** Accessible caption describing the table. */
  caption: string;
  children: ComponentChildren;
}

/** A data table in a scrollable card; rows are `<tr>` children built with `Cell`. */
export function Table({ columns, caption, children }: TableProps) {
  return (
    <div class="overflow-x-auto rounded-lg border border-neutral-200 bg-white shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
      <table class="min-w-full divide-y divide-neutral-200 text-sm dark:divide-neutral-800">
        <caption class="sr-only">{caption}</caption>
        <thead class="bg-neutral-50 dark:bg-neutral-900/60">
          <tr>
            {columns.map((column) => (
              <th
                scope="col"
                aria-sort={column.sort ? column.sort.current ?? "none" : undefined}
                class={`whitespace-nowrap px-4 py-2.5 text-xs font-semibold uppercase tracking-wide text-neutral-500 dark:text-neutral-400 ${
                  column.align === "right" ? "text-right" : "text-left"
                }`}
              >
                {column.srOnly
                  ? <span class="sr-only">{column.label}</span>
                  : column.sort
                  ? <SortLink label={column.label} {...column.sort} />
                  : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="divide-y divide-neutral-100 dark:divide-neutral-800">{children}</tbody>
      </table>
    </div>
  );
}

interface CellProps {
  align?: "left" | "right";
  children?: ComponentChildren;
  class?: string;
}

/** A table cell; right-aligned cells use tabular figures. */
export function Cell({ align, children, class: extra = "" }: CellProps) {
  return (
    <td
      class={`whitespace-nowrap px-4 py-3 ${
        align === "right" ? "text-right tabular-nums" : ""
      } ${extra}`}
    >
      {children}
    </td>
  );
}

/** A header link that sorts by its column, with an arrow for the current direction. */
function SortLink(
  { label, href, current }: { label: string } & NonNullable<Column["sort"]>,
) {
  const arrow = current === "ascending" ? "▲" : current === "descending" ? "▼" : "";
  return (
    <a
      href={href}
      class={`inline-flex items-center gap-1 hover:text-neutral-900 dark:hover:text-neutral-100 ${
        current ? "text-neutral-900 dark:text-neutral-100" : ""
      }`}
    >
      {label}
      <span aria-hidden="true" class="text-[10px]">{arrow}</span>
    </a>
  );
}
