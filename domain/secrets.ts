/**
 * Random secrets and their storage hashes. Secrets here are high-entropy (256 bits), so a single
 * SHA-256 is enough to store them: there is nothing to brute-force.
 *
 * @module
 */
import { encodeBase64Url } from "./encoding.ts";

/** A random URL-safe secret of `bytes` random bytes. */
export function randomSecret(bytes = 32): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Lower-case hex SHA-256 of a string. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
