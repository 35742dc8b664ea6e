/**
 * Password hashing with PBKDF2-SHA256 from WebCrypto (no native or wasm dependency). The hash
 * string carries its parameters, `pbkdf2-sha256$<iterations>$<salt>$<hash>`, so the cost can be
 * raised later and old hashes still verify.
 *
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from "./encoding.ts";

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; the production default. */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;

const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;

/** Hashes and verifies passwords at a fixed cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false for a wrong password or unknown format. */
  verify(password: string, stored: string): Promise<boolean>;
}

/** A PBKDF2-SHA256 hasher; tests pass a low iteration count to stay fast. */
export function createPasswordHasher(iterations = DEFAULT_PBKDF2_ITERATIONS): PasswordHasher {
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const derived = await derive(password, salt, iterations);
      return [SCHEME, iterations, encodeBase64Url(salt), encodeBase64Url(derived)].join("$");
    },
    async verify(password, stored) {
      const [scheme, iterationText, saltText, hashText] = stored.split("$");
      const storedIterations = Number(iterationText);
      if (scheme !== SCHEME || !Number.isSafeInteger(storedIterations) || !saltText || !hashText) {
        return false;
      }
      const derived = await derive(password, decodeBase64Url(saltText), storedIterations);
      return constantTimeEqual(derived, decodeBase64Url(hashText));
    },
  };
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** Compares without an early exit, so timing does not reveal how many bytes matched. */
function constantTimeEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++) difference |= left[index] ^ right[index];
  return difference === 0;
}
