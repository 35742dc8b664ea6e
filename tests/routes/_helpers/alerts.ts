/**
 * An alert to look at on the pages: a campaign whose spend tripled yesterday after a person's
 * budget edit two days before, written into the app's database as a sync would leave it.
 *
 * @module
 */
import type { Actor } from "../../../domain/actor.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { createDomain } from "../../../domain/mod.ts";
import { steadyHistory, writeHistory } from "../../domain/alerts/_history.ts";
import { connectAccount, createCampaign } from "../../_helpers/fixtures.ts";
import type { PagesApp } from "./pages.ts";

const DAY_MS = 86_400_000;

/** A campaign launched 70 days ago whose spend tripled yesterday, two days after a budget edit. */
export async function spikedCampaign(app: PagesApp, actor: Actor) {
  const { db, coordination, domain } = app.services;
  const at = (offsetDays: number) =>
    createDomain({
      db,
      coordination,
      clock: { now: () => new Date(Date.now() - offsetDays * DAY_MS) },
    });
  const adAccountId = await connectAccount(domain, actor);
  const launch = at(70);
  const campaign = await createCampaign(launch, actor, adAccountId, {
    name: "Spring Sale",
    budgetAmountMinor: 20_000,
  });
  await launch.campaigns.resume(actor, campaign.id);
  await at(2).campaigns.update(actor, campaign.id, { budgetAmountMinor: 25_000 });
  const today = dateOf(new Date());
  const yesterday = addDays(today, -1);
  const history = steadyHistory(yesterday).map((day) =>
    day.date === yesterday
      ? {
        ...day,
        impressions: day.impressions * 3,
        clicks: day.clicks * 3,
        spendMinor: day.spendMinor * 3,
        conversions: day.conversions * 3,
        revenueMinor: day.revenueMinor * 3,
      }
      : day
  );
  await writeHistory(db, { userId: actor.userId, adAccountId, campaignId: campaign.id }, history);
  // The sandbox has nothing newer to add: reads must not replace the written history.
  await db.kysely.updateTable("campaigns").set({ metrics_synced_through: today })
    .where("id", "=", campaign.id).execute();
  return { adAccountId, campaignId: campaign.id, yesterday };
}
