/**
 * Ad accounts: a user's connections to advertising accounts on a platform. Sandbox accounts are
 * connected here; real platforms' by signing in (`connections/service.ts`). Disconnecting is a
 * soft delete that also marks the account disconnected (and revokes a real platform's grant).
 * Renaming and disconnecting are changes like a campaign's: made through the write gateway
 * (`write_gateway.ts`), whose staged writes are `renameAdAccountRow` and `disconnectAdAccountRows`.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { AdAccountsTable, AdAccountStatus, PlatformName } from "../db/schema.ts";
import type { Queryable } from "../db/database.ts";
import { isoFromDb, isoFromDbOrNull } from "../db/time.ts";
import { timezoneSchema } from "./accounts.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { CURRENCY_EXPONENTS, type CurrencyCode } from "./money.ts";
import { NotFoundError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import { adapterFor, platformCall } from "./platform_calls.ts";
import type { PlatformRequestKey } from "./platforms/adapter.ts";
import { type StagedChange, stagedWrites } from "./staged_change.ts";
import { parseInput, plainText } from "./validation.ts";
import type { AdAccountOperation, WriteGateway } from "./write_gateway.ts";

const accountNameSchema = plainText().trim().min(1).max(200);

/** Input of `adAccounts.connectSandbox`. */
export const connectSandboxAccountSchema = z.object({
  name: accountNameSchema,
  currency: z.enum(Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]])
    .default("USD"),
  timezone: timezoneSchema.default("UTC"),
});
/** Input of `adAccounts.connectSandbox`. */
export type ConnectSandboxAccountInput = z.input<typeof connectSandboxAccountSchema>;

/** Input of `adAccounts.rename`. */
export const renameAdAccountSchema = z.object({ name: accountNameSchema });
/** Input of `adAccounts.rename`. */
export type RenameAdAccountInput = z.input<typeof renameAdAccountSchema>;

