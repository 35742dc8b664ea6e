/**
 * Sign-in sessions as rotating refresh tokens. Each sign-in starts a family; rotating a token
 * marks it used and issues its successor in the same family. Presenting a token that was already
 * rotated means it leaked (or a client raced itself): the whole family is revoked.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { SessionsTable } from "../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "./errors.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { SignInCache } from "./sign_in_cache.ts";
import { parseInput } from "./validation.ts";

/** Default refresh-token lifetime: 30 days. */
export const DEFAULT_REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;

/** Where a session was created from, for the sessions list. */
export const sessionClientSchema = z.object({
  userAgent: z.string().max(512).optional(),
  ipAddress: z.string().max(64).optional(),
});
/** Where a session was created from. */
export type SessionClientInput = z.input<typeof sessionClientSchema>;

const refreshTokenSchema = z.string().min(1).max(200);

/** A session as shown to its user (never the token). */
export interface Session {
  id: string;
  familyId: string;
  userId: string;
  userAgent: string | null;
  ipAddress: string | null;
  expiresAt: string;
  createdAt: string;
}

/** A freshly issued refresh token: shown to the client once, stored only as a hash. */
export interface IssuedSession {
  refreshToken: string;
  session: Session;
}

/** Sessions service. */
export interface SessionsService {
  /** Starts a new family for a signed-in actor. */
  create(actor: Actor, client?: SessionClientInput): Promise<IssuedSession>;
  /**
   * Exchanges a refresh token for its successor. `UnauthenticatedError` when unknown, expired or
   * revoked; a reused (already rotated) token also revokes its whole family.
   */
  rotate(
    refreshToken: string,
    client?: SessionClientInput,
  ): Promise<IssuedSession & { actor: Actor }>;
  /**
   * Signs out the family of `refreshToken` (idempotent). `ForbiddenError` when the token is not
   * one of the actor's: nothing is signed out then.
   */
  logout(actor: Actor, refreshToken: string): Promise<void>;
  /**
   * The actor behind session `sessionId` of user `userId` while that sign-in lasts — its family
   * not signed out or revoked, the session not expired, its user not deleted — with the user's
   * current role; null otherwise. Access tokens name the session they were issued with, so this
   * is what makes one stop working when its sign-in ends. One primary-key lookup, cached for a
   * few seconds (`SignInCache`: every instance drops the entries of a sign-out at once).
   */
  signedInActor(userId: string, sessionId: string): Promise<Actor | null>;
  /** Live sessions (the newest token of each unrevoked family). */
  list(actor: Actor): Promise<Session[]>;
  /** Revokes the family of one of the actor's sessions. */
  revoke(actor: Actor, sessionId: string): Promise<void>;
  /** Revokes every family of the actor (sign out everywhere). */
  revokeAll(actor: Actor): Promise<void>;
}

