/**
 * Where the credentials encryption keys come from: `CREDENTIALS_KEY` (and
 * `CREDENTIALS_PREVIOUS_KEYS` during a rotation), or — for a single local instance only — a key
 * generated once into the data directory, like the JWT secret.
 *
 * @module
 */
import type { Config } from "../../lib/config.ts";
import {
  createCredentialCipher,
  type CredentialCipher,
  generateCredentialKey,
  parseCredentialKey,
} from "../platforms/credential_cipher.ts";

const FILE_NAME = "credentials-key";

/** The cipher from the configuration; `warn` hears about a generated key. */
export async function loadCredentialCipher(
  config: Pick<Config, "CREDENTIALS_KEY" | "CREDENTIALS_PREVIOUS_KEYS" | "DATA_DIR">,
  warn: (message: string, fields: Record<string, unknown>) => void,
): Promise<CredentialCipher> {
  const previous = (config.CREDENTIALS_PREVIOUS_KEYS ?? "").split(",").map((key) => key.trim())
    .filter(Boolean).map(parseCredentialKey);
  if (config.CREDENTIALS_KEY) {
    return await createCredentialCipher(parseCredentialKey(config.CREDENTIALS_KEY), previous);
  }
  const path = `${config.DATA_DIR}/${FILE_NAME}`;
  let text: string;
  try {
    text = (await Deno.readTextFile(path)).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = generateCredentialKey("local");
    await Deno.mkdir(config.DATA_DIR, { recursive: true });
    await Deno.writeTextFile(path, text, { mode: 0o600 });
  }
  warn("CREDENTIALS_KEY is not set; platform credentials use the key in the data directory", {
    path,
  });
  return await createCredentialCipher(parseCredentialKey(text), previous);
}
