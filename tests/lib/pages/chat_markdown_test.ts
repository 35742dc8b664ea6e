import assert from "node:assert/strict";
import { parseInline, parseMarkdown } from "../../../pages/chat_markdown.ts";

Deno.test("assistant Markdown: paragraphs, lists, tables and inline styles", () => {
  const blocks = parseMarkdown(
    "You have 1 campaign:\n\n| Campaign | Status |\n|---|---|\n| Winter Boots | draft |\n\n" +
      "I can:\n- list campaigns\n- **create** one\n1. first\n2. second",
  );
  assert.deepEqual(blocks.map((block) => block.kind), [
    "paragraph",
    "table",
    "paragraph",
    "list",
    "list",
  ]);
  const table = blocks[1];
  assert.ok(table.kind === "table");
  assert.equal(table.rows.length, 1);
  assert.equal(table.rows[0][0][0].text, "Winter Boots");
  const bullets = blocks[3];
  assert.ok(bullets.kind === "list" && !bullets.ordered);
  assert.deepEqual(bullets.items[1], [{ text: "create", style: "bold" }, {
    text: " one",
    style: "plain",
  }]);
  assert.ok(blocks[4].kind === "list" && blocks[4].ordered);
});

Deno.test("inline: bold, emphasis and code; stray stars and HTML stay text", () => {
  assert.deepEqual(parseInline("a **b** *c* `d`"), [
    { text: "a ", style: "plain" },
    { text: "b", style: "bold" },
    { text: " ", style: "plain" },
    { text: "c", style: "em" },
    { text: " ", style: "plain" },
    { text: "d", style: "code" },
  ]);
  assert.deepEqual(parseInline("2 * 3 * 4 <b>x</b>"), [
    { text: "2 * 3 * 4 <b>x</b>", style: "plain" },
  ]);
});
