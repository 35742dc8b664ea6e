/**
 * A second held-out set of advertiser phrasings (issue 18, items 12–14), written before the rules
 * were changed and run against them unchanged: creates that share words with an existing
 * campaign, names that are close but not exact, two actions in one message, bulk requests,
 * relative dates in the account's time zone, archived campaigns in lists and prompts, and typos.
 *
 * Every row states which writes may happen (none unless listed): a misreading that changes a
 * campaign fails the row even when the reply looks right.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import type { ModelMessage, ModelToolCall } from "../../../agent/models/types.ts";
import { campaign, cannedToolsOver, converse, NOW } from "./_offline_harness.ts";

const ID = {
  autumn: "2a2b3c4d-0000-4000-8000-000000000001",
  holiday: "2a2b3c4d-0000-4000-8000-000000000002",
  summer: "2a2b3c4d-0000-4000-8000-000000000003",
  spring: "2a2b3c4d-0000-4000-8000-000000000004",
  brand: "2a2b3c4d-0000-4000-8000-000000000005",
  newsletter: "2a2b3c4d-0000-4000-8000-000000000006",
  blackFriday: "2a2b3c4d-0000-4000-8000-000000000007",
  clearance: "2a2b3c4d-0000-4000-8000-000000000008",
} as const;

const CAMPAIGNS = [
  campaign(ID.autumn, "Autumn Sale", "active", "sales", 5_000),
  campaign(ID.holiday, "Holiday Sale", "active", "sales", 100_000, "lifetime"),
  campaign(ID.summer, "Summer Promo", "active", "traffic", 2_500),
  campaign(ID.spring, "Spring Sale — Search", "active", "sales", 5_000),
  campaign(ID.brand, "Brand Awareness Q4", "active", "awareness", 3_000),
  campaign(ID.newsletter, "Newsletter Leads", "paused", "leads", 2_000),
  campaign(ID.blackFriday, "Black Friday Blowout", "active", "sales", 6_000),
  campaign(ID.clearance, "Summer Clearance", "archived", "sales", 4_000),
];

const WRITE_TOOLS = new Set([
  "create_campaign",
  "update_campaign",
  "pause_campaign",
  "resume_campaign",
  "archive_campaign",
]);

/** The reply of a request it did not understand, or of a name it could not place. */
const GAVE_UP = /didn't understand|couldn't tell which campaign/i;

interface Row {
  say: string;
  /** Earlier user messages of the same conversation, sent first. */
  before?: string[];
  /** The ad accounts' time zone (NOW is Thursday 2026-11-26 12:00 UTC). */
  timeZone?: string;
  /** Exactly these writes, in order (argument subsets); none when absent. */
  writes?: { name: string; args: Record<string, unknown> }[];
  /** The report range asked of `performance_summary`. */
  report?: { from: string; to: string; campaignId?: string };
  /** Arguments `list_campaigns` must be called with (subset). */
  list?: Record<string, unknown>;
  reply?: RegExp;
  notReply?: RegExp;
}

const create = (args: Record<string, unknown>) => [{ name: "create_campaign", args }];
const write = (name: string, campaignId: string, args: Record<string, unknown> = {}) => ({
  name,
  args: { campaignId, ...args },
});

