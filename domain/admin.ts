/**
 * Operating the app: who is an admin, each user's credit usage, and granting credits. An admin is
 * a user whose `users.role` is `admin`, set by the operator with `deno task admin promote
 * <email>`. Every check reads the role from the database, not from the actor (whose role is the
 * access token's claim, up to its lifetime old), so a promotion or demotion counts at once.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { UserRole, UsersTable } from "../db/schema.ts";
import { isoFromDbOrNull, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import type { DomainContext } from "./context.ts";
import {
  allowanceMonth,
  type CreditEntry,
  type CreditsService,
  type GrantCreditsInput,
} from "./credits.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { type Page, pageSchema, paginate } from "./pagination.ts";
import { parseInput } from "./validation.ts";

/** One user's credits as the admin page lists them. */
export interface UserUsage {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  balance: number;
  /** Credits charged since the first of this month (UTC), refunds taken off. */
  spentThisMonth: number;
  /** The later of the last sign-in and the last charge (the assistant's last work). */
  lastActivityAt: string | null;
}

/** Filters of the usage list. */
export const usageQuerySchema = pageSchema.extend({
  q: z.string().trim().max(320).optional().describe("Part of the email or name"),
});

/** The admin's operations; each answers `ForbiddenError` (403) to anyone else. */
export interface AdminService {
  /** Whether the actor is an admin now. */
  isAdmin(actor: Actor): Promise<boolean>;
  /** Users with their balance, spending this month and last activity, by email. */
  usage(actor: Actor, query?: z.input<typeof usageQuerySchema>): Promise<Page<UserUsage>>;
  /** The id of the (not deleted) user with this email; `NotFoundError` when there is none. */
  userIdByEmail(actor: Actor, email: string): Promise<string>;
  /**
   * Grants credits to `userId` with a reason. The ledger key names the admin
   * (`admin:<admin id>:<key>`), so the ledger records who granted.
   */
  grantCredits(actor: Actor, userId: string, input: GrantCreditsInput): Promise<CreditEntry>;
}

/** Builds the admin service over the credits service. */
export function createAdminService(context: DomainContext, credits: CreditsService): AdminService {
  const { db } = context;

  async function requireAdmin(actor: Actor): Promise<void> {
    if (!await isAdminUser(db.kysely, actor.userId)) {
      throw new ForbiddenError("only admins may do this");
    }
  }

  return {
    isAdmin: (actor) => isAdminUser(db.kysely, actor.userId),

    async usage(actor, query = {}) {
      await requireAdmin(actor);
      const { q, ...page } = parseInput(usageQuerySchema, query);
      const now = context.clock.now();
      const monthStart = toDbTimestamp(new Date(`${allowanceMonth(now)}-01T00:00:00Z`));
      let scoped = db.kysely.selectFrom("users")
        .innerJoin("credit_balances", "credit_balances.user_id", "users.id")
        .where("users.deleted_at", "is", null);
      if (q) {
        // INSTR, not LIKE: no wildcard in the search text to escape, on either database.
        const needle = q.toLowerCase();
        scoped = scoped.where((eb) =>
          eb.or([
            eb(eb.fn<number>("instr", [eb.fn("lower", ["users.email"]), eb.val(needle)]), ">", 0),
            eb(
              eb.fn<number>("instr", [eb.fn("lower", ["users.display_name"]), eb.val(needle)]),
              ">",
              0,
            ),
          ])
        );
      }
      return await paginate(
        scoped,
        page,
        (query) =>
          query.select([
            "users.id",
            "users.email",
            "users.display_name",
            "users.role",
            "users.last_login_at",
            "credit_balances.balance",
          ]).select((eb) => [
            eb.selectFrom("credit_ledger")
              .select((ledger) => ledger.fn.sum<number>("amount").as("net"))
              .whereRef("credit_ledger.user_id", "=", "users.id")
              .where("credit_ledger.kind", "in", ["charge", "refund"])
              .where("credit_ledger.created_at", ">=", monthStart)
              .as("net_this_month"),
            eb.selectFrom("credit_ledger")
              .select((ledger) => ledger.fn.max("credit_ledger.created_at").as("at"))
              .whereRef("credit_ledger.user_id", "=", "users.id")
              .where("credit_ledger.kind", "=", "charge")
              .as("last_charge_at"),
          ]).orderBy("users.email"),
        (row) => ({
          id: row.id,
          email: row.email,
          displayName: row.display_name,
          role: row.role,
          balance: Number(row.balance),
          // Charges are negative; `0 -` rather than unary minus, which makes -0 of no spending.
          spentThisMonth: 0 - Number(row.net_this_month ?? 0),
          lastActivityAt: latest(
            isoFromDbOrNull(row.last_login_at),
            isoFromDbOrNull(row.last_charge_at ?? null),
          ),
        }),
      );
    },

    async userIdByEmail(actor, email) {
      await requireAdmin(actor);
      return (await liveUserByEmail(db.kysely, email)).id;
    },

    async grantCredits(actor, userId, input) {
      await requireAdmin(actor);
      const user = await db.kysely.selectFrom("users").select("id")
        .where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
      if (!user) throw new NotFoundError("user");
      return await credits.grant(userId, {
        ...input,
        idempotencyKey: `admin:${actor.userId}:${input.idempotencyKey}`,
      });
    },
  };
}

/** Whether the (not deleted) user is an admin, by the stored role. */
export async function isAdminUser(db: Queryable, userId: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("role")
    .where("id", "=", userId).where("deleted_at", "is", null).executeTakeFirst();
  return row?.role === "admin";
}

/** The (not deleted) user with this email, any case; `NotFoundError` when there is none. */
export async function liveUserByEmail(
  db: Queryable,
  email: string,
): Promise<Selectable<UsersTable>> {
  const row = await db.selectFrom("users").selectAll()
    .where("email", "=", email.trim().toLowerCase()).where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("user", `no user has the email ${email.trim()}`);
  return row;
}

/**
 * Sets the role of the user with this email: the operator's way to name admins (the CLI; no
 * actor, as whoever runs it holds the database). Answers the user's id.
 */
export async function setRoleByEmail(
  context: Pick<DomainContext, "db" | "clock">,
  email: string,
  role: UserRole,
): Promise<string> {
  const user = await liveUserByEmail(context.db.kysely, email);
  await context.db.kysely.updateTable("users")
    .set({ role, updated_at: toDbTimestamp(context.clock.now()) })
    .where("id", "=", user.id).execute();
  return user.id;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return a > b ? a : b;
}
