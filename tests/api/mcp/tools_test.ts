/**
 * The MCP tools through a real MCP client connected in process: the listing (schemas and
 * annotations), every tool's happy path with its component hint, errors as tool errors, and
 * tenant isolation between two users.
 */
import assert from "node:assert/strict";
import { COMPONENT_META_KEY, connectInProcess, ERROR_META_KEY } from "../../../mcp/mod.ts";
import { addDays } from "../../../domain/dates.ts";
import { backendTest, testClock } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, callApproved, structured, testServices, textOf } from "./_helpers.ts";

const TODAY = "2026-11-26";
const READ_TOOLS = [
  "list_ad_accounts",
  "get_ad_account",
  "list_campaigns",
  "get_campaign",
  "performance_summary",
  "daily_trend",
  "credit_balance",
  "list_changes",
  "preview_rollback",
  "list_alerts",
  "explain_alert",
  "list_rules",
  "rule_activity",
  "draft_rule",
  "backtest_rule",
];
const WRITE_TOOLS = [
  "create_campaign",
  "update_campaign",
  "pause_campaign",
  "resume_campaign",
  "archive_campaign",
  "rollback_changes",
  "create_rule",
  "enable_rule",
];
/** Write tools without an idempotency key: saving a disabled rule changes no campaign. */
const UNKEYED_WRITE_TOOLS = ["create_rule"];

function componentOf(result: { _meta?: Record<string, unknown> }) {
  return result._meta?.[COMPONENT_META_KEY] as { type: string; data: Record<string, unknown> };
}

