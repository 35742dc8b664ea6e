/**
 * Connecting real ad accounts by signing in with their platform (OAuth authorization code flow):
 *
 * 1. `start`: a random `state` is stored (as its SHA-256) bound to the person *and* the signed-in
 *    session that asked, for 15 minutes; the browser goes to the platform's consent screen.
 * 2. `complete`: the platform sends the browser back with the code and the state. The state must
 *    belong to this person and session and be unused (a forged or replayed callback, or one
 *    carried into another session, is refused: CSRF-safe); it is used up in one conditional
 *    update before the code is exchanged. The tokens are stored encrypted on the connection.
 * 3. `choices` / `pick`: the account picker lists what the credentials can manage (the adapter's
 *    `listAdAccounts`); each picked account is connected (or reconnected, for one already there:
 *    new credentials, status back to `active`) with its credentials encrypted, and its 90-day
 *    backfill is enqueued as a durable run (`sync.ts`).
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { AdAccountsTable, PlatformConnectionsTable, PlatformName } from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../actor.ts";
import type { AdAccount } from "../ad_accounts.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { ConflictError, NotFoundError, PlatformAuthError, ValidationError } from "../errors.ts";
import { adapterFor, platformCall } from "../platform_calls.ts";
import type { PlatformAccountSummary } from "../platforms/adapter.ts";
import type { CredentialCipher } from "../platforms/credential_cipher.ts";
import type { OAuthClient, OAuthPlatform } from "../platforms/oauth.ts";
import { randomSecret, sha256Hex } from "../secrets.ts";
import type { Workflows } from "../workflows/engine.ts";
import { openTokens, sealTokens } from "./credentials.ts";
import { enqueueBackfill } from "./sync.ts";

/** How long a sign-in may take from `start` to the picker's choice. */
const CONNECTION_TTL_MS = 15 * 60_000;

/** Names people know the platforms by. */
export const PLATFORM_LABELS: Readonly<Record<PlatformName, string>> = {
  sandbox: "Sandbox",
  meta: "Meta",
  google: "Google Ads",
  tiktok: "TikTok",
};

/** What connecting needs. */
export interface ConnectionsOptions {
  cipher: CredentialCipher;
  /** The sign-in of each configured platform. */
  oauth: Partial<Record<OAuthPlatform, OAuthClient>>;
  /**
   * The app's public origin: platforms send the browser back to `<base>/ad-accounts/connect/…`.
   * Unset: the origin the sign-in was started from (fine locally; set it behind a proxy).
   */
  redirectBaseUrl?: string;
  /** Days of metrics the backfill fetches (default 90). */
  backfillDays?: number;
}

/** An account the picker offers. */
export interface ConnectionChoice extends PlatformAccountSummary {
  /** The product's ad account already connected for it, if any (picking it reconnects). */
  adAccountId: string | null;
}

/** Connecting accounts with their platform's sign-in. */
export interface PlatformConnectionsService {
  /** Platforms that can be connected here (configured with an app id and secret). */
  platforms(): OAuthPlatform[];
  /** Where the platform sends the browser back after consent (`origin`: the app's, as asked). */
  redirectUri(platform: OAuthPlatform, origin: string): string;
  /**
   * Starts a sign-in for the session; returns the consent screen's URL. `origin` is the app's
   * origin the request came to (used unless a redirect base is configured).
   */
  start(actor: Actor, sessionId: string, platform: OAuthPlatform, origin: string): Promise<string>;
  /** Handles the platform's redirect back (its query); returns the connection for the picker. */
  complete(
    actor: Actor,
    sessionId: string,
    platform: OAuthPlatform,
    query: URLSearchParams,
    origin: string,
  ): Promise<{ connectionId: string }>;
  /** The accounts the connection's credentials manage. */
  choices(
    actor: Actor,
    sessionId: string,
    connectionId: string,
  ): Promise<{ platform: OAuthPlatform; accounts: ConnectionChoice[] }>;
  /** Connects the picked accounts (by platform id) and enqueues their backfills. */
  pick(
    actor: Actor,
    sessionId: string,
    connectionId: string,
    externalAccountIds: readonly string[],
  ): Promise<AdAccount[]>;
}

