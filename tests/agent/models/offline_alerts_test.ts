/**
 * The offline assistant on alert questions: "what went wrong yesterday?" lists that day's alerts
 * with their campaigns; "why is Spring Sale's CPA up?" explains the campaign's latest alert.
 */
import assert from "node:assert/strict";
import { classify } from "../../../agent/models/offline_intents.ts";
import { type DoneCall, nextStep } from "../../../agent/models/offline_plan.ts";

const TODAY = "2026-11-26";
const CAMPAIGN = "00000000-0000-4000-8000-000000000001";

function done(
  name: string,
  args: Record<string, unknown>,
  structured: unknown,
  text = "",
): DoneCall {
  return {
    name,
    args,
    result: { isError: false, text, structured: structured as Record<string, unknown> },
  } as DoneCall;
}

const alerts = done("list_alerts", { limit: 100 }, {
  items: [{
    id: "a1",
    campaignId: CAMPAIGN,
    severity: "warning",
    status: "open",
    metricDate: "2026-11-25",
    finding: { summary: "CPA up 120% over the last 3 days against the weeks before" },
  }],
  total: 1,
});
const campaigns = done("list_campaigns", { limit: 100 }, {
  items: [{ id: CAMPAIGN, name: "Spring Sale", status: "active" }],
  total: 1,
});

Deno.test("what went wrong yesterday: the day's alerts, by campaign", () => {
  const intent = classify("What went wrong yesterday?", TODAY);
  assert.deepEqual(intent, { kind: "alerts", campaignPhrase: null, yesterday: true });
  const first = nextStep(intent, [], TODAY);
  assert.equal(first.kind, "call");
  const answer = nextStep(intent, [alerts, campaigns], TODAY);
  assert.equal(answer.kind, "reply");
  assert.match(answer.kind === "reply" ? answer.text : "", /Spring Sale\*\*: CPA up 120%/);
});

Deno.test("why is Spring Sale's CPA up: its alert explained", () => {
  const intent = classify("Why is Spring Sale's CPA up?", TODAY);
  assert.deepEqual(intent, { kind: "alerts", campaignPhrase: "Spring Sale", yesterday: false });
  const step = nextStep(intent, [alerts, campaigns], TODAY);
  assert.deepEqual(step, { kind: "call", calls: [{ name: "explain_alert", args: { id: "a1" } }] });
  const explained = done(
    "explain_alert",
    { id: "a1" },
    {},
    "CPA up 120% (warning, 2026-11-25; cpc moved). Changes before it: update by assistant.",
  );
  const answer = nextStep(intent, [alerts, campaigns, explained], TODAY);
  assert.equal(answer.kind, "reply");
  assert.match(answer.kind === "reply" ? answer.text : "", /^Spring Sale: CPA up 120%.*assistant/);
});
