/**
 * Deterministic campaign histories for alert tests: weekly seasonality, a little noise, and
 * whatever a test changes on chosen days; plus writing them into `campaign_metrics` (and the
 * account rollup) the way a sync would leave them.
 *
 * @module
 */
import type { Database } from "../../../db/database.ts";
import { toDbTimestamp } from "../../../db/time.ts";
import type { DayCounts } from "../../../domain/alerts/types.ts";
import { addDays, weekdayOf } from "../../../domain/dates.ts";
import { seededRandom } from "../../../domain/platforms/sandbox_delivery.ts";

/** Share of a weekday's delivery, Sunday first: quiet weekends. */
export const WEEKDAYS = [0.65, 1, 1, 1, 0.97, 0.9, 0.65];

/**
 * `days` days ending with `last`: spend ≈ 10,000 minor units × weekday share (±4%), CPC 100,
 * CTR 2%, conversion rate 10%, 5,000 per conversion — about 10 conversions a weekday.
 */
export function steadyHistory(last: string, days = 63, seed = "steady"): DayCounts[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, (_, index) => {
    const date = addDays(last, index - days + 1);
    const spendMinor = Math.round(10_000 * WEEKDAYS[weekdayOf(date)] * (0.96 + random() * 0.08));
    const clicks = Math.round(spendMinor / (100 * (0.97 + random() * 0.06)));
    const conversions = Math.round(clicks * (0.095 + random() * 0.01));
    return {
      date,
      impressions: Math.round(clicks / 0.02),
      clicks,
      spendMinor,
      conversions,
      revenueMinor: conversions * 5_000,
    };
  });
}

/** Replaces the campaign's rows (and the account rollup's) with `days`. */
export async function writeHistory(
  db: Database,
  row: { userId: string; adAccountId: string; campaignId: string },
  days: readonly DayCounts[],
): Promise<void> {
  const stamp = toDbTimestamp(new Date());
  await db.kysely.deleteFrom("campaign_metrics").where("campaign_id", "=", row.campaignId)
    .execute();
  await db.kysely.deleteFrom("ad_account_daily_metrics")
    .where("ad_account_id", "=", row.adAccountId).execute();
  for (const day of days) {
    const counts = {
      impressions: day.impressions,
      clicks: day.clicks,
      spend_minor: day.spendMinor,
      conversions: day.conversions,
      revenue_minor: day.revenueMinor,
    };
    await db.kysely.insertInto("campaign_metrics").values({
      id: crypto.randomUUID(),
      user_id: row.userId,
      ad_account_id: row.adAccountId,
      campaign_id: row.campaignId,
      metric_date: day.date,
      ...counts,
      created_at: stamp,
      updated_at: stamp,
    }).execute();
    await db.kysely.insertInto("ad_account_daily_metrics").values({
      id: crypto.randomUUID(),
      user_id: row.userId,
      ad_account_id: row.adAccountId,
      metric_date: day.date,
      ...counts,
      created_at: stamp,
      updated_at: stamp,
    }).execute();
  }
}
