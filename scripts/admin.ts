/**
 * `deno task admin promote|demote <email>`: makes the user with that email an admin (the admin
 * page at `/admin`, the `/api/v1/admin` endpoints) or a plain user again, in the database the
 * environment points at. This is the one way to name admins: the first one is promoted here,
 * by whoever runs the app.
 *
 * @module
 */
import { setRoleByEmail } from "../domain/admin.ts";
import { systemClock } from "../domain/clock.ts";
import { NotFoundError } from "../domain/errors.ts";
import { openDatabase } from "../db/mod.ts";
import { loadConfig } from "../lib/config.ts";

const USAGE = "usage: deno task admin promote|demote <email>";
const ROLES = { promote: "admin", demote: "user" } as const;

/** Runs one admin command; answers the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, email] = args;
  if ((command !== "promote" && command !== "demote") || !email) {
    console.error(USAGE);
    return 2;
  }
  const db = await openDatabase(loadConfig());
  try {
    await setRoleByEmail({ db, clock: systemClock }, email, ROLES[command]);
    console.log(
      `${email.trim().toLowerCase()} is now ${command === "promote" ? "an admin" : "a user"}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof NotFoundError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
