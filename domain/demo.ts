/**
 * The demo data set: a demo user with a sandbox account, campaigns in every state with about
 * 60 days of simulated history. Idempotent — every step looks for what it would create first —
 * so running it twice (or after an interrupted run) never duplicates anything.
 *
 * History is produced by acting at past moments: campaigns are created and launched with a
 * clock set in the past, paused or archived at a later past moment (the sync that precedes
 * each status change records delivery up to it), and a final read syncs everything up to now.
 *
 * @module
 */
import type { CampaignObjective } from "../db/schema.ts";
import type { Actor } from "./actor.ts";
import type { AdAccount } from "./ad_accounts.ts";
import type { CreateCampaignInput } from "./campaigns.ts";
import { type Clock, systemClock } from "./clock.ts";
import { addDays, dateOf } from "./dates.ts";
import { ConflictError } from "./errors.ts";
import { createDomain, type Domain, type DomainOptions } from "./mod.ts";
import type { RuleDraftInput } from "./rules/model.ts";

/** Email of the demo user. */
export const DEMO_EMAIL = "demo@aae.local";
/** Password of the demo user (a local demo; the login page shows it in the embedded default). */
export const DEMO_PASSWORD = "demo-password";
const DEMO_ACCOUNT_NAME = "Demo Store (sandbox)";
const HISTORY_DAYS = 60;

/** One demo campaign and its life so far, in days relative to today. */
interface DemoCampaign {
  name: string;
  objective: CampaignObjective;
  budget: Pick<CreateCampaignInput, "budgetType" | "budgetAmountMinor" | "endDate">;
  /** Day it was created and launched (negative = past); undefined = still a draft. */
  launchedDay?: number;
  /** Day it was paused or archived, if it was. */
  stopped?: { day: number; status: "paused" | "archived" };
  creative?: { headline: string; body: string; callToAction: string };
}

function demoCampaigns(today: string): DemoCampaign[] {
  return [
    {
      name: "Spring Sale — Search",
      objective: "sales",
      budget: { budgetType: "daily", budgetAmountMinor: 5_000 },
      launchedDay: -HISTORY_DAYS,
      creative: {
        headline: "Spring Sale: 20% off",
        body: "Fresh styles, fresh prices.",
        callToAction: "Shop now",
      },
    },
    {
      name: "Brand Awareness Q4",
      objective: "awareness",
      budget: { budgetType: "daily", budgetAmountMinor: 3_000 },
      launchedDay: -HISTORY_DAYS,
    },
    {
      name: "Newsletter Leads",
      objective: "leads",
      budget: { budgetType: "daily", budgetAmountMinor: 2_000 },
      launchedDay: -HISTORY_DAYS,
      stopped: { day: -20, status: "paused" },
      creative: { headline: "Get 10% off", body: "Join our newsletter.", callToAction: "Sign up" },
    },
    {
      name: "Retargeting — Abandoned Carts",
      objective: "conversions",
      budget: { budgetType: "lifetime", budgetAmountMinor: 150_000, endDate: addDays(today, 30) },
      launchedDay: -45,
    },
    {
      name: "Summer Clearance",
      objective: "sales",
      budget: { budgetType: "daily", budgetAmountMinor: 4_000 },
      launchedDay: -HISTORY_DAYS,
      stopped: { day: -30, status: "archived" },
    },
    {
      name: "Holiday Teaser",
      objective: "traffic",
      budget: { budgetType: "daily", budgetAmountMinor: 2_500 },
    },
  ];
}

/** Name of the demo's sample rule. */
export const DEMO_RULE_NAME = "Trim budgets when CPA runs high";

/**
 * The demo's sample rule (saved disabled): every morning, lower by 20% (not below 10.00) the
 * budget of a campaign whose cost per conversion over the last 7 days was above 40.00, once it
 * had enough data. The sandbox's costs vary widely (and about 3% of its days collapse), so the
 * rule's backtest over the demo history shows firings.
 */
export function demoSampleRule(adAccountId: string): RuleDraftInput {
  return {
    name: DEMO_RULE_NAME,
    adAccountId,
    scope: { kind: "all" },
    conditions: {
      match: "all",
      conditions: [
        { metric: "cpa", window: { kind: "last_n_days", n: 7 }, operator: ">", value: 40 },
      ],
    },
    action: { type: "adjust_budget", percent: -20, minBudget: 10 },
    schedule: { frequency: "daily", at: "09:00" },
  };
}

/** What the seed did. */
export interface DemoSeedResult {
  email: string;
  password: string;
  userId: string;
  /** Campaigns created by this run (0 when everything already existed). */
  campaignsCreated: number;
}

/** Creates the demo data set where it is missing. */
export async function seedDemo(
  options: Omit<DomainOptions, "clock"> & { clock?: Clock },
): Promise<DemoSeedResult> {
  const now = (options.clock ?? systemClock).now();
  const domainAt = (day: number) => {
    const moment = new Date(now.getTime() + day * 86_400_000);
    return createDomain({ ...options, clock: { now: () => moment } });
  };
  const current = domainAt(0);
  const actor = await demoUser(current);
  const { id: adAccountId, timezone } = await demoAccount(current, actor);
  // Metric days are the account's days, so "today" is its local date.
  const today = dateOf(now, timezone);

  let campaignsCreated = 0;
  for (const spec of demoCampaigns(today)) {
    const existing = await current.campaigns.list(actor, { adAccountId, search: spec.name });
    if (existing.items.some((campaign) => campaign.name === spec.name)) continue;
    const atLaunch = domainAt(spec.launchedDay ?? 0);
    const campaign = await atLaunch.campaigns.create(actor, {
      adAccountId,
      name: spec.name,
      objective: spec.objective,
      ...spec.budget,
      targeting: { countries: ["US"], ageMin: 25, ageMax: 54 },
      landingUrl: "https://demo-store.example.com/",
    });
    if (spec.creative) await atLaunch.creatives.create(actor, campaign.id, spec.creative);
    if (spec.launchedDay !== undefined) await atLaunch.campaigns.resume(actor, campaign.id);
    if (spec.stopped) {
      await domainAt(spec.stopped.day).campaigns.changeStatus(
        actor,
        campaign.id,
        spec.stopped.status,
      );
    }
    campaignsCreated += 1;
  }
  // Reading the report syncs the sandbox's delivery up to now.
  await current.metrics.performance(actor, {
    from: addDays(today, -HISTORY_DAYS),
    to: today,
    adAccountId,
  });
  const rules = await current.rules.list(actor, { adAccountId, limit: 100 });
  if (!rules.items.some((rule) => rule.name === DEMO_RULE_NAME)) {
    await current.rules.create(actor, demoSampleRule(adAccountId));
  }
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD, userId: actor.userId, campaignsCreated };
}

async function demoUser(domain: Domain): Promise<Actor> {
  try {
    const { actor } = await domain.accounts.register({
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      displayName: "Demo User",
    });
    return actor;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const { actor } = await domain.accounts.authenticate({
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    return actor;
  }
}

async function demoAccount(domain: Domain, actor: Actor): Promise<AdAccount> {
  const accounts = await domain.adAccounts.list(actor, { limit: 100 });
  const existing = accounts.items.find((account) => account.name === DEMO_ACCOUNT_NAME);
  return existing ?? await domain.adAccounts.connectSandbox(actor, { name: DEMO_ACCOUNT_NAME });
}
