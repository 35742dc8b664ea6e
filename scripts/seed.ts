/**
 * `deno task seed`: creates the demo user, a sandbox account and campaigns with 60 days of
 * metrics in the configured database, then prints the demo credentials. Safe to run twice.
 *
 * @module
 */
import { openDatabase } from "../db/mod.ts";
import { loadConfig } from "../lib/config.ts";
import { openCoordination } from "../lib/coordination/mod.ts";
import { seedDemo } from "../domain/demo.ts";

export { DEMO_EMAIL, DEMO_PASSWORD, type DemoSeedResult, seedDemo } from "../domain/demo.ts";

/** Seeds the configured database and prints what was done. */
export async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config);
  const coordination = await openCoordination(config);
  try {
    const result = await seedDemo({
      db,
      coordination,
      passwordIterations: config.PASSWORD_PBKDF2_ITERATIONS,
      signupCredits: config.SIGNUP_CREDITS,
    });
    console.log(`database: ${db.location}`);
    console.log(
      result.campaignsCreated > 0
        ? `created ${result.campaignsCreated} demo campaigns`
        : "demo data already present",
    );
    console.log(`sign in with  ${result.email}  /  ${result.password}`);
  } finally {
    await coordination.close();
    await db.close();
  }
}

if (import.meta.main) await main();