/** An ad account as the product shows it (never its credentials). */
export interface AdAccount {
  id: string;
  platform: PlatformName;
  externalAccountId: string;
  name: string;
  currency: string;
  timezone: string;
  status: AdAccountStatus;
  metricsSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Ad accounts service. */
export interface AdAccountsService {
  /** Connects a new simulated account on the sandbox platform. */
  connectSandbox(actor: Actor, input: ConnectSandboxAccountInput): Promise<AdAccount>;
  /**
   * `connectSandbox` split where a transaction may begin (`StagedChange`): the platform
   * connected the account (once per `requestKey`), its row is not written yet.
   */
  readonly staged: {
    connectSandbox(
      actor: Actor,
      input: ConnectSandboxAccountInput,
      requestKey?: PlatformRequestKey,
    ): Promise<StagedChange<AdAccount>>;
  };
  /** Connected accounts, newest first. */
  list(actor: Actor, query?: Partial<PageQuery>): Promise<Page<AdAccount>>;
  get(actor: Actor, adAccountId: string): Promise<AdAccount>;
  rename(actor: Actor, adAccountId: string, input: RenameAdAccountInput): Promise<AdAccount>;
  /** Disconnects: soft-deletes the account (status `disconnected`) and its campaigns. */
  disconnect(actor: Actor, adAccountId: string): Promise<void>;
}

/** Builds the ad accounts service; renaming and disconnecting go through `gateway`. */
export function createAdAccountsService(
  context: DomainContext,
  gateway: Pick<WriteGateway, "changeAdAccount">,
): AdAccountsService {
  const { db } = context;
  const staged: AdAccountsService["staged"] = {
    async connectSandbox(actor, input, requestKey) {
      const { name, currency, timezone } = parseInput(connectSandboxAccountSchema, input);
      const details = await platformCall(
        () => adapterFor(context, "sandbox").connectAccount({ currency, timezone }, requestKey),
      );
      return stagedWrites(db.kysely, async (on) => {
        const now = nowForDb(context);
        const row: Selectable<AdAccountsTable> = {
          id: context.ids(),
          user_id: actor.userId,
          platform: "sandbox",
          external_account_id: details.externalAccountId,
          name,
          currency: details.currency,
          timezone: details.timezone,
          status: "active",
          credentials_encrypted: null,
          metrics_synced_at: null,
          sync_succeeded_at: null,
          sync_error: null,
          sync_error_at: null,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
        await on.insertInto("ad_accounts").values(row).execute();
        return toAdAccount(row);
      });
    },
  };
  return {
    staged,
    connectSandbox: async (actor, input) =>
      await (await staged.connectSandbox(actor, input)).commit(),

    async list(actor, query = {}) {
      return await paginate(
        db.kysely.selectFrom("ad_accounts")
          .where("user_id", "=", actor.userId).where("deleted_at", "is", null),
        parseInput(pageSchema, query),
        (scoped) => scoped.selectAll().orderBy("created_at", "desc").orderBy("id"),
        toAdAccount,
      );
    },

    async get(actor, adAccountId) {
      return toAdAccount(await loadAdAccount(db.kysely, actor, adAccountId));
    },

    async rename(actor, adAccountId, input) {
      const { name } = parseInput(renameAdAccountSchema, input);
      return await asPerson(actor, { type: "rename_ad_account", adAccountId, name });
    },

    async disconnect(actor, adAccountId) {
      await asPerson(actor, { type: "disconnect_ad_account", adAccountId });
    },
  };

  /** A change the signed-in person makes, through the gateway (a person is the approval). */
  async function asPerson(actor: Actor, operation: AdAccountOperation): Promise<AdAccount> {
    // `write_gateway.ts` imports this module, so its `PERSON` constant is not imported back.
    const outcome = await gateway.changeAdAccount({ actor, source: { kind: "user" }, operation });
    if (outcome.status !== "applied") throw new Error("a person's change was held for approval");
    return outcome.adAccount;
  }
}

/** Renames the account's row on `on`; the write gateway's part of a rename. */
export async function renameAdAccountRow(
  on: Queryable,
  row: Selectable<AdAccountsTable>,
  name: string,
  now: string,
): Promise<AdAccount> {
  await on.updateTable("ad_accounts").set({ name, updated_at: now })
    .where("id", "=", row.id).where("user_id", "=", row.user_id).execute();
  return toAdAccount({ ...row, name, updated_at: now });
}

/**
 * Marks the account disconnected and soft-deletes it and its campaigns (their metrics stay, for
 * history) on `on`; the write gateway's part of a disconnection.
 */
export async function disconnectAdAccountRows(
  on: Queryable,
  row: Selectable<AdAccountsTable>,
  now: string,
): Promise<AdAccount> {
  // The grant was revoked (or is about to be useless): the credentials are not kept.
  await on.updateTable("ad_accounts")
    .set({ status: "disconnected", credentials_encrypted: null, deleted_at: now, updated_at: now })
    .where("id", "=", row.id).where("user_id", "=", row.user_id).execute();
  await on.updateTable("campaigns").set({ deleted_at: now, updated_at: now })
    .where("ad_account_id", "=", row.id).where("user_id", "=", row.user_id)
    .where("deleted_at", "is", null).execute();
  return toAdAccount({
    ...row,
    status: "disconnected",
    credentials_encrypted: null,
    deleted_at: now,
    updated_at: now,
  });
}

/** The actor's live ad account row; `NotFoundError` otherwise. For services built on accounts. */
export async function loadAdAccount(
  queryable: Queryable,
  actor: Actor,
  adAccountId: string,
): Promise<Selectable<AdAccountsTable>> {
  const row = await queryable.selectFrom("ad_accounts").selectAll()
    .where("id", "=", adAccountId).where("user_id", "=", actor.userId)
    .where("deleted_at", "is", null).executeTakeFirst();
  if (!row) throw new NotFoundError("ad account");
  return row;
}

/** An account row as the product shows it. */
export function toAdAccount(row: Selectable<AdAccountsTable>): AdAccount {
  return {
    id: row.id,
    platform: row.platform,
    externalAccountId: row.external_account_id,
    name: row.name,
    currency: row.currency,
    timezone: row.timezone,
    status: row.status,
    metricsSyncedAt: isoFromDbOrNull(row.metrics_synced_at),
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}
