/**
 * The detector on the sandbox's delivery, whose seeded anomalies (`sandboxAnomalyOn`) are the
 * labels: its collapse days (delivery ×0.15, conversions ×0.05) must be found, and ordinary days
 * — weekday seasonality and the sandbox's day-to-day noise — must raise nothing.
 *
 * The sandbox's "spike" days keep their spend and only get cheaper clicks and more conversions:
 * good news, for which no alert type exists; they are required to raise nothing wrong, not to
 * be found (see the README's Alerts section).
 */
import assert from "node:assert/strict";
import { type CampaignFacts, detect } from "../../../domain/alerts/detect.ts";
import { type DayCounts, DEFAULT_ALERT_THRESHOLDS } from "../../../domain/alerts/types.ts";
import { BACKFILL_DAYS } from "../../../domain/alerts/service.ts";
import type { CampaignObjective } from "../../../db/schema.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from "../../../domain/demo.ts";
import { sandboxAnomalyOn, simulateDay } from "../../../domain/platforms/sandbox_delivery.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../../_helpers/backend.ts";

/** Deterministic UUIDs, so the demo's seeded anomalies fall on the same days every run. */
function countingIds(prefix: number) {
  let next = 0;
  return () => {
    next += 1;
    const tail = (prefix * 1_000_000 + next).toString(16).padStart(12, "0");
    return `00000000-0000-4000-8000-${tail}`;
  };
}

/** What the detector says on every judgeable day of one campaign's rows. */
function backtest(
  campaignId: string,
  days: DayCounts[],
  facts: Omit<CampaignFacts, "activeSince" | "lifetimeSpentMinor">,
) {
  const sorted = [...days].sort((left, right) => left.date.localeCompare(right.date));
  const first = sorted[0].date;
  const outcomes: { campaignId?: string; date: string; label: string | null; types: string[] }[] =
    [];
  for (const day of sorted.slice(1)) {
    const upTo = sorted.filter((row) => row.date <= day.date);
    const verdicts = detect({
      days: upTo,
      date: day.date,
      thresholds: DEFAULT_ALERT_THRESHOLDS,
      campaign: {
        ...facts,
        activeSince: first,
        lifetimeSpentMinor: upTo.reduce((sum, row) => sum + row.spendMinor, 0),
      },
    });
    const judged = verdicts.some((verdict) =>
      verdict.type === "spend_dropped" && verdict.state !== "not_evaluated"
    );
    if (!judged) continue;
    outcomes.push({
      campaignId,
      date: day.date,
      label: sandboxAnomalyOn(campaignId, day.date),
      types: verdicts.flatMap((verdict) => verdict.state === "anomaly" ? [verdict.type] : []),
    });
  }
  return outcomes;
}

function tally(outcomes: ReturnType<typeof backtest>) {
  const collapses = outcomes.filter((outcome) => outcome.label === "collapse");
  const ordinary = outcomes.filter((outcome) => outcome.label === null);
  const spikes = outcomes.filter((outcome) => outcome.label === "spike");
  return {
    collapses: collapses.length,
    collapsesFound: collapses.filter((outcome) => outcome.types.includes("spend_dropped")).length,
    ordinary: ordinary.length,
    falseAlarms: ordinary.filter((outcome) => outcome.types.length > 0),
    spikeAlarms: spikes.filter((outcome) => outcome.types.length > 0),
  };
}

