/**
 * User accounts: registration (with the signup credit grant), password sign-in, profile, and an
 * optional Google identity. Sign-in functions take no actor — they produce one.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { UserRole, UsersTable } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { isoFromDb, isoFromDbOrNull } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { openCreditBalance } from "./credits.ts";
import { ConflictError, NotFoundError, UnauthenticatedError } from "./errors.ts";
import type { PasswordHasher } from "./password.ts";
import { parseInput, plainText } from "./validation.ts";
import { assertUncommonPassword } from "./common_passwords.ts";

const emailSchema = z.email().max(320).transform((email) => email.toLowerCase());
const passwordSchema = z.string().min(8, "must be at least 8 characters").max(1024);
const displayNameSchema = plainText().trim().min(1).max(100);

/** A BCP 47 language tag such as `en` or `pt-BR`. */
export const localeSchema = z.string().max(35).refine((tag) => {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}, "must be a BCP 47 language tag");

/** An IANA time zone such as `Europe/Paris` or `UTC`. */
export const timezoneSchema = z.string().max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone");

/** Input of `accounts.register`. */
export const registerSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
  locale: localeSchema.default("en"),
  timezone: timezoneSchema.default("UTC"),
});
/** Input of `accounts.register`. */
export type RegisterInput = z.input<typeof registerSchema>;

/** Input of `accounts.authenticate`. */
export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(1024),
});
/** Input of `accounts.authenticate`. */
export type CredentialsInput = z.input<typeof credentialsSchema>;

/** Input of `accounts.updateProfile`: any subset of the editable fields. */
export const profileUpdateSchema = z.strictObject({
  displayName: displayNameSchema.optional(),
  locale: localeSchema.optional(),
  timezone: timezoneSchema.optional(),
});
/** Input of `accounts.updateProfile`. */
export type ProfileUpdateInput = z.input<typeof profileUpdateSchema>;

/** Input of `accounts.changePassword`. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: passwordSchema,
});
/** Input of `accounts.changePassword`. */
export type PasswordChangeInput = z.input<typeof passwordChangeSchema>;

/** A verified Google identity (from a validated ID token). */
export const googleIdentitySchema = z.object({
  subject: z.string().min(1).max(255),
  email: emailSchema,
  emailVerified: z.boolean(),
  displayName: displayNameSchema.optional(),
});
/** A verified Google identity. */
export type GoogleIdentityInput = z.input<typeof googleIdentitySchema>;

/** A user as the product shows it (never the password hash). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  locale: string;
  timezone: string;
  role: UserRole;
  hasPassword: boolean;
  googleLinked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A signed-in user and the actor to act as. */
export interface SignedIn {
  user: User;
  actor: Actor;
}

/** Accounts service. */
export interface AccountsService {
  /** Creates a user with the signup credit grant; `ConflictError` if the email is taken. */
  register(input: RegisterInput): Promise<SignedIn>;
  /** Checks email and password; `UnauthenticatedError` on any mismatch (never says which). */
  authenticate(input: CredentialsInput): Promise<SignedIn>;
  /** Signs in by Google subject, linking by verified email or creating the user as needed. */
  signInWithGoogle(identity: GoogleIdentityInput): Promise<SignedIn>;
  /** Links a Google identity to the acting user; `ConflictError` if linked elsewhere. */
  linkGoogle(actor: Actor, identity: GoogleIdentityInput): Promise<User>;
  getProfile(actor: Actor): Promise<User>;
  /** Whether a (not deleted) user has this email; for pages that must not sign anyone in. */
  isRegistered(email: string): Promise<boolean>;
  updateProfile(actor: Actor, input: ProfileUpdateInput): Promise<User>;
  /** `UnauthenticatedError` when the current password is wrong. */
  changePassword(actor: Actor, input: PasswordChangeInput): Promise<void>;
}

/** Settings of the accounts service. */
export interface AccountsSettings {
  passwordHasher: PasswordHasher;
  /** Credits granted on registration. */
  signupCredits: number;
}

