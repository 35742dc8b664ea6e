/**
 * The small Markdown subset assistant answers use (both the offline assistant and Gemini):
 * paragraphs, bullet and numbered lists, pipe tables, headings, and inline `**bold**`, `*em*`
 * and `` `code` ``. Parsed into plain data that the chat renders as elements — never as HTML,
 * so nothing in a message can inject markup. Anything else stays text. Pure and browser-safe.
 *
 * @module
 */

/** A run of inline text with its style. */
export interface Inline {
  text: string;
  style: "plain" | "bold" | "em" | "code";
}

/** A block of a message. */
export type Block =
  | { kind: "paragraph"; lines: Inline[][] }
  | { kind: "heading"; inlines: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "table"; header: Inline[][]; rows: Inline[][][] };

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^\s*#{1,6}\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Splits a message into blocks. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === "") {
      index++;
      continue;
    }
    if (TABLE_ROW.test(line) && TABLE_RULE.test(lines[index + 1] ?? "")) {
      const header = cells(line);
      const rows: Inline[][][] = [];
      index += 2;
      while (index < lines.length && TABLE_ROW.test(lines[index])) rows.push(cells(lines[index++]));
      blocks.push({ kind: "table", header, rows });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", inlines: parseInline(heading[1]) });
      index++;
      continue;
    }
    const listStart = BULLET.exec(line) ?? NUMBERED.exec(line);
    if (listStart) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? NUMBERED : BULLET;
      const items: Inline[][] = [];
      while (index < lines.length) {
        const match = pattern.exec(lines[index]);
        if (!match) break;
        items.push(parseInline(match[1]));
        index++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    const paragraph: Inline[][] = [];
    while (index < lines.length && !startsBlock(lines, index)) {
      paragraph.push(parseInline(lines[index]));
      index++;
    }
    blocks.push({ kind: "paragraph", lines: paragraph });
  }
  return blocks;
}

function startsBlock(lines: string[], index: number): boolean {
  const line = lines[index];
  return line.trim() === "" || HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line) ||
    (TABLE_ROW.test(line) && TABLE_RULE.test(lines[index + 1] ?? ""));
}

function cells(row: string): Inline[][] {
  return row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|")
    .map((cell) => parseInline(cell.trim()));
}

const INLINE = /\*\*(.+?)\*\*|`([^`]+)`|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])/g;

/** Inline styles of one line. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push({ text: text.slice(last, match.index), style: "plain" });
    if (match[1] !== undefined) out.push({ text: match[1], style: "bold" });
    else if (match[2] !== undefined) out.push({ text: match[2], style: "code" });
    else out.push({ text: match[3], style: "em" });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), style: "plain" });
  return out;
}
