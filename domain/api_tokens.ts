/**
 * Personal API tokens for REST and MCP clients: a random secret shown once, stored as its
 * SHA-256, with a visible prefix so users can tell tokens apart, optional expiry and revocation.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { ApiTokensTable } from "../db/schema.ts";
import { isoFromDb, isoFromDbOrNull, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { NotFoundError, UnauthenticatedError, ValidationError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { parseInput, plainText } from "./validation.ts";

/** Every API token starts with this, so secret scanners and users recognize it. */
export const API_TOKEN_PREFIX = "aae_";
/** Characters of the token shown in lists (prefix included). */
const VISIBLE_PREFIX_LENGTH = 12;
/** `last_used_at` is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Input of `apiTokens.create`. */
export const createApiTokenSchema = z.object({
  name: plainText().trim().min(1).max(100),
  /** ISO 8601 moment after which the token stops working; omit for no expiry. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
/** Input of `apiTokens.create`. */
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

/** A token as listed (never the secret). */
export interface ApiToken {
  id: string;
  name: string;
  /** The first characters of the secret, e.g. `aae_Xy12ab34`. */
  prefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** API tokens service. */
export interface ApiTokensService {
  /** Creates a token; `secret` is returned this once and never again. */
  create(actor: Actor, input: CreateApiTokenInput): Promise<{ token: ApiToken; secret: string }>;
  /** The actor's tokens, newest first (revoked ones included, marked). */
  list(actor: Actor, query?: Partial<PageQuery>): Promise<Page<ApiToken>>;
  /** Revokes a token (idempotent). */
  revoke(actor: Actor, tokenId: string): Promise<ApiToken>;
  /** Resolves a presented secret to its owner; `UnauthenticatedError` if unknown/expired/revoked. */
  authenticate(secret: string): Promise<{ actor: Actor; token: ApiToken }>;
}

/** Builds the API tokens service. */
export function createApiTokensService(context: DomainContext): ApiTokensService {
  const { db } = context;

  async function ownToken(actor: Actor, tokenId: string) {
    const row = await db.kysely.selectFrom("api_tokens").selectAll()
      .where("id", "=", tokenId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("API token");
    return row;
  }

  return {
    async create(actor, input) {
      const { name, expiresAt } = parseInput(createApiTokenSchema, input);
      if (expiresAt !== undefined && Date.parse(expiresAt) <= context.clock.now().getTime()) {
        throw new ValidationError([{ field: "expiresAt", message: "must be in the future" }]);
      }
      const secret = `${API_TOKEN_PREFIX}${randomSecret()}`;
      const now = nowForDb(context);
      const row: Selectable<ApiTokensTable> = {
        id: context.ids(),
        user_id: actor.userId,
        name,
        token_prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH),
        token_hash: await sha256Hex(secret),
        expires_at: expiresAt ? toDbTimestamp(new Date(expiresAt)) : null,
        last_used_at: null,
        revoked_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await db.kysely.insertInto("api_tokens").values(row).execute();
      return { token: toApiToken(row), secret };
    },

    async list(actor, query = {}) {
      return await paginate(
        db.kysely.selectFrom("api_tokens")
          .where("user_id", "=", actor.userId).where("deleted_at", "is", null),
        parseInput(pageSchema, query),
        (scoped) => scoped.selectAll().orderBy("created_at", "desc").orderBy("id"),
        toApiToken,
      );
    },

    async revoke(actor, tokenId) {
      const row = await ownToken(actor, tokenId);
      if (row.revoked_at !== null) return toApiToken(row);
      const now = nowForDb(context);
      await db.kysely.updateTable("api_tokens").set({ revoked_at: now, updated_at: now })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
      return toApiToken({ ...row, revoked_at: now, updated_at: now });
    },

    async authenticate(secret) {
      if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > 200) {
        throw new UnauthenticatedError("invalid API token");
      }
      const found = await db.kysely.selectFrom("api_tokens")
        .innerJoin("users", "users.id", "api_tokens.user_id")
        .selectAll("api_tokens")
        .select("users.role")
        .where("api_tokens.token_hash", "=", await sha256Hex(secret))
        .where("api_tokens.deleted_at", "is", null)
        .where("api_tokens.revoked_at", "is", null)
        .where("users.deleted_at", "is", null)
        .executeTakeFirst();
      const now = context.clock.now();
      const nowText = toDbTimestamp(now);
      if (!found || (found.expires_at !== null && found.expires_at <= nowText)) {
        throw new UnauthenticatedError("invalid API token");
      }
      const { role, ...row } = found;
      const lastUsed = row.last_used_at === null ? 0 : Date.parse(isoFromDb(row.last_used_at));
      if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
        await db.kysely.updateTable("api_tokens").set({ last_used_at: nowText })
          .where("id", "=", row.id).execute();
        row.last_used_at = nowText;
      }
      return { actor: { userId: row.user_id, role }, token: toApiToken(row) };
    },
  };
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    expiresAt: isoFromDbOrNull(row.expires_at),
    lastUsedAt: isoFromDbOrNull(row.last_used_at),
    revokedAt: isoFromDbOrNull(row.revoked_at),
    createdAt: isoFromDb(row.created_at),
  };
}