/** Builds the accounts service. */
export function createAccountsService(
  context: DomainContext,
  { passwordHasher, signupCredits }: AccountsSettings,
): AccountsService {
  const { db } = context;
  // Verified against when the email is unknown, so both paths cost one KDF run.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => decoyHash ??= passwordHasher.hash("decoy password for timing");

  async function findLiveUser(column: "id" | "email" | "google_subject", value: string) {
    return await db.kysely.selectFrom("users").selectAll()
      .where(column, "=", value).where("deleted_at", "is", null).executeTakeFirst();
  }

  async function ownUser(actor: Actor): Promise<Selectable<UsersTable>> {
    const row = await findLiveUser("id", actor.userId);
    if (!row) throw new NotFoundError("user");
    return row;
  }

  async function createUser(fields: {
    email: string;
    passwordHash: string | null;
    googleSubject: string | null;
    displayName: string;
    locale: string;
    timezone: string;
  }): Promise<Selectable<UsersTable>> {
    const now = nowForDb(context);
    const row: Selectable<UsersTable> = {
      id: context.ids(),
      email: fields.email,
      password_hash: fields.passwordHash,
      google_subject: fields.googleSubject,
      display_name: fields.displayName,
      locale: fields.locale,
      timezone: fields.timezone,
      role: "user",
      last_login_at: now,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    try {
      await db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto("users").values(row).execute();
        await openCreditBalance(context, trx, row.id, signupCredits);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError("an account with this email exists");
      throw error;
    }
    return row;
  }

  async function recordLogin(row: Selectable<UsersTable>): Promise<SignedIn> {
    const now = nowForDb(context);
    await db.kysely.updateTable("users").set({ last_login_at: now })
      .where("id", "=", row.id).execute();
    return signedIn({ ...row, last_login_at: now });
  }

  return {
    async register(input) {
      const parsed = parseInput(registerSchema, input);
      await assertUncommonPassword(parsed.password, "password");
      const row = await createUser({
        email: parsed.email,
        passwordHash: await passwordHasher.hash(parsed.password),
        googleSubject: null,
        displayName: parsed.displayName ?? parsed.email.split("@")[0],
        locale: parsed.locale,
        timezone: parsed.timezone,
      });
      return signedIn(row);
    },

    async authenticate(input) {
      const { email, password } = parseInput(credentialsSchema, input);
      const row = await findLiveUser("email", email);
      const matches = await passwordHasher.verify(
        password,
        row?.password_hash ?? await decoy(),
      );
      if (!row?.password_hash || !matches) throw new UnauthenticatedError();
      return await recordLogin(row);
    },

    async signInWithGoogle(input) {
      const identity = parseInput(googleIdentitySchema, input);
      const linked = await findLiveUser("google_subject", identity.subject);
      if (linked) return await recordLogin(linked);
      if (!identity.emailVerified) throw new UnauthenticatedError("Google email is not verified");
      const byEmail = await findLiveUser("email", identity.email);
      if (byEmail) {
        if (byEmail.google_subject !== null) {
          throw new ConflictError("another Google identity is linked");
        }
        await db.kysely.updateTable("users")
          .set({ google_subject: identity.subject, updated_at: nowForDb(context) })
          .where("id", "=", byEmail.id).execute();
        return await recordLogin({ ...byEmail, google_subject: identity.subject });
      }
      return signedIn(
        await createUser({
          email: identity.email,
          passwordHash: null,
          googleSubject: identity.subject,
          displayName: identity.displayName ?? identity.email.split("@")[0],
          locale: "en",
          timezone: "UTC",
        }),
      );
    },

    async linkGoogle(actor, input) {
      const identity = parseInput(googleIdentitySchema, input);
      const row = await ownUser(actor);
      const updated_at = nowForDb(context);
      try {
        await db.kysely.updateTable("users").set({ google_subject: identity.subject, updated_at })
          .where("id", "=", actor.userId).execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError("Google identity linked to another user");
        }
        throw error;
      }
      return toUser({ ...row, google_subject: identity.subject, updated_at });
    },

    async getProfile(actor) {
      return toUser(await ownUser(actor));
    },

    async isRegistered(email) {
      const user = await db.kysely.selectFrom("users").select("id")
        .where("email", "=", email.toLowerCase()).where("deleted_at", "is", null)
        .executeTakeFirst();
      return user !== undefined;
    },

    async updateProfile(actor, input) {
      const changes = parseInput(profileUpdateSchema, input);
      const row = await ownUser(actor);
      const updated = {
        ...row,
        display_name: changes.displayName ?? row.display_name,
        locale: changes.locale ?? row.locale,
        timezone: changes.timezone ?? row.timezone,
        updated_at: nowForDb(context),
      };
      await db.kysely.updateTable("users")
        .set({
          display_name: updated.display_name,
          locale: updated.locale,
          timezone: updated.timezone,
          updated_at: updated.updated_at,
        })
        .where("id", "=", actor.userId).execute();
      return toUser(updated);
    },

    async changePassword(actor, input) {
      const { currentPassword, newPassword } = parseInput(passwordChangeSchema, input);
      await assertUncommonPassword(newPassword, "newPassword");
      const row = await ownUser(actor);
      if (!row.password_hash || !await passwordHasher.verify(currentPassword, row.password_hash)) {
        throw new UnauthenticatedError("current password is wrong");
      }
      await db.kysely.updateTable("users")
        .set({
          password_hash: await passwordHasher.hash(newPassword),
          updated_at: nowForDb(context),
        })
        .where("id", "=", actor.userId).execute();
    },
  };
}

function signedIn(row: Selectable<UsersTable>): SignedIn {
  return { user: toUser(row), actor: { userId: row.id, role: row.role } };
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    locale: row.locale,
    timezone: row.timezone,
    role: row.role,
    hasPassword: row.password_hash !== null,
    googleLinked: row.google_subject !== null,
    lastLoginAt: isoFromDbOrNull(row.last_login_at),
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}
