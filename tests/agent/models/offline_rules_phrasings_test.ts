/**
 * The offline assistant and automated rules: phrasing families read as rule drafts or as the
 * activity question (several wordings each), other requests unchanged. The turns over the real
 * MCP tools are in `offline_rules_mcp_test.ts`, and through the chat in
 * `tests/api/chat/rules_chat_test.ts`.
 */
import assert from "node:assert/strict";
import { classifyAll } from "../../../agent/models/offline_intents.ts";

const TODAY = "2026-11-26";

function only(text: string) {
  const intents = classifyAll(text, TODAY);
  assert.equal(intents.length, 1, `${text}: ${intents.map((intent) => intent.kind)}`);
  return intents[0];
}

Deno.test("offline: rule phrasings read as rule drafts", () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      "pause any campaign with CPA over $40 after 1,000 impressions, check hourly",
      {
        metric: "cpa",
        operator: ">",
        value: 40,
        action: { type: "pause" },
        schedule: { frequency: "hourly" },
        minImpressions: 1000,
      },
    ],
    [
      "Pause every campaign whose cost per conversion is above 25 dollars once it has 2k impressions",
      { metric: "cpa", operator: ">", value: 25, action: { type: "pause" }, minImpressions: 2000 },
    ],
    [
      "stop all campaigns when CPC goes over $2.50, check every 15 minutes",
      {
        metric: "cpc",
        value: 2.5,
        action: { type: "pause" },
        schedule: { frequency: "every_15_minutes" },
      },
    ],
    [
      "every day at 9am, cut the budget by 20% for any campaign with ROAS under 1.5 over the last 7 days",
      {
        metric: "roas",
        operator: "<",
        value: 1.5,
        window: { kind: "last_n_days", n: 7 },
        action: { type: "adjust_budget", percent: -20 },
        schedule: { frequency: "daily", at: "09:00" },
      },
    ],
    [
      "create a rule: pause any campaign with CTR below 0.5% after 50 clicks",
      { metric: "ctr", operator: "<", value: 0.5, action: { type: "pause" }, minClicks: 50 },
    ],
  ];
  for (const [text, expected] of cases) {
    const intent = only(text);
    assert.equal(intent.kind, "rule", text);
    if (intent.kind !== "rule") continue;
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(
        (intent.request as unknown as Record<string, unknown>)[key],
        value,
        `${text}: ${key}`,
      );
    }
  }
});

Deno.test("offline: the rule activity question in several wordings", () => {
  for (
    const text of [
      "what did my rules do this week?",
      "What have my rules done?",
      "did any rules fire?",
      "show me rule activity",
      "what are my rules doing",
    ]
  ) {
    assert.equal(only(text).kind, "rule_activity", text);
  }
});

Deno.test("offline: other requests are not rules", () => {
  assert.equal(only("pause Spring Sale").kind, "status");
  assert.equal(only("pause all campaigns").kind, "status");
  assert.equal(only("what was our CPA last week?").kind, "performance");
  assert.equal(only("raise the budget of Brand by 20%").kind, "budget");
});
