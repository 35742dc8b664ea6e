/**
 * `deno task credentials <generate [id] | rotate>`:
 *
 * - `generate [id]` prints a new key for `CREDENTIALS_KEY` (`<id>:<base64 of 32 bytes>`; the id
 *   defaults to today's date).
 * - `rotate` re-encrypts every stored platform credential under `CREDENTIALS_KEY`, reading the
 *   old values with the keys in `CREDENTIALS_PREVIOUS_KEYS`. Run it after deploying the new key
 *   (as `CREDENTIALS_KEY`, the old one moved to `CREDENTIALS_PREVIOUS_KEYS`); once it reports,
 *   the previous keys can be removed. Running it twice is harmless.
 *
 * @module
 */
import { openDatabase } from "../db/mod.ts";
import { rotateCredentials } from "../domain/connections/credentials.ts";
import { loadCredentialCipher } from "../domain/connections/keys.ts";
import { generateCredentialKey } from "../domain/platforms/credential_cipher.ts";
import { loadConfig } from "../lib/config.ts";

const [command, argument] = Deno.args;
if (command === "generate") {
  console.log(generateCredentialKey(argument ?? new Date().toISOString().slice(0, 10)));
} else if (command === "rotate") {
  const config = loadConfig();
  const cipher = await loadCredentialCipher(config, (message) => console.warn(message));
  const db = await openDatabase(config);
  try {
    const report = await rotateCredentials(db, cipher);
    console.log(
      `re-encrypted ${report.reencrypted} credentials under key "${cipher.currentKeyId}"; ` +
        `${report.unchanged} already used it`,
    );
  } finally {
    await db.close();
  }
} else {
  console.error("usage: deno task credentials generate [key id] | rotate");
  Deno.exit(2);
}
