import assert from "node:assert/strict";
import { cellText, parseComponent, seriesPoints } from "../../../pages/chat_components.ts";

Deno.test("embedded components are read defensively", () => {
  const table = parseComponent("table", {
    title: "Campaigns",
    columns: [{ key: "name", label: "Name" }, { nope: 1 }],
    rows: [{ name: "A" }, 3],
    total: 7,
  });
  assert.deepEqual(table, {
    type: "table",
    title: "Campaigns",
    columns: [{ key: "name", label: "Name" }],
    rows: [{ name: "A" }],
    total: 7,
  });
  assert.equal(parseComponent("table", { columns: [], rows: [] }), null);
  assert.equal(parseComponent("confirmation", {}), null);
  assert.equal(parseComponent("card", "x"), null);
  const card = parseComponent("card", {
    title: "Credits",
    fields: [{ label: "Balance", value: 9 }],
  });
  assert.deepEqual(card, {
    type: "card",
    title: "Credits",
    fields: [{ label: "Balance", value: "9" }],
  });
  const chart = parseComponent("chart", {
    title: "Trend",
    x: "date",
    series: [{ key: "spendMinor", label: "Spend" }],
    points: [{ date: "2026-11-01", spendMinor: 120 }, { date: "2026-11-02" }, { spendMinor: 3 }],
    currency: "EUR",
  });
  assert.ok(chart?.type === "chart");
  assert.deepEqual(seriesPoints(chart, "spendMinor"), [
    { date: "2026-11-01", value: 120 },
    { date: "2026-11-02", value: 0 },
  ]);
  assert.equal(cellText(null), "—");
  assert.equal(cellText(0), "0");
});
