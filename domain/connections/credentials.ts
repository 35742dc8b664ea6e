/**
 * Credentials of connected accounts as the adapters read them: the stored value is the
 * platform's tokens (`PlatformTokens` JSON) encrypted with `CredentialCipher`; an expired token is
 * renewed through the platform's OAuth client, a token close to its expiry is extended before use
 * where the platform allows it (Meta), and the new tokens are stored again (re-encrypted) in
 * every row that held the old value. Also: re-encrypting every stored value
 * under the current key (`deno task credentials rotate`).
 *
 * @module
 */
import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { PlatformAuthError } from "../errors.ts";
import {
  type CredentialCipher,
  CredentialDecryptionError,
} from "../platforms/credential_cipher.ts";
import type { CredentialsSource, PlatformTokens } from "../platforms/credentials.ts";
import type { OAuthClient } from "../platforms/oauth.ts";

const tokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().nullish(),
  loginCustomerId: z.string().nullish(),
  expiresAt: z.string().nullish(),
});

/** Encrypts tokens for storage. */
export async function sealTokens(
  cipher: CredentialCipher,
  tokens: PlatformTokens,
): Promise<string> {
  return await cipher.encrypt(JSON.stringify(tokens));
}

/** Decrypts stored tokens; `PlatformAuthError` (reconnect) when they cannot be read. */
export async function openTokens(
  cipher: CredentialCipher,
  stored: string | null,
): Promise<PlatformTokens> {
  if (stored === null) {
    throw new PlatformAuthError("the ad account has no credentials; reconnect the account");
  }
  let text: string;
  try {
    text = await cipher.decrypt(stored);
  } catch (error) {
    if (!(error instanceof CredentialDecryptionError)) throw error;
    throw new PlatformAuthError(
      `the ad account's credentials cannot be read (${error.message}); reconnect the account`,
    );
  }
  const parsed = tokensSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new PlatformAuthError("the ad account's credentials are unusable; reconnect the account");
  }
  return parsed.data;
}

/** A token expiring within this long is extended before use (where the platform allows it). */
export const EXTEND_BEFORE_EXPIRY_MS = 7 * 86_400_000;
/** Extensions remembered per source (each is one account's, about every 53 days). */
const MAX_REMEMBERED_EXTENSIONS = 1_000;

type Extend = NonNullable<OAuthClient["extend"]>;

/**
 * The credentials source of one platform's adapter: decrypts; extends a token that expires
 * within `EXTEND_BEFORE_EXPIRY_MS` (at `now`) through `oauth.extend`, and renews an expired one
 * through `oauth.refresh` (when given), storing the new tokens over every row that held the old.
 */
export function encryptedCredentials(
  db: Database,
  cipher: CredentialCipher,
  oauth: OAuthClient | undefined,
  now: () => Date = () => new Date(),
): CredentialsSource {
  async function store(stored: string | null, renewed: PlatformTokens) {
    if (stored === null) return;
    const sealed = await sealTokens(cipher, renewed);
    await db.kysely.updateTable("ad_accounts").set({
      credentials_encrypted: sealed,
      updated_at: toDbTimestamp(now()),
    }).where("credentials_encrypted", "=", stored).execute();
  }

  // Extensions by the stored value they replace: a sync's later calls still hold the value it
  // read at its start, and must get the extended token rather than extend it again.
  const extensions = new Map<string, Promise<PlatformTokens>>();

  async function extend(stored: string | null, tokens: PlatformTokens, extend: Extend) {
    try {
      const extended = await extend(tokens);
      await store(stored, extended);
      return extended;
    } catch {
      // Still valid for now: the call goes ahead, and a later read tries to extend again.
      if (stored !== null) extensions.delete(stored);
      return tokens;
    }
  }

  return {
    async read(stored) {
      const tokens = await openTokens(cipher, stored);
      const left = tokens.expiresAt ? Date.parse(tokens.expiresAt) - now().getTime() : Infinity;
      if (!oauth?.extend || left <= 0 || left > EXTEND_BEFORE_EXPIRY_MS) return tokens;
      if (stored === null) return await extend(stored, tokens, oauth.extend);
      let pending = extensions.get(stored);
      if (!pending) {
        if (extensions.size >= MAX_REMEMBERED_EXTENSIONS) extensions.clear();
        pending = extend(stored, tokens, oauth.extend);
        extensions.set(stored, pending);
      }
      return await pending;
    },
    refresh: oauth
      ? async (stored, expired) => {
        const renewed = await oauth.refresh(expired);
        if (renewed) await store(stored, renewed);
        return renewed;
      }
      : undefined,
  };
}

/** What a rotation did. */
export interface RotationReport {
  /** Values re-encrypted under the current key. */
  reencrypted: number;
  /** Values already under it. */
  unchanged: number;
}

/**
 * Re-encrypts every stored credential (ad accounts, OAuth connections in progress) not yet under
 * the cipher's current key. Each row is updated only if it still holds the value read, so a
 * token refresh racing the rotation is not overwritten (that row is re-read on the next pass).
 * Fails, changing nothing further, on a value no configured key opens.
 */
export async function rotateCredentials(
  db: Database,
  cipher: CredentialCipher,
): Promise<RotationReport> {
  const report: RotationReport = { reencrypted: 0, unchanged: 0 };
  for (const table of ["ad_accounts", "platform_connections"] as const) {
    let unchanged = 0;
    for (;;) {
      unchanged = 0;
      const rows = await db.kysely.selectFrom(table).select(["id", "credentials_encrypted"])
        .where("credentials_encrypted", "is not", null).execute();
      let raced = false;
      for (const row of rows) {
        const stored = row.credentials_encrypted!;
        if (cipher.keyIdOf(stored) === cipher.currentKeyId) {
          unchanged++;
          continue;
        }
        const sealed = await cipher.encrypt(await cipher.decrypt(stored));
        const updated = await db.kysely.updateTable(table)
          .set({ credentials_encrypted: sealed })
          .where("id", "=", row.id).where("credentials_encrypted", "=", stored)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 1) report.reencrypted++;
        else raced = true;
      }
      if (!raced) break;
    }
    report.unchanged += unchanged;
  }
  return report;
}
