/** The plain sentence of what a run did, from its changes or, without any, its question. */
import assert from "node:assert/strict";
import { type RunChange, runSentence } from "../../../agent/runs/run_summary.ts";

const change = (operation: string, fields: RunChange["fields"] = {}): RunChange => ({
  operation,
  campaignName: "Spring Sale",
  currency: "EUR",
  budgetType: "daily",
  fields,
});

Deno.test("a run's sentence names what it changed", () => {
  const say = (...changes: RunChange[]) =>
    runSentence({ status: "completed", question: "do it", changes });
  assert.equal(
    say(change("create", { status: { before: null, after: "draft" } })),
    "Created Spring Sale",
  );
  assert.equal(
    say(change("create", { status: { before: null, after: "active" } })),
    "Created and launched Spring Sale",
  );
  assert.equal(
    say(change("update", { budgetAmountMinor: { before: 5_000, after: 12_000 } })),
    "Raised Spring Sale's budget to €120.00/day",
  );
  assert.equal(
    say(change("update", { budgetAmountMinor: { before: 5_000, after: 4_000 } })),
    "Lowered Spring Sale's budget to €40.00/day",
  );
  assert.equal(
    say(change("resume", { status: { before: "draft", after: "active" } })),
    "Launched Spring Sale",
  );
  assert.equal(
    say(change("pause"), change("archive"), change("resume"), change("delete")),
    "Paused Spring Sale; archived Spring Sale; resumed Spring Sale; and 1 more change",
  );
});

Deno.test("without changes it quotes the question, shortened, by how the run ended", () => {
  const long = "how did my campaigns do last week compared with the week before, per account?";
  assert.equal(
    runSentence({ status: "completed", question: long, changes: [] }),
    "Answered: how did my campaigns do last week compared with the week…",
  );
  assert.equal(
    runSentence({ status: "waiting_confirmation", question: "pause it", changes: [] }),
    "Waiting for your approval: pause it",
  );
  assert.equal(
    runSentence({ status: "failed", question: "hi", changes: [] }),
    "Could not answer: hi",
  );
  assert.equal(
    runSentence({ status: "cancelled", question: null, changes: [] }),
    "Stopped: a deleted message",
  );
});
