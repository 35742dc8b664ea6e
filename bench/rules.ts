/**
 * `deno task bench rules`: a backtest of one rule over 1,000 campaigns × 90 days of stored
 * metrics on the embedded database, through the domain (`rules.backtestDraft`: the account, its
 * campaigns and limits, one query for the metric rows, the replay), timed against a plain SQL
 * scan of the same rows in the same run. Goal: a backtest under 1 s.
 *
 * The rule is replayed once per schedule — daily, hourly, every 15 minutes (96 slots a day) — so
 * the cost of prorated slots shows. Data comes from the real metrics sync (sandbox simulation,
 * spikes and collapses included), once.
 *
 * Options: `--iterations N` (default 5; the median is printed).
 *
 * @module
 */
import { join } from "node:path";
import { migrateToLatest } from "../db/migrator.ts";
import { openSqlite } from "../db/sqlite.ts";
import { toDbJson } from "../db/json.ts";
import { toDbTimestamp } from "../db/time.ts";
import type { Actor } from "../domain/actor.ts";
import { CAMPAIGN_OBJECTIVES } from "../domain/campaigns.ts";
import { addDays, dateOf } from "../domain/dates.ts";
import { createDomain } from "../domain/mod.ts";
import { defaultLimits } from "../domain/autopilot_limits.ts";
import { runBacktest } from "../domain/rules/backtest.ts";
import { historyFromRows } from "../domain/rules/history.ts";
import { parseDraft, type RuleDraftInput, toDefinition } from "../domain/rules/model.ts";
import { createMemoryCoordination } from "../lib/coordination/memory.ts";

const CAMPAIGNS = 1_000;
const DAYS = 90;
const GOAL_MS = 1_000;
const INSERT_BATCH = 500;

