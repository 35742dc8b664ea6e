/**
 * A full offline conversation against the real MCP tools in process: the offline assistant's
 * tool calls go through an MCP client to the real server and domain (sandbox delivery), and
 * its answers are checked against the data the domain reports directly.
 */
import assert from "node:assert/strict";
import { type CallToolResult, Client, connectInProcess } from "../../../mcp/mod.ts";
import { formatMoney } from "../../../domain/money.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import type {
  ChatModel,
  ModelMessage,
  ModelToolCall,
  ToolSpec,
} from "../../../agent/models/types.ts";
import { addDays } from "../../../domain/dates.ts";
import { backendTest, testClock } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { testServices } from "../../api/mcp/_helpers.ts";
import { agentEncoding } from "./_offline_harness.ts";

const TODAY = "2026-11-26";

/** The MCP tool listing as the agent hands it to a model. */
async function toolSpecsOf(client: Client): Promise<ToolSpec[]> {
  const { tools } = await client.listTools();
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? "",
    parameters: tool.inputSchema as Record<string, unknown>,
  }));
}

/** One user turn: model → MCP tools → model, until a final answer. */
async function turn(
  model: ChatModel,
  client: Client,
  tools: ToolSpec[],
  messages: ModelMessage[],
  text: string,
  encode: (result: CallToolResult) => string = agentEncoding,
): Promise<{ reply: string; calls: ModelToolCall[] }> {
  messages.push({ role: "user", content: text });
  const calls: ModelToolCall[] = [];
  for (let step = 0; step < 6; step++) {
    const result = await model.generate({ messages, tools });
    messages.push({ role: "assistant", content: result.content, toolCalls: result.toolCalls });
    if (result.toolCalls.length === 0) return { reply: result.content, calls };
    for (const call of result.toolCalls) {
      calls.push(call);
      const output = await client.callTool({
        name: call.name,
        arguments: call.args,
      }) as CallToolResult;
      messages.push({
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content: encode(output),
      });
    }
  }
  throw new Error("no final answer");
}

backendTest("offline assistant drives the real MCP tools", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "offline");
  const adAccountId = await connectAccount(domain, actor);
  // Launched 30 days ago, so the sandbox has delivery to report.
  const earlier = backend.domainWith({ clock: testClock(`${addDays(TODAY, -30)}T09:00:00.000Z`) });
  const spring = await createCampaign(earlier, actor, adAccountId, {
    name: "Spring Sale — Search",
    objective: "sales",
    budgetAmountMinor: 5_000,
  });
  await earlier.campaigns.resume(actor, spring.id);
  const brand = await createCampaign(earlier, actor, adAccountId, {
    name: "Brand Awareness Q4",
    objective: "awareness",
    budgetAmountMinor: 3_000,
  });
  await earlier.campaigns.resume(actor, brand.id);

  const client = await connectInProcess(services, actor, { clock: backend.clock });
  const model = new OfflineModel({ now: () => backend.clock.now() });
  const tools = await toolSpecsOf(client);
  const messages: ModelMessage[] = [];
  try {
    await t.step("lists the campaigns from real data", async () => {
      const { reply, calls } = await turn(model, client, tools, messages, "show my campaigns");
      assert.deepEqual(calls.map((call) => call.name), ["list_campaigns"]);
      assert.match(reply, /You have 2 campaigns/);
      assert.match(reply, /\| Spring Sale — Search \| Active \| Sales \| \$50\.00\/day \|/);
      assert.match(reply, /\| Brand Awareness Q4 \| Active \| Awareness \| \$30\.00\/day \|/);
    });

    await t.step("summarises last week's performance from real data", async () => {
      const { reply, calls } = await turn(
        model,
        client,
        tools,
        messages,
        "how did we do last week?",
      );
      assert.deepEqual(calls.map((call) => call.name), ["performance_summary", "daily_trend"]);
      const expected = await domain.metrics.performance(actor, {
        from: "2026-11-16",
        to: "2026-11-22",
      });
      assert.ok(expected.totals.spendMinor > 0, "the sandbox delivered");
      assert.match(reply, /Performance for all ad accounts, last week \(2026-11-16 – 2026-11-22\)/);
      assert.ok(
        reply.includes(
          `Spend: ${formatMoney(expected.totals.spendMinor, "USD")}`,
        ),
        reply,
      );
      assert.ok(
        reply.includes(`Conversions: ${expected.totals.conversions.toLocaleString("en-US")}`),
        reply,
      );
    });

    await t.step("pauses a campaign named exactly (case and punctuation aside)", async () => {
      const { reply, calls } = await turn(
        model,
        client,
        tools,
        messages,
        "pls pause the spring sale — search campaign",
      );
      assert.deepEqual(calls.map((call) => call.name), ["list_campaigns", "pause_campaign"]);
      assert.match(reply, /Paused “Spring Sale — Search”. It is now paused./);
      assert.equal((await domain.campaigns.get(actor, spring.id)).status, "paused");
    });

    await t.step(
      "a create needing approval is reported as held, and nothing is created",
      async () => {
        const { reply, calls } = await turn(
          model,
          client,
          tools,
          messages,
          "create a $25/day leads campaign called Webinar Q1",
        );
        assert.deepEqual(calls.map((call) => call.name), ["list_ad_accounts", "create_campaign"]);
        assert.equal(calls[1].args.budgetAmountMinor, 2_500);
        assert.match(reply, /need your approval first[\s\S]*Nothing has changed yet/);
        const list = await domain.campaigns.list(actor, { search: "Webinar" });
        assert.equal(list.total, 0);
      },
    );

    await t.step("text-only tool results still resolve names", async () => {
      const textOnly = (result: CallToolResult) =>
        result.content.map((item) => item.type === "text" ? item.text : "").join("\n");
      const { reply, calls } = await turn(
        model,
        client,
        tools,
        [],
        // Lowering a budget: what software may do without approval by default.
        "set the budget of brand awareness q4 to $25",
        textOnly,
      );
      assert.deepEqual(calls.map((call) => call.name), ["list_campaigns", "update_campaign"]);
      assert.deepEqual(calls[1].args, { campaignId: brand.id, budgetAmountMinor: 2_500 });
      assert.match(reply, /Updated campaign/);
      assert.equal((await domain.campaigns.get(actor, brand.id)).budgetAmountMinor, 2_500);
    });

    await t.step("credit balance", async () => {
      const { reply } = await turn(
        model,
        client,
        tools,
        messages,
        "how much credit do I have left",
      );
      const balance = await domain.credits.balance(actor);
      assert.match(reply, new RegExp(`You have ${balance} credits? left`));
    });
  } finally {
    await client.close();
  }
});
