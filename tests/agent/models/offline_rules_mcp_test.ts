/**
 * The offline assistant's rule turns over the real MCP tools: a rule request is checked, saved
 * disabled, backtested and its enabling held for approval; "what did my rules do this week?"
 * is answered from the history.
 */
import assert from "node:assert/strict";
import { type CallToolResult, type Client, connectInProcess } from "../../../mcp/mod.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
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
        "draft_rule",
        "create_rule",
        "backtest_rule",
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
      assert.ok(rule.latestBacktest, "the saved rule carries the backtest the answer quotes");
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
