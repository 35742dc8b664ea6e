/**
 * Encryption at rest of ad platform credentials: AES-256-GCM through WebCrypto, a fresh 96-bit IV
 * per value, and the key's id stored with the ciphertext so keys can be rotated.
 *
 * Stored form: `v1.<key id>.<iv>.<ciphertext and tag>` (base64url parts). The key id is also the
 * additional authenticated data, so a value cannot be passed off as encrypted under another key.
 *
 * Keys are configured as `<id>:<base64 of 32 bytes>` (`CREDENTIALS_KEY`, the one new values are
 * encrypted with, plus `CREDENTIALS_PREVIOUS_KEYS` still accepted for reading until
 * `deno task credentials rotate` has re-encrypted every stored value under the current key).
 *
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from "../encoding.ts";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Encrypts and decrypts credentials with a set of keys. */
export interface CredentialCipher {
  /** Id of the key new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plaintext: string): Promise<string>;
  /** Throws `CredentialDecryptionError` for a value no configured key opens. */
  decrypt(stored: string): Promise<string>;
  /** The id of the key a stored value was encrypted with (null when not in this format). */
  keyIdOf(stored: string): string | null;
}

/** A stored value that no configured key decrypts (unknown key id, or tampered with). */
export class CredentialDecryptionError extends Error {
  override name = "CredentialDecryptionError";
}

/** A key as configured: its id and its 32 raw bytes. */
export interface CredentialKey {
  id: string;
  bytes: Uint8Array;
}

/** Parses `<id>:<base64 or base64url of 32 bytes>`; throws with a message naming the problem. */
export function parseCredentialKey(text: string): CredentialKey {
  const separator = text.indexOf(":");
  const id = separator > 0 ? text.slice(0, separator) : "";
  if (!KEY_ID.test(id)) {
    throw new Error("a credentials key is `<id>:<base64 key>`, the id 1-32 of A-Z a-z 0-9 _ -");
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(
      text.slice(separator + 1).trim().replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
    );
  } catch {
    throw new Error(`credentials key "${id}" is not base64`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new Error(`credentials key "${id}" must be ${KEY_BYTES} bytes (has ${bytes.length})`);
  }
  return { id, bytes };
}

/** A new random key in the configured form (`deno task credentials generate`). */
export function generateCredentialKey(id: string): string {
  if (!KEY_ID.test(id)) throw new Error("key id: 1-32 of A-Z a-z 0-9 _ -");
  return `${id}:${encodeBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)))}`;
}

/** A cipher encrypting with `current` and decrypting with it or any of `previous`. */
export async function createCredentialCipher(
  current: CredentialKey,
  previous: readonly CredentialKey[] = [],
): Promise<CredentialCipher> {
  const keys = new Map<string, CryptoKey>();
  for (const key of [current, ...previous]) {
    if (keys.has(key.id)) continue;
    keys.set(
      key.id,
      await crypto.subtle.importKey("raw", key.bytes as BufferSource, "AES-GCM", false, [
        "encrypt",
        "decrypt",
      ]),
    );
  }
  const additional = (keyId: string) => new TextEncoder().encode(`aae-credentials:${keyId}`);
  return {
    currentKeyId: current.id,
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: additional(current.id) },
        keys.get(current.id)!,
        new TextEncoder().encode(plaintext),
      );
      return [VERSION, current.id, encodeBase64Url(iv), encodeBase64Url(new Uint8Array(sealed))]
        .join(".");
    },
    async decrypt(stored) {
      const parts = stored.split(".");
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new CredentialDecryptionError("stored credentials are not encrypted values");
      }
      const [, keyId, iv, sealed] = parts;
      const key = keys.get(keyId);
      if (!key) {
        throw new CredentialDecryptionError(
          `stored credentials use key "${keyId}", which is not configured`,
        );
      }
      try {
        const opened = await crypto.subtle.decrypt(
          {
            name: "AES-GCM",
            iv: decodeBase64Url(iv) as BufferSource,
            additionalData: additional(keyId),
          },
          key,
          decodeBase64Url(sealed) as BufferSource,
        );
        return new TextDecoder().decode(opened);
      } catch {
        throw new CredentialDecryptionError(
          `stored credentials do not decrypt with key "${keyId}"`,
        );
      }
    },
    keyIdOf(stored) {
      const parts = stored.split(".");
      return parts.length === 4 && parts[0] === VERSION ? parts[1] : null;
    },
  };
}