/** Builds the service; with no `options`, no platform can be connected. */
export function createConnectionsService(
  context: DomainContext,
  workflows: Pick<Workflows, "enqueue">,
  options: ConnectionsOptions | undefined,
  toAdAccount: (row: Selectable<AdAccountsTable>) => AdAccount,
): PlatformConnectionsService {
  const { db } = context;
  const backfillDays = options?.backfillDays ?? 90;

  function clientFor(platform: OAuthPlatform): OAuthClient {
    const client = options?.oauth[platform];
    if (!client || !context.platforms[platform]) {
      throw new NotFoundError(`${PLATFORM_LABELS[platform]} connection`);
    }
    return client;
  }

  function redirectUri(platform: OAuthPlatform, origin: string): string {
    const base = (options?.redirectBaseUrl ?? origin).replace(/\/+$/, "");
    return `${base}/ad-accounts/connect/${platform}/callback`;
  }

  async function loadConnection(
    actor: Actor,
    sessionId: string,
    connectionId: string,
  ): Promise<Selectable<PlatformConnectionsTable>> {
    if (!z.uuid().safeParse(connectionId).success) throw new NotFoundError("connection");
    const row = await db.kysely.selectFrom("platform_connections").selectAll()
      .where("id", "=", connectionId).where("user_id", "=", actor.userId)
      .where("session_id", "=", sessionId).executeTakeFirst();
    if (!row || row.status !== "authorized" || row.expires_at < nowForDb(context)) {
      throw new NotFoundError("connection (it expired or was used; connect again)");
    }
    return row;
  }

  async function choices(actor: Actor, sessionId: string, connectionId: string) {
    const row = await loadConnection(actor, sessionId, connectionId);
    const platform = row.platform as OAuthPlatform;
    const adapter = adapterFor(context, platform);
    if (!adapter.listAdAccounts) throw new NotFoundError("account list");
    const listed = await platformCall(() => adapter.listAdAccounts!(row.credentials_encrypted!));
    const existing = await db.kysely.selectFrom("ad_accounts").select(["id", "external_account_id"])
      .where("user_id", "=", actor.userId).where("platform", "=", platform)
      .where("deleted_at", "is", null).execute();
    const byExternal = new Map(
      existing.map((account) => [account.external_account_id, account.id]),
    );
    return {
      platform,
      accounts: listed.map((account) => ({
        ...account,
        adAccountId: byExternal.get(account.externalAccountId) ?? null,
      })),
    };
  }

  return {
    platforms: () =>
      (["meta", "google", "tiktok"] as const).filter((platform) =>
        options?.oauth[platform] !== undefined && context.platforms[platform] !== undefined
      ),
    redirectUri,

    async start(actor, sessionId, platform, origin) {
      const client = clientFor(platform);
      const state = randomSecret();
      const now = context.clock.now();
      await db.kysely.insertInto("platform_connections").values({
        id: context.ids(),
        user_id: actor.userId,
        session_id: sessionId,
        platform,
        state_hash: await sha256Hex(state),
        status: "pending",
        credentials_encrypted: null,
        expires_at: toDbTimestamp(new Date(now.getTime() + CONNECTION_TTL_MS)),
        created_at: toDbTimestamp(now),
        updated_at: toDbTimestamp(now),
      }).execute();
      return client.authorizeUrl(state, redirectUri(platform, origin));
    },

    async complete(actor, sessionId, platform, query, origin) {
      const client = clientFor(platform);
      const state = query.get("state") ?? "";
      const row = state
        ? await db.kysely.selectFrom("platform_connections").selectAll()
          .where("state_hash", "=", await sha256Hex(state)).executeTakeFirst()
        : undefined;
      // Someone else's state, another session's, or none: not a sign-in this session started.
      if (
        !row || row.user_id !== actor.userId || row.session_id !== sessionId ||
        row.platform !== platform
      ) {
        throw new ValidationError([{
          field: "state",
          message: "this sign-in was not started in this session; connect again",
        }]);
      }
      const now = nowForDb(context);
      // Used up before the code is exchanged: a replayed callback finds it taken.
      const taken = await db.kysely.updateTable("platform_connections")
        .set({ status: "authorized", updated_at: now })
        .where("id", "=", row.id).where("status", "=", "pending").where("expires_at", ">=", now)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) {
        throw new ConflictError("this sign-in was already used or has expired; connect again");
      }
      const denied = query.get("error_description") ?? query.get("error");
      const code = query.get(client.codeParameter);
      if (denied || !code) {
        await db.kysely.updateTable("platform_connections").set({ status: "completed" })
          .where("id", "=", row.id).execute();
        throw new PlatformAuthError(
          `${PLATFORM_LABELS[platform]} did not grant access${
            denied ? ` (${denied})` : ""
          }; nothing was connected`,
        );
      }
      const tokens = await client.exchange(code, redirectUri(platform, origin));
      await db.kysely.updateTable("platform_connections").set({
        credentials_encrypted: await sealTokens(options!.cipher, tokens),
        updated_at: nowForDb(context),
      }).where("id", "=", row.id).execute();
      return { connectionId: row.id };
    },

    choices,

    async pick(actor, sessionId, connectionId, externalAccountIds) {
      if (externalAccountIds.length === 0) {
        throw new ValidationError([{ field: "accounts", message: "pick at least one account" }]);
      }
      const { platform, accounts } = await choices(actor, sessionId, connectionId);
      const row = await loadConnection(actor, sessionId, connectionId);
      const picked = accounts.filter((account) =>
        externalAccountIds.includes(account.externalAccountId)
      );
      if (picked.length !== new Set(externalAccountIds).size) {
        throw new ValidationError([{
          field: "accounts",
          message: "an account picked is not one this sign-in can manage",
        }]);
      }
      const taken = await db.kysely.updateTable("platform_connections")
        .set({ status: "completed", updated_at: nowForDb(context) })
        .where("id", "=", row.id).where("status", "=", "authorized").executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) {
        throw new ConflictError("these accounts were already connected from this sign-in");
      }
      // Each account keeps its own encryption of the tokens (fresh IV), so rows never match.
      const tokens = await openTokens(options!.cipher, row.credentials_encrypted);
      const connected: AdAccount[] = [];
      for (const account of picked) {
        const sealed = await sealTokens(options!.cipher, tokens);
        const now = nowForDb(context);
        let adAccount: Selectable<AdAccountsTable>;
        if (account.adAccountId) {
          await db.kysely.updateTable("ad_accounts").set({
            credentials_encrypted: sealed,
            status: "active",
            sync_error: null,
            sync_error_at: null,
            updated_at: now,
          }).where("id", "=", account.adAccountId).execute();
          adAccount = await db.kysely.selectFrom("ad_accounts").selectAll()
            .where("id", "=", account.adAccountId).executeTakeFirstOrThrow();
        } else {
          adAccount = {
            id: context.ids(),
            user_id: actor.userId,
            platform,
            external_account_id: account.externalAccountId,
            name: account.name.slice(0, 200) || account.externalAccountId,
            currency: account.currency,
            timezone: account.timezone,
            status: "active",
            credentials_encrypted: sealed,
            metrics_synced_at: null,
            sync_succeeded_at: null,
            sync_error: null,
            sync_error_at: null,
            created_at: now,
            updated_at: now,
            deleted_at: null,
          };
          await db.kysely.insertInto("ad_accounts").values(adAccount).execute();
        }
        await enqueueBackfill(workflows, actor, adAccount.id, connectionId, backfillDays);
        connected.push(toAdAccount(adAccount));
      }
      await db.kysely.updateTable("platform_connections").set({ credentials_encrypted: null })
        .where("id", "=", row.id).execute();
      return connected;
    },
  };
}
