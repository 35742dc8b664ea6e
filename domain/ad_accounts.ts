/**
 * Ad accounts: a user's connections to advertising accounts on a platform. Only the sandbox can
 * be connected today; disconnecting is a soft delete that also marks the account disconnected.
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
import { AccountFrozenError, NotFoundError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import { adapterFor, platformCall } from "./platform_calls.ts";
import type { PlatformRequestKey } from "./platforms/adapter.ts";
import { type StagedChange, stagedWrites } from "./staged_change.ts";
import { parseInput, plainText } from "./validation.ts";

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

/** Builds the ad accounts service. */
export function createAdAccountsService(context: DomainContext): AdAccountsService {
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
      const row = await loadAdAccount(db.kysely, actor, adAccountId);
      const updated_at = nowForDb(context);
      await db.kysely.updateTable("ad_accounts").set({ name, updated_at })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
      return toAdAccount({ ...row, name, updated_at });
    },

    async disconnect(actor, adAccountId) {
      const row = await loadAdAccount(db.kysely, actor, adAccountId);
      // Disconnecting stops every campaign of the account: a frozen account refuses it too.
      const limits = await db.kysely.selectFrom("ad_account_limits").select("frozen")
        .where("ad_account_id", "=", row.id).executeTakeFirst();
      if (Number(limits?.frozen ?? 0) === 1) {
        throw new AccountFrozenError("the ad account is frozen: unfreeze it before disconnecting");
      }
      const now = nowForDb(context);
      await db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable("ad_accounts")
          .set({ status: "disconnected", deleted_at: now, updated_at: now })
          .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
        // Its campaigns go with it (their metrics stay, for history).
        await trx.updateTable("campaigns").set({ deleted_at: now, updated_at: now })
          .where("ad_account_id", "=", row.id).where("user_id", "=", actor.userId)
          .where("deleted_at", "is", null).execute();
      });
    },
  };
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

function toAdAccount(row: Selectable<AdAccountsTable>): AdAccount {
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
