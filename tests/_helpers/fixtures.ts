/**
 * Small builders tests share: a registered user, a sandbox account, a campaign, and a snapshot
 * of every table for "nothing changed" assertions.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { TABLE_NAMES } from "../../db/schema.ts";
import type { Actor } from "../../domain/actor.ts";
import type { Campaign, CreateCampaignInput } from "../../domain/campaigns.ts";
import type { Domain } from "../../domain/mod.ts";

let userCounter = 0;

/** Registers a new user with a unique email; returns its actor. */
export async function registerUser(domain: Domain, name = "user"): Promise<Actor> {
  userCounter += 1;
  const { actor } = await domain.accounts.register({
    email: `${name}-${userCounter}-${crypto.randomUUID().slice(0, 8)}@example.test`,
    password: "correct horse battery staple",
  });
  return actor;
}

/** Connects a USD sandbox account for `actor`; returns its id. */
export async function connectAccount(domain: Domain, actor: Actor): Promise<string> {
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
  return account.id;
}

/** Creates a $50/day traffic campaign (overridable) on `adAccountId`. */
export function createCampaign(
  domain: Domain,
  actor: Actor,
  adAccountId: string,
  overrides: Partial<CreateCampaignInput> = {},
): Promise<Campaign> {
  return domain.campaigns.create(actor, {
    adAccountId,
    name: "Spring sale",
    objective: "traffic",
    budgetType: "daily",
    budgetAmountMinor: 5_000,
    landingUrl: "https://shop.example.com/spring",
    ...overrides,
  });
}

/** Every row of every table, as plain objects sorted by id. */
export async function snapshotTables(db: Database): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of TABLE_NAMES) {
    const rows = await db.kysely.selectFrom(table).selectAll().orderBy("id").execute();
    snapshot[table] = rows.map((row) => ({ ...row }));
  }
  return snapshot;
}
