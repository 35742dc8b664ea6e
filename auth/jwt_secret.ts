/**
 * Where the access-token signing secret comes from: `JWT_SECRET_KEY`, or — for the embedded
 * default only — a random secret generated once and kept in the data directory, so sessions
 * survive restarts of a single local instance.
 *
 * @module
 */
import type { Config } from "../lib/config.ts";
import type { Logger } from "../lib/log.ts";

const fileName = "jwt-secret";

/** Returns the configured secret, or reads/creates the one stored under `DATA_DIR`. */
export async function loadJwtSecret(config: Config, log: Logger): Promise<string> {
  if (config.JWT_SECRET_KEY) return config.JWT_SECRET_KEY;
  const path = `${config.DATA_DIR}/${fileName}`;
  try {
    const stored = (await Deno.readTextFile(path)).trim();
    if (stored.length >= 32) {
      log.warn("JWT_SECRET_KEY is not set; using the secret stored in the data directory", {
        path,
      });
      return stored;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  await Deno.mkdir(config.DATA_DIR, { recursive: true });
  await Deno.writeTextFile(path, secret, { mode: 0o600 });
  log.warn("JWT_SECRET_KEY is not set; generated a secret in the data directory", { path });
  return secret;
}