const ROWS: Row[] = [
  // Item 12: a create must create (or ask), never change a campaign with a similar name.
  {
    say: "create campaign Autumn Deals, budget $20/day, objective traffic",
    writes: create({
      name: "Autumn Deals",
      objective: "traffic",
      budgetType: "daily",
      budgetAmountMinor: 2_000,
    }),
  },
  {
    say: "Create a new campaign Autumn Deals with a lifetime budget of $600, objective sales",
    writes: create({
      name: "Autumn Deals",
      objective: "sales",
      budgetType: "lifetime",
      budgetAmountMinor: 60_000,
    }),
  },
  {
    say: "new campaign: Autumn Deals, $20 a day, traffic",
    writes: create({ name: "Autumn Deals", budgetType: "daily", budgetAmountMinor: 2_000 }),
  },
  {
    say: "set up campaign 'Autumn Deals' for traffic at 20 dollars daily",
    writes: create({ name: "Autumn Deals", objective: "traffic", budgetAmountMinor: 2_000 }),
  },
  {
    say: "create Holiday Gifts with a $2,000 lifetime budget for sales",
    writes: create({
      name: "Holiday Gifts",
      objective: "sales",
      budgetType: "lifetime",
      budgetAmountMinor: 200_000,
    }),
  },
  {
    say: "launch a new lifetime campaign Holiday Gifts, $2,000 total, sales",
    writes: create({ name: "Holiday Gifts", budgetType: "lifetime", budgetAmountMinor: 200_000 }),
  },
  {
    say: "create campaign Autumn Deals",
    reply: /budget[\s\S]*objective|objective[\s\S]*budget/i,
  },
  {
    say: "can you create a campaign for the autumn sale with 30 a day budget",
    reply: /\?\s*$/,
  },
  // Item 12: a name must match exactly (case and punctuation aside), else ask with candidates.
  { say: "pause autumn sale", writes: [write("pause_campaign", ID.autumn)] },
  { say: "pause Autumn", reply: /Autumn Sale[\s\S]*\?/ },
  { say: "set the budget of spring sale to $60", reply: /Spring Sale — Search[\s\S]*\?/ },
  {
    say: "pause the Spring Sale — Search campaign",
    writes: [write("pause_campaign", ID.spring)],
  },
  { say: "pause 'spring sale - search'", writes: [write("pause_campaign", ID.spring)] },
  {
    say: "raise the Autumn Sale budget by 10%",
    writes: [write("update_campaign", ID.autumn, { budgetAmountMinor: 5_500 })],
  },
  { say: "increase autumn sales budget by 10%", reply: /Autumn Sale[\s\S]*\?/ },
  {
    say: "make the autumn sale budget $55",
    writes: [write("update_campaign", ID.autumn, { budgetAmountMinor: 5_500 })],
  },
  { say: "archive holiday", reply: /Holiday Sale[\s\S]*\?/ },
  // Item 13: two actions in one message, and bulk requests.
  {
    say: "pause Black Friday Blowout and raise Autumn Sale's budget by 20%",
    writes: [
      write("pause_campaign", ID.blackFriday),
      write("update_campaign", ID.autumn, { budgetAmountMinor: 6_000 }),
    ],
  },
  {
    say: "pause Black Friday Blowout and Brand Awareness Q4",
    writes: [write("pause_campaign", ID.blackFriday), write("pause_campaign", ID.brand)],
  },
  {
    say: "resume Newsletter Leads, then double Brand Awareness Q4's budget",
    writes: [
      write("resume_campaign", ID.newsletter),
      write("update_campaign", ID.brand, { budgetAmountMinor: 6_000 }),
    ],
  },
  {
    say: "pause Summer Promo and also pause the autumn one",
    writes: [write("pause_campaign", ID.summer)],
    reply: /Autumn Sale[\s\S]*\?/,
  },
  { say: "pause all my campaigns", reply: /one (?:campaign )?at a time/i, notReply: GAVE_UP },
  { say: "delete everything", reply: /one (?:campaign )?at a time/i, notReply: GAVE_UP },
  { say: "stop all active campaigns", reply: /one (?:campaign )?at a time/i, notReply: GAVE_UP },
  { say: "archive all paused campaigns", reply: /one (?:campaign )?at a time/i, notReply: GAVE_UP },
  // Item 14: relative dates, in the account's time zone.
  { say: "how did we do since monday", report: { from: "2026-11-23", to: "2026-11-26" } },
  { say: "spend since Tuesday?", report: { from: "2026-11-24", to: "2026-11-26" } },
  { say: "how did we do last friday", report: { from: "2026-11-20", to: "2026-11-20" } },
  { say: "results for last thursday", report: { from: "2026-11-19", to: "2026-11-19" } },
  { say: "performance since the 1st", report: { from: "2026-11-01", to: "2026-11-26" } },
  { say: "month to date spend", report: { from: "2026-11-01", to: "2026-11-26" } },
  { say: "this month's numbers please", report: { from: "2026-11-01", to: "2026-11-26" } },
  {
    say: "how did we do the week before last",
    report: { from: "2026-11-09", to: "2026-11-15" },
  },
  { say: "what did we spend on monday", report: { from: "2026-11-23", to: "2026-11-23" } },
  { say: "how was the weekend?", report: { from: "2026-11-21", to: "2026-11-22" } },
  {
    say: "how did we do yesterday",
    timeZone: "Pacific/Auckland",
    report: { from: "2026-11-26", to: "2026-11-26" },
  },
  {
    say: "spend since monday",
    timeZone: "Pacific/Auckland",
    report: { from: "2026-11-23", to: "2026-11-27" },
  },
  {
    say: "how did we do during the holidays",
    report: { from: "2026-11-19", to: "2026-11-25" },
    reply: /last 7 days/i,
  },
  {
    say: "how did the autumn sale do last week",
    report: { from: "2026-11-16", to: "2026-11-22", campaignId: ID.autumn },
  },
  // Item 14: archived campaigns stay out of lists and prompts unless asked for.
  { say: "show my campaigns", reply: /Autumn Sale/, notReply: /Summer Clearance/ },
  { say: "list archived campaigns", list: { status: "archived" }, reply: /Summer Clearance/ },
  { say: "pause summer", reply: /Summer Promo[\s\S]*\?/, notReply: /Summer Clearance/ },
  // Item 14: typos lead to a confirmation question, and "yes" carries it out.
  { say: "pasue the sumer promo", reply: /Summer Promo[\s\S]*\?/, notReply: GAVE_UP },
  { say: "pause the sumer promo", reply: /Summer Promo[\s\S]*\?/, notReply: GAVE_UP },
  {
    say: "yes",
    before: ["pasue the sumer promo"],
    writes: [write("pause_campaign", ID.summer)],
  },
  { say: "resme newsletter leads", reply: /Newsletter Leads[\s\S]*\?/, notReply: GAVE_UP },
  { say: "archve Black Friday Blowout", reply: /Black Friday Blowout[\s\S]*\?/, notReply: GAVE_UP },
  {
    say: "increse the budget of autumn sale by 10%",
    reply: /Autumn Sale[\s\S]*\?/,
    notReply: GAVE_UP,
  },
  { say: "shwo my campaigns", notReply: GAVE_UP },
  // Ordinary requests keep working.
  { say: "what's my credit balance", reply: /87/ },
  { say: "pause Summer Clearance", reply: /archived/i },
];

