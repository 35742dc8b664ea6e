/**
 * How the real platform adapters get an account's access token, and renew it when the platform
 * says it expired. The adapters never store credentials: they are passed in (the account's
 * `credentials`, read by a `CredentialsSource`), and a refreshed token is handed back through the
 * source's `refresh` hook so the caller can store it. Connecting accounts (OAuth, encryption at
 * rest) plugs in here by providing a source that decrypts and refreshes.
 *
 * @module
 */
import { z } from "zod";
import { PlatformAuthError } from "../errors.ts";
import { type PlatformFailure, PlatformFailureError, toDomainError } from "./http.ts";

/** What an adapter needs to call the platform for one connection. */
export interface PlatformTokens {
  accessToken: string;
  refreshToken?: string | null;
  /** Google Ads: the manager account the call is made through (`login-customer-id`). */
  loginCustomerId?: string | null;
  /** When the access token expires (ISO), where the platform says so (Meta's long-lived token). */
  expiresAt?: string | null;
}

/** Reads and renews a connection's tokens. */
export interface CredentialsSource {
  /** The tokens of a connection, from its stored `credentials`. */
  read(stored: string | null): Promise<PlatformTokens>;
  /**
   * New tokens after the platform rejected `expired` as expired (stored by the implementation),
   * or null when they cannot be renewed — the account then has to be reconnected.
   */
  refresh?(stored: string | null, expired: PlatformTokens): Promise<PlatformTokens | null>;
}

const tokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().nullish(),
  loginCustomerId: z.string().nullish(),
  expiresAt: z.string().nullish(),
});

/**
 * Credentials stored as plain JSON `PlatformTokens`, without refresh (tests and the local fakes;
 * the OAuth connection flow brings the encrypted, refreshing source).
 */
export const plainCredentials: CredentialsSource = {
  read(stored) {
    const parsed = stored === null ? null : tokensSchema.safeParse(safeJson(stored));
    if (!parsed?.success) {
      return Promise.reject(
        new PlatformAuthError("the ad account has no usable credentials; reconnect the account"),
      );
    }
    return Promise.resolve(parsed.data);
  },
};

/** `PlatformTokens` as the JSON `plainCredentials` reads. */
export function plainCredentialsText(tokens: PlatformTokens): string {
  return JSON.stringify(tokens);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Runs `call` with the connection's tokens. When the platform reports the token expired, renews
 * it once through the source and repeats the call; any classified failure left becomes a domain
 * error (`toDomainError`).
 */
export async function withTokens<Result>(
  platform: string,
  source: CredentialsSource,
  stored: string | null,
  call: (tokens: PlatformTokens) => Promise<Result>,
): Promise<Result> {
  const tokens = await source.read(stored);
  try {
    return await call(tokens);
  } catch (error) {
    const failure = failureOf(error);
    if (!failure) throw error;
    if (failure.kind !== "auth" || !failure.tokenExpired || !source.refresh) {
      throw toDomainError(platform, failure);
    }
    const renewed = await source.refresh(stored, tokens);
    if (!renewed) throw toDomainError(platform, failure);
    try {
      return await call(renewed);
    } catch (retryError) {
      const again = failureOf(retryError);
      throw again ? toDomainError(platform, again) : retryError;
    }
  }
}

function failureOf(error: unknown): PlatformFailure | null {
  return error instanceof PlatformFailureError ? error.failure : null;
}
