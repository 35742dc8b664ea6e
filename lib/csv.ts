/**
 * CSV text as RFC 4180 describes it (CRLF line ends; fields with a comma, quote or line break
 * quoted, quotes doubled), safe to open in a spreadsheet: a text cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return would run as a formula, so it is prefixed with `'` (the
 * OWASP advice on CSV injection). Numbers are written as they are, so negative amounts stay
 * numbers.
 *
 * @module
 */

/** A cell: text (guarded against formulas), a number, or empty. */
export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, guarded and quoted as needed. */
export function csvField(cell: CsvCell): string {
  if (cell === null) return "";
  const text = typeof cell === "number"
    ? String(cell)
    : FORMULA_START.test(cell)
    ? `'${cell}`
    : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and data rows as one CSV document (ending in CRLF). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** A download response of `csv` named `filename`. */
export function csvResponse(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}