/** Entry point called by `bench/main.ts`. */
export async function main(args: string[]): Promise<void> {
  const flag = args.indexOf("--iterations");
  const iterations = flag >= 0 ? Number(args[flag + 1]) : 5;
  const dir = await Deno.makeTempDir({ prefix: "aae_bench_rules_" });
  const db = openSqlite(join(dir, "bench.sqlite"));
  try {
    await migrateToLatest(db);
    const domain = createDomain({
      db,
      coordination: createMemoryCoordination(),
      passwordIterations: 1_000,
    });
    const started = performance.now();
    const { actor } = await domain.accounts.register({
      email: "bench@example.test",
      password: "bench password",
    });
    const adAccountId = (await domain.adAccounts.connectSandbox(actor, { name: "Bench" })).id;
    await fillCampaigns(db, actor, adAccountId);
    const today = dateOf(new Date());
    await domain.metrics.performance(actor, {
      adAccountId,
      from: addDays(today, -DAYS - 1),
      to: today,
    });
    const rowCount = (await db.kysely.selectFrom("campaign_metrics")
      .select((eb) => eb.fn.countAll<number>().as("rows")).executeTakeFirstOrThrow()).rows;
    console.log(
      `rules bench: ${CAMPAIGNS} campaigns × ${DAYS} days (${rowCount} metric rows) loaded in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s on embedded SQLite; median of ` +
        `${iterations}`,
    );

    const from = addDays(today, -DAYS);
    const yesterday = addDays(today, -1);
    const scan = await median(iterations, () =>
      db.kysely.selectFrom("campaign_metrics")
        .select([
          "campaign_id",
          "metric_date",
          "impressions",
          "clicks",
          "spend_minor",
          "conversions",
          "revenue_minor",
        ])
        .where("ad_account_id", "=", adAccountId).where("user_id", "=", actor.userId)
        .where("metric_date", ">=", from).where("metric_date", "<=", yesterday)
        .execute());
    console.log(`plain SQL scan of the same rows: ${scan.ms.toFixed(1)} ms`);
    const campaigns = await db.kysely.selectFrom("campaigns")
      .select(["id", "name", "budget_amount_minor"]).where("ad_account_id", "=", adAccountId)
      .orderBy("created_at").orderBy("id").execute();
    const ids = campaigns.map((campaign) => campaign.id);

    let worst = 0;
    for (
      const schedule of [
        { frequency: "daily", at: "09:00" },
        { frequency: "hourly" },
        { frequency: "every_15_minutes" },
      ] as const
    ) {
      const draft: RuleDraftInput = {
        name: "Bench: trim budgets on a high 7-day CPA",
        adAccountId,
        scope: { kind: "all" },
        conditions: {
          match: "all",
          conditions: [
            { metric: "cpa", window: { kind: "last_n_days", n: 7 }, operator: ">", value: 30 },
            {
              match: "any",
              conditions: [
                { metric: "spend", window: { kind: "today" }, operator: ">", value: 10 },
                { metric: "ctr", window: { kind: "yesterday" }, operator: "<", value: 1 },
              ],
            },
          ],
        },
        action: { type: "adjust_budget", percent: -20, minBudget: 5 },
        schedule,
      };
      const run = await median(
        iterations,
        () => domain.rules.backtestDraft(actor, draft, { days: DAYS }),
      );
      worst = Math.max(worst, run.ms);
      // The engine alone, on rows already loaded: what the replay adds to reading the rows.
      const definition = toDefinition(parseDraft(draft), "USD");
      const engine = await median(iterations, () => {
        const history = historyFromRows(ids, scan.result, addDays(from, -7), yesterday);
        return Promise.resolve(runBacktest({
          rule: definition,
          campaigns: campaigns.map((campaign) => ({
            id: campaign.id,
            name: campaign.name,
            dailyBudgetMinor: Number(campaign.budget_amount_minor),
          })),
          history,
          from,
          to: yesterday,
          limits: defaultLimits("USD"),
          currency: "USD",
          otherActiveDailyMinor: 0,
        }));
      });
      console.log(
        `backtest, ${schedule.frequency.padEnd(16)}: ${run.ms.toFixed(1)} ms ` +
          `(${(run.ms / scan.ms).toFixed(1)}× the scan; layout + replay alone ` +
          `${engine.ms.toFixed(1)} ms) — ${run.result.firingCount} firings, ` +
          `${run.result.blockedCount} blocked by limits, ${run.result.gateBlockedCount} held by ` +
          "the data gate",
      );
    }
    console.log(
      `goal backtest < ${GOAL_MS} ms: ${worst < GOAL_MS ? "met" : "NOT met"} ` +
        `(slowest ${worst.toFixed(1)} ms)`,
    );
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function median<T>(iterations: number, run: () => Promise<T>) {
  let result = await run(); // warm-up
  const durations: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const start = performance.now();
    result = await run();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  return { ms: durations[Math.floor(durations.length / 2)], result };
}

/** 1,000 active campaigns launched before the period, inserted directly. */
async function fillCampaigns(
  db: ReturnType<typeof openSqlite>,
  actor: Actor,
  adAccountId: string,
): Promise<void> {
  const now = new Date();
  const launched = new Date(now.getTime() - (DAYS + 2) * 86_400_000);
  const rows = Array.from({ length: CAMPAIGNS }, (_, index) => ({
    id: crypto.randomUUID(),
    user_id: actor.userId,
    ad_account_id: adAccountId,
    external_id: `bench-${index}`,
    name: `Campaign ${String(index).padStart(4, "0")}`,
    objective: CAMPAIGN_OBJECTIVES[index % CAMPAIGN_OBJECTIVES.length],
    status: "active" as const,
    budget_type: "daily" as const,
    budget_amount_minor: 2_000 + (index % 10) * 1_000,
    start_date: null,
    end_date: null,
    targeting: toDbJson({}),
    landing_url: null,
    metrics_synced_through: null,
    created_at: toDbTimestamp(new Date(launched.getTime() + index * 1_000)),
    updated_at: toDbTimestamp(launched),
    deleted_at: null,
  }));
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await db.kysely.insertInto("campaigns").values(rows.slice(start, start + INSERT_BATCH))
      .execute();
  }
}
