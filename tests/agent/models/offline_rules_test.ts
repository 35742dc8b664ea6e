/**
 * The offline assistant and automated rules: phrasing families read as rule drafts or as the
 * activity question (several wordings each), other requests unchanged, and a full turn over
 * the real MCP tools — draft backtested, saved disabled, enabling held for approval — then
 * "what did my rules do this week?" answered from the history.
 */
import assert from "node:assert/strict";
import { type CallToolResult, type Client, connectInProcess } from "../../../mcp/mod.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { classifyAll } from "../../../agent/models/offline_intents.ts";
import type {
  ChatModel,
  ModelMessage,
  ModelToolCall,
  ToolSpec,
} from "../../../agent/models/types.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { testServices } from "../../api/mcp/_helpers.ts";
import { agentEncoding } from "./_offline_harness.ts";

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

/** One user turn: model → MCP tools → model, until a final answer. */
async function turn(
  model: ChatModel,
  client: Client,
  tools: ToolSpec[],
  messages: ModelMessage[],
  text: string,
): Promise<{ reply: string; calls: ModelToolCall[]; results: CallToolResult[] }> {
  messages.push({ role: "user", content: text });
  const calls: ModelToolCall[] = [];
  const results: CallToolResult[] = [];
  for (let step = 0; step < 8; step++) {
    const result = await model.generate({ messages, tools });
    messages.push({ role: "assistant", content: result.content, toolCalls: result.toolCalls });
    if (result.toolCalls.length === 0) return { reply: result.content, calls, results };
    for (const call of result.toolCalls) {
      calls.push(call);
      const output = await client.callTool({
        name: call.name,
        arguments: call.args,
      }) as CallToolResult;
      results.push(output);
      messages.push({
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content: agentEncoding(output),
      });
    }
  }
  throw new Error("no final answer");
}

backendTest("offline assistant drafts, backtests and asks to enable a rule", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "offline-rules");
  const adAccountId = await connectAccount(domain, actor);
  const campaign = await createCampaign(domain, actor, adAccountId, { name: "Watched" });
  await domain.campaigns.resume(actor, campaign.id);
  const runId = crypto.randomUUID();
  const client = await connectInProcess(services, actor, {
    clock: backend.clock,
    source: { kind: "assistant", runId },
  });
  const model = new OfflineModel({ now: () => backend.clock.now() });
  const tools = (await client.listTools()).tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? "",
    parameters: tool.inputSchema as Record<string, unknown>,
  }));
  const messages: ModelMessage[] = [];
  try {
    await t.step("the rule is backtested, saved disabled and held for approval", async () => {
      const { reply, calls, results } = await turn(
        model,
        client,
        tools,
        messages,
        "pause any campaign with CPA over $40 after 1,000 impressions, check hourly",
      );
      assert.deepEqual(calls.map((call) => call.name), [
        "list_ad_accounts",
        "backtest_rule",
        "create_rule",
        "enable_rule",
      ]);
      assert.match(
        reply,
        /I saved the rule “Pause when CPA > 40”.*Backtest over the last 30 days on 1 campaign\(s\): it would have fired \d+ time/s,
      );
      assert.match(reply, /approve or reject it above/);
      assert.equal(results.at(-1)?.structuredContent?.status, "approval_required");
      const rules = await domain.rules.list(actor);
      assert.equal(rules.total, 1);
      const rule = rules.items[0];
      assert.equal(rule.enabled, false);
      assert.equal(rule.gate.minImpressions, 1000);
      assert.deepEqual(rule.schedule, { frequency: "hourly" });
      assert.deepEqual(rule.conditions.conditions[0], {
        metric: "cpa",
        window: { kind: "today" },
        operator: ">",
        value: 40,
      });
      const pending = await domain.approvals.list(actor, { status: "pending" });
      assert.equal(pending.items[0]?.requester.kind, "assistant");
    });

    await t.step("what did my rules do this week? reads the history", async () => {
      const { reply, calls } = await turn(
        model,
        client,
        tools,
        messages,
        "what did my rules do this week?",
      );
      assert.deepEqual(calls.map((call) => call.name), ["rule_activity"]);
      assert.match(reply, /Your rules changed nothing since 2026-/);
    });
  } finally {
    await client.close();
  }
});
