/**
 * Passwords people pick most often are the first an attacker tries, so they are refused. The
 * list is the ranked common-password dictionary of `@zxcvbn-ts/language-common` (about 49,000
 * entries from public breach corpora); only entries long enough to pass the length rule matter.
 * It is loaded on the first check, not at start-up, and kept.
 *
 * @module
 */
import { ValidationError } from "./errors.ts";

/** Why a common password is refused (in the validator's voice, like the other rules). */
export const COMMON_PASSWORD_MESSAGE = "is too common; choose one that is harder to guess";

/** Shortest password worth listing: shorter ones are refused by the length rule anyway. */
const MIN_LENGTH = 8;

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

async function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  const { dictionary } = await import("@zxcvbn-ts/language-common");
  const ranked = dictionary["passwords-common"] as readonly string[];
  return new Set(
    ranked.filter((entry) => entry.length >= MIN_LENGTH).map((entry) => entry.toLowerCase()),
  );
}

/** True when `password` (ignoring case and surrounding spaces) is on the common list. */
export async function isCommonPassword(password: string): Promise<boolean> {
  commonPasswords ??= loadCommonPasswords();
  return (await commonPasswords).has(password.trim().toLowerCase());
}

/** Throws `ValidationError` on `field` when `password` is a common one. */
export async function assertUncommonPassword(password: string, field: string): Promise<void> {
  if (await isCommonPassword(password)) {
    throw new ValidationError([{ field, message: COMMON_PASSWORD_MESSAGE }]);
  }
}