const model = new OfflineModel({ now: () => NOW });
const tool = cannedToolsOver(CAMPAIGNS);

/** Sends `row.before` then `row.say`; returns the last turn's calls and reply. */
async function run(row: Row): Promise<{ calls: ModelToolCall[]; reply: string }> {
  let history: ModelMessage[] = [];
  for (const earlier of row.before ?? []) {
    history = (await converse(model, earlier, { history, tool, timeZone: row.timeZone })).messages;
  }
  return await converse(model, row.say, { history, tool, timeZone: row.timeZone });
}

function check(row: Row, calls: ModelToolCall[], reply: string): void {
  const context = `${JSON.stringify(calls.map(({ name, args }) => ({ name, args })))}\n${reply}`;
  const writes = calls.filter((call) => WRITE_TOOLS.has(call.name));
  const expected = row.writes ?? [];
  assert.deepEqual(writes.map((call) => call.name), expected.map((item) => item.name), context);
  expected.forEach((item, index) => {
    for (const [key, value] of Object.entries(item.args)) {
      assert.deepEqual(writes[index].args[key], value, `${key}: ${context}`);
    }
  });
  if (row.report) {
    const summary = calls.find((call) => call.name === "performance_summary");
    assert.ok(summary, `a report: ${context}`);
    for (const [key, value] of Object.entries(row.report)) {
      assert.deepEqual(summary.args[key], value, `${key}: ${context}`);
    }
  }
  if (row.list) {
    const list = calls.find((call) => call.name === "list_campaigns");
    assert.ok(list, `a list: ${context}`);
    for (const [key, value] of Object.entries(row.list)) {
      assert.deepEqual(list.args[key], value, `${key}: ${context}`);
    }
  }
  assert.ok(reply.trim().length > 0, "a final answer");
  if (row.reply) assert.match(reply, row.reply, context);
  if (row.notReply) assert.doesNotMatch(reply, row.notReply, context);
}

Deno.test("offline assistant: issue 18 phrasings", async (t) => {
  assert.ok(ROWS.length >= 40);
  let passed = 0;
  for (const row of ROWS) {
    const ok = await t.step(
      row.before ? `${row.before.join(" → ")} → ${row.say}` : row.say,
      async () => {
        const { calls, reply } = await run(row);
        check(row, calls, reply);
      },
    );
    if (ok) passed++;
  }
  console.log(`phrasings passed: ${passed}/${ROWS.length}`);
});
