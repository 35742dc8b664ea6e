/**
 * One formatter for money and metrics: the pages, the offline assistant's chat tables and the MCP
 * tools' tables all print the same strings for the same numbers.
 */
import assert from "node:assert/strict";
import { formatMoney, formatMoneyDecimal } from "../../../domain/money.ts";
import { formatCount } from "../../../domain/counts.ts";
import { formatPercent, formatRoas } from "../../../domain/metric_format.ts";
import { decideApproval } from "../../../domain/approval.ts";
import { withDerivedMetrics } from "../../../domain/derived_metrics.ts";
import { campaignTable, type CampaignView } from "../../../agent/models/offline_replies.ts";
import {
  formatDecimalMoney,
  formatMoney as pageMoney,
  formatRoas as pageRoas,
} from "../../../pages/format.ts";
import {
  changeValue,
  previewChanges,
  previewCurrency,
  previewLabels,
} from "../../../pages/chat_preview.ts";

Deno.test("money and metrics read as people expect", () => {
  assert.equal(formatMoney(150_000, "USD"), "$1,500.00");
  assert.equal(formatMoney(150_000, "EUR"), "€1,500.00");
  assert.equal(formatMoney(1_500, "JPY"), "¥1,500");
  assert.equal(formatMoneyDecimal("21.4283", "USD"), "$21.43");
  assert.equal(formatMoneyDecimal("21.425", "USD"), "$21.43", "half away from zero");
  assert.equal(formatMoneyDecimal(null, "USD"), "—");
  assert.equal(formatRoas("4.2214"), "4.22×");
  assert.equal(formatRoas(null), "—");
  assert.equal(formatPercent("0.012345"), "1.23%");
  assert.equal(formatCount(12_345), "12,345");
});

Deno.test("the chat's campaign table prints what the pages print", () => {
  const cases = [
    // CPA 21.4283, ROAS 4.2214.
    { spendMinor: 150_000, conversions: 70, revenueMinor: 633_210 },
    // Revenue without conversions: ROAS is still revenue over spend, CPA has no value.
    { spendMinor: 10_000, conversions: 0, revenueMinor: 20_000 },
  ];
  for (const counts of cases) {
    const totals = withDerivedMetrics(
      { impressions: 10_000, clicks: 400, ...counts },
      "USD",
    );
    const campaign: CampaignView = {
      id: "c1",
      name: "Spring",
      status: "active",
      objective: "sales",
      budgetType: "daily",
      budgetAmountMinor: 5_000,
      currency: "USD",
      last7Days: totals,
    };
    const table = campaignTable([campaign], 1, null);
    const pageCells = [
      pageMoney(totals.spendMinor, "USD"),
      formatDecimalMoney(totals.cpa, "USD"),
      pageRoas(totals.roas),
    ];
    for (const cell of pageCells) assert.ok(table.includes(`| ${cell} |`), `${cell} in\n${table}`);
    assert.doesNotMatch(table, /USD|\d\.\d{3,}|n\/a/, "no raw numbers or codes");
  }
  const first = withDerivedMetrics(
    { impressions: 1, clicks: 1, spendMinor: 150_000, conversions: 70, revenueMinor: 633_210 },
    "USD",
  );
  assert.deepEqual(
    [
      pageMoney(first.spendMinor, "USD"),
      formatDecimalMoney(first.cpa, "USD"),
      pageRoas(first.roas),
    ],
    ["$1,500.00", "$21.43", "4.22×"],
  );
  const zero = withDerivedMetrics(
    { impressions: 1, clicks: 1, spendMinor: 10_000, conversions: 0, revenueMinor: 20_000 },
    "USD",
  );
  assert.deepEqual([formatDecimalMoney(zero.cpa, "USD"), pageRoas(zero.roas)], ["—", "2.00×"]);
});

Deno.test("the approval preview names the ad account and labels objective and status", () => {
  const accountId = "7c0e4b1e-2a1f-4e7b-9a55-0d6f3c1b2a90";
  const { preview } = decideApproval({
    operation: "create_campaign",
    input: {
      adAccountId: accountId,
      name: "Winter Boots",
      objective: "traffic",
      budgetType: "daily",
      budgetAmountMinor: 4_000,
    },
    currency: "EUR",
    accountName: "Berlin Shop",
  });
  const currency = previewCurrency(preview);
  const labels = previewLabels(preview);
  assert.equal(currency, "EUR");
  const shown = Object.fromEntries(
    previewChanges(preview).map((change) => [
      change.field,
      changeValue(change.field, change.after, currency, labels),
    ]),
  );
  assert.equal(shown.adAccountId, "Berlin Shop");
  assert.equal(shown.objective, "Traffic");
  assert.equal(shown.status, "Draft");
  assert.equal(shown.budgetType, "Daily");
  assert.equal(shown.budgetAmountMinor, "€40.00");
  assert.match(preview.summary, /"Winter Boots" on "Berlin Shop" with a daily budget of €40\.00/);
  assert.equal(
    previewCurrency({ summary: "Create … with a daily budget of USD 40.00." }),
    "USD",
    "older previews: the summary's currency",
  );
});