Deno.test("demo-like sandbox campaigns: collapses found, ordinary days quiet", () => {
  const account = { currency: "USD", timezone: "UTC" };
  const specs: [CampaignObjective, number][] = [
    ["sales", 5_000],
    ["awareness", 3_000],
    ["leads", 2_000],
    ["conversions", 2_000],
    ["traffic", 2_500],
  ];
  const all: ReturnType<typeof backtest> = [];
  for (let index = 0; index < 60; index++) {
    const [objective, budget] = specs[index % specs.length];
    const campaign = {
      id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`,
      externalId: `sandbox-${index}`,
      status: "active" as const,
      createdAt: "2026-09-01T08:00:00.000Z",
      name: "C",
      objective,
      budgetType: "daily" as const,
      budgetAmountMinor: budget,
      startDate: null,
      endDate: null,
      targeting: {},
      landingUrl: null,
    };
    const days: DayCounts[] = [];
    for (let offset = 0; offset < 90; offset++) {
      const day = simulateDay(campaign, addDays("2026-09-01", offset), 0, account);
      if (day) days.push(day);
    }
    all.push(...backtest(campaign.id, days, campaign));
  }
  const result = tally(all);
  assert.ok(result.collapses >= 100, `${result.collapses} collapse days judged`);
  assert.equal(result.collapsesFound, result.collapses, "every collapse found");
  assert.ok(result.ordinary > 3_000);
  assert.deepEqual(result.falseAlarms, [], "no alert on an ordinary day");
  assert.deepEqual(result.spikeAlarms, [], "a spike day raises nothing wrong");
});

backendTest(
  "the seeded demo: alerts only on seeded anomalies; its collapses found",
  async (_t, backend) => {
    const { db, coordination, clock, domain } = backend;
    await seedDemo({
      db,
      coordination,
      clock,
      ids: countingIds(7),
      passwordIterations: TEST_PASSWORD_ITERATIONS,
    });
    const { actor } = await domain.accounts.authenticate({
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });

    // The seed's final read synced every account, and detection ran after it.
    const raised = await domain.alerts.list(actor, { limit: 100 });
    for (const alert of raised.items) {
      assert.ok(
        alert.campaignId !== null && sandboxAnomalyOn(alert.campaignId, alert.metricDate),
        `${alert.type} on ${alert.metricDate} is not on a seeded anomaly`,
      );
    }

    // Every demo campaign's stored history, judged day by day.
    const today = dateOf(clock.now());
    const campaigns = await db.kysely.selectFrom("campaigns").selectAll()
      .where("user_id", "=", actor.userId).execute();
    const all: ReturnType<typeof backtest> = [];
    for (const campaign of campaigns) {
      const rows = await db.kysely.selectFrom("campaign_metrics").selectAll()
        .where("campaign_id", "=", campaign.id).where("metric_date", "<", today)
        .orderBy("metric_date").execute();
      if (rows.length === 0) continue;
      // Paused or archived campaigns are judged up to the day before they stopped.
      const lastWhole = campaign.status === "active" ? today : rows[rows.length - 1].metric_date;
      const days = rows.filter((row) => row.metric_date < lastWhole).map((row) => ({
        date: row.metric_date,
        impressions: row.impressions,
        clicks: row.clicks,
        spendMinor: row.spend_minor,
        conversions: row.conversions,
        revenueMinor: row.revenue_minor,
      }));
      all.push(...backtest(campaign.id, days, {
        status: "active",
        budgetType: campaign.budget_type,
        budgetAmountMinor: campaign.budget_amount_minor,
        startDate: campaign.start_date,
        endDate: campaign.end_date,
      }));
    }
    const result = tally(all);
    assert.ok(result.collapses > 0, "the demo has collapse days to find");
    assert.equal(result.collapsesFound, result.collapses);
    assert.ok(result.ordinary >= 150, `${result.ordinary} ordinary days judged`);
    assert.deepEqual(result.falseAlarms, []);

    // The first detection replayed the last 14 complete days: the recent collapses of active
    // campaigns are in the alert list right after seeding (resolved once back in range).
    const active = new Set(
      campaigns.filter((campaign) => campaign.status === "active").map((campaign) => campaign.id),
    );
    const recentCollapses = all.filter((outcome) =>
      outcome.label === "collapse" && outcome.date >= addDays(today, -BACKFILL_DAYS) &&
      outcome.campaignId !== undefined && active.has(outcome.campaignId)
    );
    assert.ok(recentCollapses.length > 0, "the demo has recent collapses");
    for (const collapse of recentCollapses) {
      assert.ok(
        raised.items.some((alert) =>
          alert.type === "spend_dropped" && alert.campaignId === collapse.campaignId &&
          alert.metricDate >= collapse.date
        ),
        `the collapse of ${collapse.date} is listed`,
      );
    }
    assert.ok(
      raised.items.some((alert) => alert.status === "resolved" && alert.resolution === "auto"),
    );
  },
);
