/** CSV text: RFC 4180 quoting and the guard against spreadsheet formulas. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { csvField, toCsv } from "../../lib/csv.ts";

/** Parses RFC 4180 text back into rows (the reading side a spreadsheet implements). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[index + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      index++;
    } else field += char;
  }
  return rows;
}

Deno.test("fields are quoted only when needed, quotes doubled, lines end in CRLF", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('say "hi", please'), '"say ""hi"", please"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(null), "");
  assert.equal(csvField(-12.5), "-12.5", "numbers stay numbers");
  assert.equal(toCsv(["a", "b"], [[1, "x"]]), "a,b\r\n1,x\r\n");
});

Deno.test("text that a spreadsheet would run as a formula is prefixed with a quote", () => {
  for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
    assert.equal(csvField(`${start}SUM(A1)`).replace(/^"/, "")[0], "'", JSON.stringify(start));
  }
  assert.equal(csvField('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
});

Deno.test("property: every text round-trips through a reader, guarded cells with one quote", () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), {
      maxLength: 5,
    }),
    (rows) => {
      const header = rows[0]?.map((_, index) => `c${index}`) ?? ["c0"];
      const width = header.length;
      const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ""));
      const parsed = parseCsv(toCsv(header, table));
      assert.deepEqual(parsed[0], header);
      parsed.slice(1).forEach((row, r) =>
        row.forEach((cell, c) => {
          const original = table[r][c];
          assert.equal(cell, /^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
        })
      );
    },
  ));
});
