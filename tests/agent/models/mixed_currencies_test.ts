/**
 * Accounts in two currencies: the report tools answer per currency (never one sum across
 * currencies) and the offline assistant answers "how did my campaigns do last week?" with one
 * table per currency, against the real domain and MCP tools.
 */
import assert from "node:assert/strict";
import { type CallToolResult, Client, connectInProcess } from "../../../mcp/mod.ts";
import { formatMoney } from "../../../domain/money.ts";
import { OfflineModel } from "../../../agent/models/offline.ts";
import type { ModelMessage, ToolSpec } from "../../../agent/models/types.ts";
import { addDays } from "../../../domain/dates.ts";
import type { Actor } from "../../../domain/actor.ts";
import type { Domain } from "../../../domain/mod.ts";
import { backendTest, testClock } from "../../_helpers/backend.ts";
import { createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { testServices } from "../../api/mcp/_helpers.ts";
import { agentEncoding } from "./_offline_harness.ts";

const TODAY = "2026-11-26";
const LAST_WEEK = { from: "2026-11-16", to: "2026-11-22" };

/** A sandbox account in `currency` with one active campaign launched 30 days ago. */
async function accountWithDelivery(
  earlier: Domain,
  actor: Actor,
  name: string,
  currency: "EUR" | "USD",
) {
  const account = await earlier.adAccounts.connectSandbox(actor, { name, currency });
  const campaign = await createCampaign(earlier, actor, account.id, {
    name: `${name} campaign`,
    objective: "sales",
  });
  await earlier.campaigns.resume(actor, campaign.id);
  return account;
}

async function toolSpecsOf(client: Client): Promise<ToolSpec[]> {
  const { tools } = await client.listTools();
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? "",
    parameters: tool.inputSchema as Record<string, unknown>,
  }));
}

backendTest("accounts in two currencies are reported per currency", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "mixed-currencies");
  const earlier = backend.domainWith({ clock: testClock(`${addDays(TODAY, -30)}T09:00:00.000Z`) });
  const berlin = await accountWithDelivery(earlier, actor, "Berlin Shop", "EUR");
  const boston = await accountWithDelivery(earlier, actor, "Boston Shop", "USD");
  const eur = await domain.metrics.performance(actor, { ...LAST_WEEK, adAccountId: berlin.id });
  const usd = await domain.metrics.performance(actor, { ...LAST_WEEK, adAccountId: boston.id });
  assert.ok(eur.totals.spendMinor > 0 && usd.totals.spendMinor > 0, "both accounts delivered");

  await t.step("the domain splits the report by currency, each with its accounts", async () => {
    const breakdown = await domain.metrics.performanceByCurrency(actor, LAST_WEEK);
    assert.deepEqual(breakdown.byCurrency.map((group) => group.currency), ["EUR", "USD"]);
    const [euro, dollar] = breakdown.byCurrency;
    assert.deepEqual(euro.totals, eur.totals);
    assert.deepEqual(dollar.totals, usd.totals);
    assert.deepEqual(euro.adAccounts, [{ id: berlin.id, name: "Berlin Shop", totals: eur.totals }]);
    assert.deepEqual(euro.daily, eur.daily);
    // One currency in scope: the same report as `performance`.
    const one = await domain.metrics.performanceByCurrency(actor, {
      ...LAST_WEEK,
      adAccountId: boston.id,
    });
    assert.equal(one.byCurrency.length, 1);
    assert.deepEqual(one.byCurrency[0].totals, usd.totals);
  });

  const client = await connectInProcess(services, actor, { clock: backend.clock });
  try {
    await t.step("the report tools answer per currency instead of failing", async () => {
      for (const name of ["performance_summary", "daily_trend"]) {
        const result = await client.callTool({ name, arguments: LAST_WEEK }) as CallToolResult;
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        const data = result.structuredContent as Record<string, unknown>;
        assert.equal(data.currency, null);
        assert.equal(data.totals, null);
        const groups = data.byCurrency as { currency: string; totals: { spendMinor: number } }[];
        assert.deepEqual(groups.map((group) => group.currency), ["EUR", "USD"]);
        assert.equal(groups[0].totals.spendMinor, eur.totals.spendMinor);
        assert.equal(groups[1].totals.spendMinor, usd.totals.spendMinor);
        const text = (result.content[0] as { text: string }).text;
        assert.match(text, /never added together/);
        assert.ok(text.includes(formatMoney(eur.totals.spendMinor, "EUR")), text);
        assert.ok(text.includes(formatMoney(usd.totals.spendMinor, "USD")), text);
        assert.ok(
          !text.includes(formatMoney(eur.totals.spendMinor + usd.totals.spendMinor, "USD")),
        );
      }
    });

    await t.step("the offline assistant answers with a table per currency", async () => {
      const model = new OfflineModel({ now: () => backend.clock.now() });
      const tools = await toolSpecsOf(client);
      const messages: ModelMessage[] = [{
        role: "user",
        content: "how did my campaigns do last week?",
      }];
      let reply = "";
      for (let step = 0; step < 6 && reply === ""; step++) {
        const result = await model.generate({ messages, tools });
        messages.push({ role: "assistant", content: result.content, toolCalls: result.toolCalls });
        if (result.toolCalls.length === 0) reply = result.content;
        for (const call of result.toolCalls) {
          const output = await client.callTool({ name: call.name, arguments: call.args });
          messages.push({
            role: "tool",
            toolCallId: call.id,
            name: call.name,
            content: agentEncoding(output as CallToolResult),
          });
        }
      }
      assert.match(reply, /one table per currency/);
      const tables = reply.split("\n").filter((line) => line.startsWith("| Account |"));
      assert.equal(tables.length, 2, reply);
      assert.ok(reply.indexOf("**EUR**") < reply.indexOf("**USD**"), reply);
      assert.ok(
        reply.includes(`| Berlin Shop | ${formatMoney(eur.totals.spendMinor, "EUR")} |`),
        reply,
      );
      assert.ok(
        reply.includes(`| Boston Shop | ${formatMoney(usd.totals.spendMinor, "USD")} |`),
        reply,
      );
    });
  } finally {
    await client.close();
  }
});