backendTest("MCP tools (in-process client)", async (t, backend) => {
  const services = await testServices(backend);
  const approvals = services.approvals;
  const { domain } = backend;
  const actor = await registerUser(domain, "owner");
  const other = await registerUser(domain, "other");
  const adAccountId = await connectAccount(domain, actor);
  // Launched 30 days ago, so the sandbox has delivery to report.
  const earlier = backend.domainWith({ clock: testClock(`${addDays(TODAY, -30)}T09:00:00.000Z`) });
  const live = await createCampaign(earlier, actor, adAccountId, {
    name: "Live",
    budgetAmountMinor: 3_000,
  });
  await earlier.campaigns.resume(actor, live.id);

  const client = await connectInProcess(services, actor, { clock: backend.clock });
  const intruder = await connectInProcess(services, other, { clock: backend.clock });
  try {
    await t.step("tools/list: every tool with schemas and annotations", async () => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name), [...READ_TOOLS, ...WRITE_TOOLS]);
      for (const tool of tools) {
        assert.ok(tool.title && tool.description, tool.name);
        assert.equal(tool.inputSchema.type, "object");
        assert.equal(tool.outputSchema?.type, "object", tool.name);
        const write = WRITE_TOOLS.includes(tool.name);
        assert.equal(tool.annotations?.readOnlyHint, !write, tool.name);
        assert.equal(typeof tool.annotations?.destructiveHint, "boolean");
        assert.equal(typeof tool.annotations?.idempotentHint, "boolean");
        assert.equal(
          "idempotencyKey" in (tool.inputSchema.properties ?? {}),
          write && !UNKEYED_WRITE_TOOLS.includes(tool.name),
          tool.name,
        );
      }
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      const create = byName.get("create_campaign")!;
      assert.equal(create.annotations?.destructiveHint, false);
      assert.equal(create.annotations?.idempotentHint, false);
      for (const field of ["adAccountId", "name", "objective", "budgetType", "budgetAmountMinor"]) {
        assert.ok(create.inputSchema.required?.includes(field), field);
      }
      assert.equal(byName.get("archive_campaign")!.annotations?.destructiveHint, true);
      assert.deepEqual(byName.get("get_campaign")!.inputSchema.required, ["campaignId"]);
      assert.match(client.getInstructions() ?? "", /approval_required/);
    });

    await t.step("list_ad_accounts and get_ad_account: table and card", async () => {
      const list = await call(client, "list_ad_accounts");
      assert.equal(list.isError, undefined);
      const page = structured(list) as { items: { id: string }[]; total: number };
      assert.equal(page.total, 1);
      assert.equal(page.items[0].id, adAccountId);
      assert.equal(componentOf(list).type, "table");
      assert.match(textOf(list), /1 ad account/);
      const one = await call(client, "get_ad_account", { adAccountId });
      assert.equal(structured(one).id, adAccountId);
      assert.equal(componentOf(one).type, "card");
    });

    await t.step("list_campaigns and get_campaign, with last-7-day totals", async () => {
      const list = await call(client, "list_campaigns", { status: "active" });
      const page = structured(list) as {
        items: { id: string; last7Days: { spendMinor: number } }[];
        total: number;
      };
      assert.equal(page.total, 1);
      assert.equal(page.items[0].id, live.id);
      assert.ok(page.items[0].last7Days.spendMinor > 0);
      const table = componentOf(list);
      assert.equal(table.type, "table");
      assert.equal((table.data.rows as unknown[]).length, 1);
      const one = await call(client, "get_campaign", { campaignId: live.id });
      assert.equal(structured(one).name, "Live");
      const card = componentOf(one);
      assert.equal(card.type, "card");
      // The card people read uses the pages' formatter and labels, not codes and enum values.
      assert.deepEqual((card.data.fields as { label: string; value: string }[]).slice(0, 3), [
        { label: "Status", value: "Active" },
        { label: "Objective", value: "Traffic" },
        { label: "Budget", value: "$30.00/day" },
      ]);
      assert.match(textOf(one), /"Live" \(active, traffic, USD 30\.00 daily\)/);
    });

    await t.step("performance_summary: last 7 complete days by default (card)", async () => {
      const result = await call(client, "performance_summary", { campaignId: live.id });
      const report = structured(result) as {
        from: string;
        to: string;
        currency: string;
        totals: { spendMinor: number };
      };
      assert.equal(report.from, addDays(TODAY, -7));
      assert.equal(report.to, addDays(TODAY, -1));
      assert.equal(report.currency, "USD");
      assert.ok(report.totals.spendMinor > 0 && report.totals.spendMinor <= 7 * 3_000);
      assert.equal("daily" in report, false);
      assert.equal(componentOf(result).type, "card");
      const ranged = await call(client, "performance_summary", {
        adAccountId,
        from: addDays(TODAY, -3),
        to: addDays(TODAY, -2),
      });
      assert.equal(structured(ranged).from, addDays(TODAY, -3));
    });

    await t.step("daily_trend: every day of the range (chart)", async () => {
      const result = await call(client, "daily_trend", { adAccountId });
      const report = structured(result) as { daily: { date: string; spendMinor: number }[] };
      assert.equal(report.daily.length, 7);
      assert.equal(report.daily[6].date, addDays(TODAY, -1));
      const chart = componentOf(result);
      assert.equal(chart.type, "chart");
      assert.equal((chart.data.points as unknown[]).length, 7);
      assert.match(textOf(result), /7 days/);
    });

    await t.step("credit_balance (card)", async () => {
      const result = await call(client, "credit_balance");
      assert.deepEqual(structured(result), { balance: 100 });
      assert.equal(componentOf(result).type, "card");
    });

    let created = "";
    await t.step("create_campaign: held for approval, then created once", async () => {
      const { pending, result } = await callApproved(client, approvals, actor, "create_campaign", {
        adAccountId,
        name: "Black Friday",
        objective: "sales",
        budgetType: "daily",
        budgetAmountMinor: 9_900,
      });
      assert.deepEqual(pending.tool, "create_campaign");
      const content = structured(result) as { status: string; campaign: { id: string } };
      assert.equal(content.status, "applied");
      created = content.campaign.id;
      assert.equal((await domain.campaigns.get(actor, created)).status, "draft");
      assert.equal(componentOf(result).type, "card");
      assert.match(textOf(result), /^Created campaign "Black Friday"/);
    });

    await t.step("update_campaign: a rename with a lower budget applies directly", async () => {
      const result = await call(client, "update_campaign", {
        campaignId: created,
        name: "Black Friday 2026",
        budgetAmountMinor: 9_000,
      });
      const content = structured(result) as { status: string; campaign: { name: string } };
      assert.equal(content.status, "applied");
      assert.equal(content.campaign.name, "Black Friday 2026");
      assert.equal((await domain.campaigns.get(actor, created)).budgetAmountMinor, 9_000);
    });

    await t.step("update_campaign: raising a budget follows the account's limits", async () => {
      const held = await call(client, "update_campaign", {
        campaignId: created,
        budgetAmountMinor: 9_900, // +10%, not allowed to software by default
      });
      const approval = structured(held).approval as { rules: string[]; approvalUrl: string };
      assert.equal(structured(held).status, "approval_required");
      assert.deepEqual(approval.rules, ["automated_operation"]);
      assert.match(approval.approvalUrl, /\/approvals\/[0-9a-f-]{36}$/);
      const limits = await domain.limits.get(actor, adAccountId);
      await domain.limits.put(actor, adAccountId, {
        ...limits,
        automatedOperations: ["pause", "budget_decrease", "budget_increase"],
      });
      const applied = await call(client, "update_campaign", {
        campaignId: created,
        budgetAmountMinor: 9_900,
      });
      assert.equal(structured(applied).status, "applied");
      const over = await call(client, "update_campaign", {
        campaignId: created,
        // +11% more: increases of 900 + 1,100 within 24 hours are +20.2% of the 9,900 it started at
        budgetAmountMinor: 11_000,
      });
      assert.equal(structured(over).status, "approval_required");
      assert.deepEqual((structured(over).approval as { rules: string[] }).rules, ["increase_24h"]);
      assert.equal((await domain.campaigns.get(actor, created)).budgetAmountMinor, 9_900);
    });

    await t.step("resume needs approval; pause does not; archive needs approval", async () => {
      const resumed = await callApproved(client, approvals, actor, "resume_campaign", {
        campaignId: created,
      });
      assert.equal((structured(resumed.result).campaign as { status: string }).status, "active");
      const paused = await call(client, "pause_campaign", { campaignId: created });
      assert.equal(structured(paused).status, "applied");
      assert.equal((await domain.campaigns.get(actor, created)).status, "paused");
      const archived = await callApproved(client, approvals, actor, "archive_campaign", {
        campaignId: created,
      });
      assert.equal((structured(archived.result).campaign as { status: string }).status, "archived");
    });

    await t.step("domain errors are tool errors, not crashes", async () => {
      const missing = await call(client, "get_campaign", { campaignId: crypto.randomUUID() });
      assert.equal(missing.isError, true);
      assert.equal(textOf(missing), "campaign not found");
      assert.deepEqual(missing._meta?.[ERROR_META_KEY], { code: "not_found", status: 404 });
      const conflict = await call(client, "update_campaign", { campaignId: created, name: "X" });
      assert.equal(conflict.isError, true);
      assert.deepEqual(conflict._meta?.[ERROR_META_KEY], { code: "conflict", status: 409 });
      const invalid = await call(client, "get_campaign", { campaignId: "not-a-uuid" });
      assert.equal(invalid.isError, true);
      assert.match(textOf(invalid), /campaignId/);
      const range = await call(client, "daily_trend", { from: TODAY, to: addDays(TODAY, -3) });
      assert.equal(range.isError, true);
      assert.deepEqual(range._meta?.[ERROR_META_KEY], { code: "validation", status: 422 });
      const alreadyPaused = await call(client, "pause_campaign", { campaignId: created });
      assert.equal(alreadyPaused.isError, true);
      // The server still answers after all of that.
      assert.equal((await call(client, "credit_balance")).isError, undefined);
    });

    await t.step("another user's MCP client cannot see or touch the campaigns", async () => {
      for (
        const [name, args] of [
          ["get_campaign", { campaignId: live.id }],
          ["get_ad_account", { adAccountId }],
          ["performance_summary", { campaignId: live.id }],
          ["daily_trend", { adAccountId }],
          ["pause_campaign", { campaignId: live.id }],
          ["update_campaign", { campaignId: live.id, name: "hijacked" }],
          ["archive_campaign", { campaignId: live.id }],
          [
            "create_campaign",
            {
              adAccountId,
              name: "X",
              objective: "sales",
              budgetType: "daily",
              budgetAmountMinor: 100,
            },
          ],
        ] as const
      ) {
        const result = await call(intruder, name, args);
        assert.equal(result.isError, true, name);
        assert.match(textOf(result), /not found/, name);
      }
      const list = structured(await call(intruder, "list_campaigns")) as { total: number };
      assert.equal(list.total, 0);
      const accounts = structured(await call(intruder, "list_ad_accounts")) as { total: number };
      assert.equal(accounts.total, 0);
      const stillLive = await domain.campaigns.get(actor, live.id);
      assert.equal(stillLive.status, "active");
      assert.equal(stillLive.name, "Live");
    });
  } finally {
    await client.close();
    await intruder.close();
  }
});