/** Builds the sessions service. */
export function createSessionsService(
  context: DomainContext,
  { refreshTokenTtlMs = DEFAULT_REFRESH_TOKEN_TTL_MS }: { refreshTokenTtlMs?: number } = {},
): SessionsService {
  const { db } = context;
  const signIns = new SignInCache(context.coordination.pubsub);

  async function issue(
    queryable: Queryable,
    userId: string,
    familyId: string,
    client: SessionClientInput,
  ): Promise<IssuedSession> {
    const { userAgent, ipAddress } = parseInput(sessionClientSchema, client);
    const refreshToken = `aaer_${randomSecret()}`;
    const now = context.clock.now();
    const row: Selectable<SessionsTable> = {
      id: context.ids(),
      user_id: userId,
      family_id: familyId,
      token_hash: await sha256Hex(refreshToken),
      expires_at: toDbTimestamp(new Date(now.getTime() + refreshTokenTtlMs)),
      rotated_at: null,
      revoked_at: null,
      user_agent: userAgent ?? null,
      ip_address: ipAddress ?? null,
      created_at: toDbTimestamp(now),
      updated_at: toDbTimestamp(now),
    };
    await queryable.insertInto("sessions").values(row).execute();
    return { refreshToken, session: toSession(row) };
  }

  async function revokeFamilies(userId: string, familyId?: string): Promise<void> {
    const now = nowForDb(context);
    let update = db.kysely.updateTable("sessions").set({ revoked_at: now, updated_at: now })
      .where("user_id", "=", userId).where("revoked_at", "is", null);
    if (familyId) update = update.where("family_id", "=", familyId);
    await update.execute();
    await signIns.ended(userId);
  }

  async function findByToken(refreshToken: string) {
    const token = parseInput(refreshTokenSchema, refreshToken);
    return await db.kysely.selectFrom("sessions").selectAll()
      .where("token_hash", "=", await sha256Hex(token)).executeTakeFirst();
  }

  return {
    async create(actor, client = {}) {
      return await issue(db.kysely, actor.userId, context.ids(), client);
    },

    async rotate(refreshToken, client = {}) {
      const row = await findByToken(refreshToken);
      const now = nowForDb(context);
      if (!row || row.revoked_at !== null || row.expires_at <= now) {
        throw new UnauthenticatedError("invalid refresh token");
      }
      const owner = await db.kysely.selectFrom("users").select(["id", "role"])
        .where("id", "=", row.user_id).where("deleted_at", "is", null).executeTakeFirst();
      if (!owner) throw new UnauthenticatedError("invalid refresh token");
      // Claim and successor commit together: a concurrent reuse either loses the claim before
      // the successor exists, or revokes the family after it does — never in between.
      const issued = await db.kysely.transaction().execute(async (trx) => {
        const claimed = await trx.updateTable("sessions")
          .set({ rotated_at: now, updated_at: now })
          .where("id", "=", row.id).where("rotated_at", "is", null).where("revoked_at", "is", null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return null;
        return await issue(trx, row.user_id, row.family_id, {
          userAgent: client.userAgent ?? row.user_agent ?? undefined,
          ipAddress: client.ipAddress ?? row.ip_address ?? undefined,
        });
      });
      if (!issued) {
        await revokeFamilies(row.user_id, row.family_id);
        throw new UnauthenticatedError("refresh token reused; session revoked");
      }
      return { ...issued, actor: { userId: owner.id, role: owner.role } };
    },

    async logout(actor, refreshToken) {
      const row = await findByToken(refreshToken);
      // Unknown and someone else's answer alike, so the answer tells nothing about the token.
      if (!row || row.user_id !== actor.userId) {
        throw new ForbiddenError(
          "This refresh token is not one of your sign-ins; nothing was signed out",
        );
      }
      await revokeFamilies(actor.userId, row.family_id);
    },

    async signedInActor(userId, sessionId) {
      const actor = await signIns.lookup(sessionId, context.clock.now().getTime(), async () => {
        // Revoking a family marks every row of it, so the session's own row says whether its
        // sign-in was ended; a rotated row stays valid (rotation continues the sign-in).
        const row = await db.kysely.selectFrom("sessions")
          .innerJoin("users", "users.id", "sessions.user_id")
          .select(["users.id", "users.role", "sessions.expires_at"])
          .where("sessions.id", "=", sessionId)
          .where("sessions.revoked_at", "is", null)
          .where("sessions.expires_at", ">", nowForDb(context))
          .where("users.deleted_at", "is", null)
          .executeTakeFirst();
        if (!row) return null;
        const actor = { userId: row.id, role: row.role };
        return { actor, expiresAtMs: Date.parse(isoFromDb(row.expires_at)) };
      });
      return actor?.userId === userId ? actor : null;
    },

    async list(actor) {
      const rows = await db.kysely.selectFrom("sessions").selectAll()
        .where("user_id", "=", actor.userId)
        .where("revoked_at", "is", null)
        .where("rotated_at", "is", null)
        .where("expires_at", ">", nowForDb(context))
        .orderBy("created_at", "desc")
        .execute();
      return rows.map(toSession);
    },

    async revoke(actor, sessionId) {
      const row = await db.kysely.selectFrom("sessions").select("family_id")
        .where("id", "=", sessionId).where("user_id", "=", actor.userId).executeTakeFirst();
      if (!row) throw new NotFoundError("session");
      await revokeFamilies(actor.userId, row.family_id);
    },

    async revokeAll(actor) {
      await revokeFamilies(actor.userId);
    },
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    userAgent: row.user_agent,
    ipAddress: row.ip_address,
    expiresAt: isoFromDb(row.expires_at),
    createdAt: isoFromDb(row.created_at),
  };
}
