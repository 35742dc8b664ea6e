/**
 * Phrasings the offline assistant's parser was NOT written against: this table was written
 * first, before `offline_parse.ts` and `offline_intents.ts`, and is kept as a held-out check
 * that the rules generalise beyond the examples they were built from. Each row names the tool
 * calls expected (in order) and the key arguments of the decisive call.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { converse, IDS, NOW } from "./_offline_harness.ts";

interface Row {
  say: string;
  calls: string[];
  /** Arguments the last call must include (subset match). */
  args?: Record<string, unknown>;
  /** Text the final reply must match. */
  reply?: RegExp;
}

const UNSEEN: Row[] = [
  {
    say: "pls pause the Spring Sale campaign",
    // Not the exact name (issue 18): a confirmation question, never a change.
    calls: ["list_campaigns"],
    reply: /^Did you mean: .+\?$/,
  },
  {
    say: "what did I spend over the past 2 weeks?",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-12", to: "2026-11-25" },
    reply: /spend/i,
  },
  {
    say: "bump the budget for black friday to 75 bucks",
    // Not the exact name (issue 18): a confirmation question, never a change.
    calls: ["list_campaigns"],
    reply: /^Did you mean: .+\?$/,
  },
  {
    say: "make a new leads campaign 'Webinar Q1' at $30 per day",
    calls: ["list_ad_accounts", "create_campaign"],
    args: {
      adAccountId: IDS.account,
      name: "Webinar Q1",
      objective: "leads",
      budgetType: "daily",
      budgetAmountMinor: 3_000,
    },
  },
  { say: "how much credit do I have left", calls: ["credit_balance"], reply: /87/ },
  {
    say: "could you stop brand awareness q4 for now",
    calls: ["list_campaigns", "pause_campaign"],
    args: { campaignId: IDS.brand },
  },
  {
    say: "reactivate newsletter leads please",
    calls: ["list_campaigns", "resume_campaign"],
    args: { campaignId: IDS.newsletter },
  },
  {
    say: "get rid of the black friday one",
    // Not the exact name (issue 18): a confirmation question, never a change.
    calls: ["list_campaigns"],
    reply: /^Did you mean: .+\?$/,
  },
  {
    say: "list everything that's currently running",
    calls: ["list_campaigns"],
    args: { status: "active" },
    reply: /Spring Sale/,
  },
  { say: "show me paused campaigns", calls: ["list_campaigns"], args: { status: "paused" } },
  {
    say: "performance for yesterday pls",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-25", to: "2026-11-25" },
  },
  {
    say: "How are we doing this month?",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-01", to: "2026-11-26" },
  },
  {
    say: "stats since october 15",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-10-15", to: "2026-11-26" },
  },
  {
    say: "set up a sales campaign named Holiday Push with a lifetime budget of $1,250.50",
    calls: ["list_ad_accounts", "create_campaign"],
    args: {
      name: "Holiday Push",
      objective: "sales",
      budgetType: "lifetime",
      budgetAmountMinor: 125_050,
    },
  },
  {
    say: "change Spring Sale's daily budget to 42.75",
    // Not the exact name (issue 18): a confirmation question, never a change.
    calls: ["list_campaigns"],
    reply: /^Did you mean: .+\?$/,
  },
  { say: "what's the weather like in Paris?", calls: [], reply: /GEMINI_API_KEY/ },
  { say: "create a traffic campaign called Test", calls: [], reply: /budget/i },
  {
    say: "whats my balance",
    calls: ["credit_balance"],
  },
  {
    say: "give me the numbers for the last 30 days",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-10-27", to: "2026-11-25" },
  },
];

Deno.test("offline assistant: unseen phrasings", async (t) => {
  const model = new OfflineModel({ now: () => NOW });
  for (const row of UNSEEN) {
    await t.step(row.say, async () => {
      const { calls, reply } = await converse(model, row.say);
      assert.deepEqual(calls.map((call) => call.name), row.calls, reply);
      if (row.args) {
        const last = calls.at(-1);
        assert.ok(last, "expected a tool call");
        for (const [key, value] of Object.entries(row.args)) {
          assert.deepEqual(last.args[key], value, `${key} in ${JSON.stringify(last.args)}`);
        }
      }
      assert.ok(reply.trim().length > 0, "a final answer");
      if (row.reply) assert.match(reply, row.reply);
    });
  }
});
