import assert from "node:assert/strict";
import {
  changeValue,
  currencyOf,
  fieldLabel,
  groupChanges,
  previewChanges,
} from "../../../pages/chat_preview.ts";

Deno.test("the preview keeps only fields that change", () => {
  const changes = previewChanges({
    changes: [
      {
        resource: "campaign",
        id: "a",
        name: "A",
        field: "status",
        before: "paused",
        after: "active",
      },
      { resource: "campaign", id: "a", name: "A", field: "endDate", before: null, after: null },
      { resource: "campaign", id: "a", name: "A", field: "targeting", before: null, after: {} },
      {
        resource: "campaign",
        id: "b",
        name: "B",
        field: "budgetAmountMinor",
        before: 5000,
        after: 9000,
      },
      "not a change",
    ],
  });
  assert.deepEqual(changes.map((change) => change.field), ["status", "budgetAmountMinor"]);
  assert.deepEqual(
    groupChanges(changes).map((group) => [group.name, group.changes.length]),
    [["A", 1], ["B", 1]],
  );
  assert.deepEqual(previewChanges(null), []);
  assert.deepEqual(previewChanges({ changes: "nope" }), []);
});

Deno.test("fields read as words and money in the summary's currency", () => {
  assert.equal(fieldLabel("budgetAmountMinor"), "Budget");
  assert.equal(fieldLabel("someNewField"), "Some new field");
  assert.equal(currencyOf('Create "X" with a daily budget of USD 40.00.'), "USD");
  assert.equal(currencyOf("Pause campaign X."), null);
  assert.equal(changeValue("budgetAmountMinor", 4000, "USD"), "$40.00");
  assert.equal(changeValue("budgetAmountMinor", 4000, "JPY"), "¥4,000");
  assert.equal(changeValue("budgetAmountMinor", 4000, null), "4000 (minor units)");
  assert.equal(changeValue("name", null, null), "—");
  assert.equal(changeValue("targeting", { countries: ["DE", "AT"] }, null), "Countries: DE, AT");
  assert.equal(changeValue("targeting", {}, null), "none");
});
