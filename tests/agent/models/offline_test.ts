/**
 * The offline assistant on the phrasings it was written for: intents, tool calls and key
 * arguments, follow-up answers, approval and error outcomes, amounts and periods (with
 * fast-check properties for exact money parsing).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { findAmount } from "../../../agent/models/offline_amounts.ts";
import { formatMinor, toMinorUnits } from "../../../domain/money.ts";
import { scaleMinor } from "../../../agent/models/offline_budget.ts";
import { findPeriod, parseDate } from "../../../agent/models/offline_dates.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { resolveByName } from "../../../agent/models/offline_parse.ts";
import { formatToolResult, type ToolResultLike } from "../../../agent/models/tool_result.ts";
import type { ModelToolCall } from "../../../agent/models/types.ts";
import { cannedTool, converse, IDS, NOW, TOOL_SPECS } from "./_offline_harness.ts";

const model = new OfflineModel({ now: () => NOW });

interface Row {
  say: string;
  calls: string[];
  args?: Record<string, unknown>;
  reply?: RegExp;
}

const SEEN: Row[] = [
  {
    say: "show my campaigns",
    calls: ["list_campaigns"],
    reply: /\| Black Friday Blowout \| Active/,
  },
  { say: "Show my active campaigns", calls: ["list_campaigns"], args: { status: "active" } },
  {
    say: "how did we do last week?",
    calls: ["performance_summary", "daily_trend"],
    // Thursday 2026-11-26: last week is Monday 16 to Sunday 22 November.
    args: { from: "2026-11-16", to: "2026-11-22" },
    reply: /Spend: \$1,234\.56[\s\S]*Conversions: 48 \(CPA \$25\.72\)[\s\S]*ROAS 3\.89×/,
  },
  {
    say: "how did we do in the last 30 days",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-10-27", to: "2026-11-25" },
  },
  {
    say: "how did we do yesterday",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-25", to: "2026-11-25" },
  },
  {
    say: "How did we do this month?",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-01", to: "2026-11-26" },
  },
  {
    say: "how did we do since Nov 1",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-11-01", to: "2026-11-26" },
  },
  {
    say: "how did the Spring Sale campaign do last week",
    calls: ["list_campaigns", "performance_summary", "daily_trend"],
    args: { campaignId: IDS.spring, from: "2026-11-16", to: "2026-11-22" },
    reply: /Spring Sale — Search/,
  },
  {
    say: "create a $50/day sales campaign called Winter Deals",
    calls: ["list_ad_accounts", "create_campaign"],
    args: {
      adAccountId: IDS.account,
      name: "Winter Deals",
      objective: "sales",
      budgetType: "daily",
      budgetAmountMinor: 5_000,
    },
    reply: /Created “Winter Deals”/,
  },
  {
    say: 'create a traffic campaign named "Launch 2027" with $500 total',
    calls: ["list_ad_accounts", "create_campaign"],
    args: { name: "Launch 2027", budgetType: "lifetime", budgetAmountMinor: 50_000 },
  },
  {
    say: "create a 50 dollars a day awareness campaign called Reach Out",
    calls: ["list_ad_accounts", "create_campaign"],
    args: { name: "Reach Out", objective: "awareness", budgetAmountMinor: 5_000 },
  },
  {
    // Not the exact name: a question, never a change.
    say: "pause Spring Sale",
    calls: ["list_campaigns"],
    reply: /^Did you mean: pause “Spring Sale — Search”\?$/,
  },
  {
    say: "pause Spring Sale - Search",
    calls: ["list_campaigns", "pause_campaign"],
    args: { campaignId: IDS.spring },
    reply: /Paused “Spring Sale — Search”. It is now paused/,
  },
  {
    say: "resume newsletter leads",
    calls: ["list_campaigns", "resume_campaign"],
    args: { campaignId: IDS.newsletter },
  },
  {
    say: "archive Brand Awareness Q4",
    calls: ["list_campaigns", "archive_campaign"],
    args: { campaignId: IDS.brand },
  },
  { say: "pause Newsletter Leads", calls: ["list_campaigns"], reply: /already paused/ },
  {
    say: "pause the Newsleter Leeds campaign",
    calls: ["list_campaigns"],
    reply: /Did you mean: pause “Newsletter Leads”\?/,
  },
  {
    say: "set the budget of Spring Sale Search to $80",
    calls: ["list_campaigns", "update_campaign"],
    args: { campaignId: IDS.spring, budgetAmountMinor: 8_000 },
    reply: /\$80\.00\/day \(was \$50\.00\/day\)/,
  },
  {
    say: "set the budget of Spring Sale Search to 50.5",
    calls: ["list_campaigns", "update_campaign"],
    args: { budgetAmountMinor: 5_050 },
  },
  {
    say: "set the budget of Spring Sale Search to $500 lifetime",
    calls: ["list_campaigns", "update_campaign"],
    args: { budgetAmountMinor: 50_000, budgetType: "lifetime" },
  },
  {
    say: "set the budget of Spring Sale Search to $50",
    calls: ["list_campaigns"],
    reply: /already has/,
  },
  {
    say: "set the budget of Spring Sale Search to €40",
    calls: ["list_campaigns"],
    reply: /in USD/,
  },
  {
    say: "set the budget of Spring Sale Search to $1.234",
    calls: ["list_campaigns"],
    reply: /decimals/,
  },
  { say: "set the budget of Spring Sale", calls: [], reply: /What should the new budget be/ },
  { say: "pause the zebra campaign", calls: ["list_campaigns"], reply: /couldn't find a campaign/ },
  { say: "what's my credit balance", calls: ["credit_balance"], reply: /87 credits/ },
  { say: "list my ad accounts", calls: ["list_ad_accounts"], reply: /Demo Store/ },
  {
    say: "show spend for October",
    calls: ["performance_summary", "daily_trend"],
    args: { from: "2026-10-01", to: "2026-10-31" },
  },
  { say: "show me the drafts", calls: ["list_campaigns"], args: { status: "draft" } },
  { say: "May I see my campaigns?", calls: ["list_campaigns"] },
  {
    say: "how's spring sale doing?",
    calls: ["list_campaigns", "performance_summary", "daily_trend"],
    args: { campaignId: IDS.spring, from: "2026-11-19", to: "2026-11-25" },
  },
  {
    say: "what did black friday spend yesterday",
    calls: ["list_campaigns", "performance_summary", "daily_trend"],
    args: { campaignId: IDS.blackFriday, from: "2026-11-25", to: "2026-11-25" },
  },
  {
    say: "double the budget of spring sale search",
    calls: ["list_campaigns", "update_campaign"],
    args: { budgetAmountMinor: 10_000 },
  },
  {
    say: "increase the spring sale search budget by 20%",
    calls: ["list_campaigns", "update_campaign"],
    args: { budgetAmountMinor: 6_000 },
  },
  {
    say: "cut black friday blowout budget by $10",
    calls: ["list_campaigns", "update_campaign"],
    args: { campaignId: IDS.blackFriday, budgetAmountMinor: 5_000 },
  },
  { say: "thanks!", calls: [], reply: /welcome/ },
  { say: "help", calls: [], reply: /offline assistant[\s\S]*GEMINI_API_KEY/ },
  { say: "write me a poem about ads", calls: [], reply: /GEMINI_API_KEY/ },
];

Deno.test("offline assistant: the phrasings it was written for", async (t) => {
  for (const row of SEEN) {
    await t.step(row.say, async () => {
      const { calls, reply } = await converse(model, row.say);
      assert.deepEqual(calls.map((call) => call.name), row.calls, reply);
      if (row.args) {
        const last = calls.at(-1)!;
        for (const [key, value] of Object.entries(row.args)) {
          assert.deepEqual(last.args[key], value, `${key} in ${JSON.stringify(last.args)}`);
        }
      }
      if (row.reply) assert.match(reply, row.reply);
    });
  }
});

Deno.test("offline assistant: the same with formatToolResult's encoding", async (t) => {
  for (const row of SEEN) {
    await t.step(row.say, async () => {
      const { calls } = await converse(model, row.say, { encode: formatToolResult });
      assert.deepEqual(calls.map((call) => call.name), row.calls);
    });
  }
});

Deno.test("offline assistant: conversations and outcomes", async (t) => {
  await t.step("asks for what is missing, then uses the answer", async () => {
    const first = await converse(model, "create a campaign called Spring Promo");
    assert.deepEqual(first.calls, []);
    assert.match(first.reply, /a budget[\s\S]*an objective/);
    const second = await converse(model, "$40 a day, leads", { history: first.messages });
    assert.deepEqual(second.calls.map((call) => call.name), [
      "list_ad_accounts",
      "create_campaign",
    ]);
    assert.deepEqual(second.calls[1].args, {
      adAccountId: IDS.account,
      name: "Spring Promo",
      objective: "leads",
      budgetType: "daily",
      budgetAmountMinor: 4_000,
    });
  });

  await t.step("a budget change without an amount: asks, then applies the answer", async () => {
    const first = await converse(model, "change the budget for black friday blowout");
    assert.deepEqual(first.calls, []);
    assert.match(first.reply, /What should the new budget be/);
    const second = await converse(model, "75 bucks", { history: first.messages });
    assert.deepEqual(second.calls.map((call) => call.name), ["list_campaigns", "update_campaign"]);
    assert.deepEqual(second.calls[1].args, {
      campaignId: IDS.blackFriday,
      budgetAmountMinor: 7_500,
    });
  });

  await t.step("ambiguous campaign: asks which, then resolves", async () => {
    const twoSales = (call: ModelToolCall): ToolResultLike => {
      const result = cannedTool(call);
      if (call.name !== "list_campaigns") return result;
      const items = result.structuredContent!.items as Array<Record<string, unknown>>;
      const social = {
        ...items[0],
        id: "1a2b3c4d-0000-4000-8000-000000000099",
        name: "Spring Sale — Social",
      };
      return {
        ...result,
        structuredContent: { ...result.structuredContent, items: [...items, social] },
      };
    };
    const first = await converse(model, "pause spring sale", { tool: twoSales });
    assert.deepEqual(first.calls.map((call) => call.name), ["list_campaigns"]);
    assert.match(
      first.reply,
      /Which campaign should I pause: “Spring Sale — Search”.*“Spring Sale — Social”/,
    );
    const second = await converse(model, "Spring Sale — Search", {
      history: first.messages,
      tool: twoSales,
    });
    assert.deepEqual(second.calls.map((call) => call.name), ["list_campaigns", "pause_campaign"]);
    assert.equal(second.calls[1].args.campaignId, IDS.spring);
  });

  await t.step("approval_required is reported, not treated as done", async () => {
    const held = (call: ModelToolCall): ToolResultLike =>
      call.name === "archive_campaign"
        ? {
          content: [{
            type: "text",
            text: "Approval required (Archiving is final). Not executed.",
          }],
          structuredContent: {
            status: "approval_required",
            approval: {
              tool: "archive_campaign",
              arguments: call.args,
              reason: "Archiving is final",
              preview: { summary: "Archive “Black Friday Blowout”.", changes: [] },
            },
          },
        }
        : cannedTool(call);
    const { reply } = await converse(model, "archive black friday blowout", { tool: held });
    assert.match(
      reply,
      /need your approval first\. Archive “Black Friday Blowout”\. Nothing has changed yet\./,
    );
  });

  await t.step("a tool error is reported plainly", async () => {
    const failing = (call: ModelToolCall): ToolResultLike =>
      call.name === "pause_campaign"
        ? {
          content: [{ type: "text", text: "campaign cannot be paused right now" }],
          isError: true,
        }
        : cannedTool(call);
    const { reply } = await converse(model, "pause spring sale search", { tool: failing });
    assert.match(
      reply,
      /I couldn't pause “Spring Sale — Search”: campaign cannot be paused right now/,
    );
  });

  await t.step("a rejection note from the approval gate is relayed", async () => {
    const rejected = (call: ModelToolCall): ToolResultLike =>
      call.name === "resume_campaign"
        ? {
          content: [{ type: "text", text: "The user rejected this action; it was not executed." }],
        }
        : cannedTool(call);
    const { reply } = await converse(model, "resume newsletter leads", { tool: rejected });
    assert.match(reply, /I did not resume “Newsletter Leads”: The user rejected/);
    // The agent graph's own note for a rejected approval.
    const graphNote = await converse(model, "resume newsletter leads", {
      tool: rejected,
      encode: (result) =>
        result.structuredContent
          ? JSON.stringify(result.structuredContent)
          : JSON.stringify({ status: "rejected", message: "The user rejected this action." }),
    });
    assert.match(
      graphNote.reply,
      /I did not resume “Newsletter Leads”: The user rejected this action\./,
    );
  });

  await t.step("plain-text tool results still work for reads", async () => {
    const { reply } = await converse(model, "credit balance?", {
      tool: () => ({ content: [{ type: "text", text: "Credit balance: 5 credits." }] }),
    });
    assert.match(reply, /5 credits/);
  });

  await t.step("several ad accounts: asks which, unless the message names one", async () => {
    const twoAccounts = (call: ModelToolCall): ToolResultLike => {
      if (call.name !== "list_ad_accounts") return cannedTool(call);
      const base = { platform: "sandbox", status: "active", currency: "USD" };
      return {
        content: [{ type: "text", text: "2" }],
        structuredContent: {
          items: [
            { ...base, id: IDS.account, name: "Demo Store" },
            {
              ...base,
              id: "0b7f6a52-3c1e-4d8e-9a51-6f1d2a3b4c02",
              name: "Outlet",
              currency: "EUR",
            },
          ],
          total: 2,
        },
      };
    };
    const ask = await converse(model, "create a $20/day traffic campaign called Door", {
      tool: twoAccounts,
    });
    assert.match(ask.reply, /Which ad account should “Door” go on/);
    const named = await converse(model, "create a €20/day traffic campaign called Door on Outlet", {
      tool: twoAccounts,
    });
    assert.equal(named.calls.at(-1)?.name, "create_campaign");
    assert.equal(named.calls.at(-1)?.args.adAccountId, "0b7f6a52-3c1e-4d8e-9a51-6f1d2a3b4c02");
    assert.equal(named.calls.at(-1)?.args.budgetAmountMinor, 2_000);
  });

  await t.step("streams the answer through onDelta and stays deterministic", async () => {
    const deltas: string[] = [];
    const messages = [{ role: "user" as const, content: "what can you do?" }];
    const turn = await model.generate({
      messages,
      tools: TOOL_SPECS,
      onDelta: (d) => deltas.push(d),
    });
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(""), turn.content);
    assert.deepEqual(await model.generate({ messages, tools: TOOL_SPECS }), turn);
    assert.deepEqual(turn.usage, { inputTokens: 0, outputTokens: 0 });
  });

  await t.step("tool call ids are unique per round and stable", async () => {
    const messages = [{ role: "user" as const, content: "how did we do last week" }];
    const first = await model.generate({ messages, tools: TOOL_SPECS });
    const again = await model.generate({ messages, tools: TOOL_SPECS });
    assert.deepEqual(
      first.toolCalls.map((call) => call.id),
      again.toolCalls.map((call) => call.id),
    );
    assert.equal(new Set(first.toolCalls.map((call) => call.id)).size, 2);
  });

  await t.step("relative periods are days of the request's time zone", async () => {
    const periodOf = async (content: string, timeZone?: string, now = NOW) => {
      const turn = await new OfflineModel({ now: () => now }).generate({
        messages: [{ role: "user", content }],
        tools: TOOL_SPECS,
        timeZone,
      });
      const { from, to } = turn.toolCalls[0].args;
      return [from, to];
    };
    // NOW is 01:00 on Friday 27 November in Auckland.
    assert.deepEqual(await periodOf("how did we do yesterday"), ["2026-11-25", "2026-11-25"]);
    assert.deepEqual(
      await periodOf("how did we do yesterday", "Pacific/Auckland"),
      ["2026-11-26", "2026-11-26"],
    );
    // 19:00 on Sunday 22 November in Los Angeles is Monday the 23rd in UTC.
    const sundayEvening = new Date("2026-11-23T03:00:00.000Z");
    assert.deepEqual(
      await periodOf("how did we do last week", "America/Los_Angeles", sundayEvening),
      ["2026-11-09", "2026-11-15"],
    );
    assert.deepEqual(
      await periodOf("how did we do last week", undefined, sundayEvening),
      ["2026-11-16", "2026-11-22"],
    );
  });

  await t.step("a missing tool is explained", async () => {
    const turn = await model.generate({
      messages: [{ role: "user", content: "pause spring sale" }],
      tools: TOOL_SPECS.filter((tool) => tool.name !== "list_campaigns"),
    });
    assert.deepEqual(turn.toolCalls, []);
    assert.match(turn.content, /list_campaigns isn't available/);
  });

  await t.step("abort", async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      model.generate({
        messages: [{ role: "user", content: "help" }],
        tools: TOOL_SPECS,
        signal: controller.signal,
      }),
      (error: unknown) => (error as Error).name === "AbortError",
    );
  });
});

Deno.test("offline parsing: amounts, periods, names", async (t) => {
  await t.step("amount phrasings", () => {
    const cases: [string, number, string[] | null][] = [
      ["$50", 5_000, ["USD", "CAD", "AUD"]],
      ["50 dollars", 5_000, ["USD", "CAD", "AUD"]],
      ["budget to 50.5", 5_050, null],
      ["€40", 4_000, ["EUR"]],
      ["75 bucks", 7_500, ["USD", "CAD", "AUD"]],
      ["$1,250.50", 125_050, ["USD", "CAD", "AUD"]],
      ["$1.5k", 150_000, ["USD", "CAD", "AUD"]],
      ["30 per day", 3_000, null],
      ["USD 12.34", 1_234, ["USD"]],
      ["£0.99", 99, ["GBP"]],
      ["$.5", 50, ["USD", "CAD", "AUD"]],
    ];
    for (const [text, minor, currencies] of cases) {
      const amount = findAmount(text);
      assert.ok(amount, text);
      assert.equal(toMinorUnits(amount, 2), minor, text);
      assert.deepEqual(amount.currencies, currencies, text);
    }
    assert.equal(toMinorUnits(findAmount("¥1500")!, 0), 1_500);
    assert.equal(toMinorUnits(findAmount("$1.234")!, 2), null);
    for (
      const text of ["last 30 days", "Webinar Q1", "since Nov 1", "past 2 weeks", "to 2026-11-25"]
    ) {
      assert.equal(findAmount(text), null, text);
    }
  });

  await t.step("property: any cents written as $X.YY or X dollars parse exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.constantFrom("$", "dollars", "usd", "comma"),
        (cents, style) => {
          const whole = Math.floor(cents / 100).toString();
          const fraction = (cents % 100).toString().padStart(2, "0");
          const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
          const text = style === "$"
            ? `set it to $${whole}.${fraction} please`
            : style === "dollars"
            ? `${whole}.${fraction} dollars a day`
            : style === "usd"
            ? `USD ${whole}.${fraction}`
            : `$${grouped}.${fraction}`;
          const amount = findAmount(text);
          return amount !== null && toMinorUnits(amount, 2) === cents;
        },
      ),
      { numRuns: 500 },
    );
  });

  await t.step("property: formatting and parsing round-trip", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        const text = formatMinor(minor, "USD", { grouping: true }).replace("USD ", "$");
        return toMinorUnits(findAmount(text)!, 2) === minor;
      }),
      { numRuns: 300 },
    );
  });

  await t.step("budget ratios round half up, exactly", () => {
    assert.equal(scaleMinor(333, 1n, 2n), 167);
    assert.equal(scaleMinor(5_000, 1125n, 1000n), 5_625);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 500 }),
        (minor, percent) => {
          const scaled = scaleMinor(minor, BigInt(100 + percent), 100n);
          // Exact check: |scaled·100 − minor·(100+p)| ≤ 50, i.e. off by at most half a unit.
          const error = BigInt(scaled) * 100n - BigInt(minor) * BigInt(100 + percent);
          return error <= 50n && error > -50n;
        },
      ),
    );
  });

  await t.step("periods", () => {
    const today = "2026-11-26";
    const cases: [string, string, string][] = [
      ["last week", "2026-11-16", "2026-11-22"],
      ["the past week", "2026-11-19", "2026-11-25"],
      ["last 7 days", "2026-11-19", "2026-11-25"],
      ["past two weeks", "2026-11-12", "2026-11-25"],
      ["yesterday", "2026-11-25", "2026-11-25"],
      ["this month", "2026-11-01", "2026-11-26"],
      ["last month", "2026-10-01", "2026-10-31"],
      ["since Nov 1", "2026-11-01", "2026-11-26"],
      ["since 1st of November", "2026-11-01", "2026-11-26"],
      ["since December 20", "2025-12-20", "2026-11-26"],
      ["since 2026-10-03", "2026-10-03", "2026-11-26"],
      ["from Oct 3 to Oct 9", "2026-10-03", "2026-10-09"],
      ["between 10/1 and 10/15", "2026-10-01", "2026-10-15"],
      ["this year", "2026-01-01", "2026-11-26"],
      ["in October", "2026-10-01", "2026-10-31"],
      ["for November", "2026-11-01", "2026-11-26"],
      ["during December", "2025-12-01", "2025-12-31"],
      ["in September 2025", "2025-09-01", "2025-09-30"],
    ];
    for (const [text, from, to] of cases) {
      const period = findPeriod(text, today);
      assert.ok(period, text);
      assert.deepEqual([period.from, period.to], [from, to], text);
    }
    assert.equal(parseDate("Feb 30", today), null);
    assert.equal(findPeriod("show my campaigns", today), null);
    assert.equal(findPeriod("may I see my campaigns", today), null);
  });

  await t.step("fuzzy names", () => {
    const names = ["Spring Sale — Search", "Spring Sale — Social", "Black Friday Blowout"];
    const pick = (phrase: string) => resolveByName(phrase, names, (name) => name);
    assert.deepEqual(pick("black friday"), { kind: "one", item: "Black Friday Blowout" });
    assert.deepEqual(pick("BLACK FRIDAY BLOWOUT"), { kind: "one", item: "Black Friday Blowout" });
    assert.deepEqual(pick("blak friday"), { kind: "one", item: "Black Friday Blowout" });
    assert.equal(pick("spring sale").kind, "ambiguous");
    assert.deepEqual(pick("spring sale social"), { kind: "one", item: "Spring Sale — Social" });
    assert.equal(pick("cyber monday").kind, "none");
  });
});
