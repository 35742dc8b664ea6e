/**
 * Small builders tests share: a registered user, a sandbox account, a campaign, a queued agent
 * run, and a snapshot of every table for "nothing changed" assertions.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { TABLE_NAMES } from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
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

/**
 * Inserts a queued run in `conversationId` at `leaseEpoch`, as a submit leaves it before any
 * runner claims it (`claimRun` then bumps the epoch); returns its id.
 */
export async function insertRun(
  db: Database,
  actor: Actor,
  conversationId: string,
  leaseEpoch = 0,
): Promise<string> {
  const id = crypto.randomUUID();
  const at = toDbTimestamp(new Date());
  await db.kysely.insertInto("agent_runs").values({
    id,
    user_id: actor.userId,
    conversation_id: conversationId,
    message_id: null,
    status: "queued",
    lease_owner: null,
    lease_epoch: leaseEpoch,
    started_at: null,
    finished_at: null,
    input_tokens: 0,
    output_tokens: 0,
    error: null,
    error_code: null,
    client_message_id: null,
    cancel_requested_at: null,
    pending_confirmation: null,
    confirmation_decision: null,
    created_at: at,
    updated_at: at,
  }).execute();
  return id;
}
