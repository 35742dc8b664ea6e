/**
 * Response shapes of users, sign-in tokens and personal API tokens.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.ts";

/** A user (never the password hash). */
export const UserSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  display_name: z.string(),
  locale: z.string(),
  timezone: z.string(),
  role: z.enum(["user", "admin"]),
  has_password: z.boolean(),
  google_linked: z.boolean(),
  last_login_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
}).openapi("User");

/** What sign-in, registration and refresh return. */
export const TokenPairSchema = z.object({
  access_token: z.string().openapi({ description: "JWT for `Authorization: Bearer`." }),
  token_type: z.literal("bearer"),
  expires_in: z.number().int().openapi({ description: "Seconds the access token lives." }),
  refresh_token: z.string().openapi({
    description: "Single-use: exchange it at `/auth/refresh` for a new pair.",
  }),
  user: UserSchema,
}).openapi("TokenPair");

/** A personal API token as listed (never the secret). */
export const ApiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().openapi({ description: "First characters of the secret." }),
  expires_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
  revoked_at: Timestamp.nullable(),
  created_at: Timestamp,
}).openapi("ApiToken");

/** A just-created API token, with its secret (shown this once). */
export const CreatedApiTokenSchema = z.object({
  token: ApiTokenSchema,
  secret: z.string().openapi({ description: "Use as `Authorization: Bearer <secret>`." }),
}).openapi("CreatedApiToken");
