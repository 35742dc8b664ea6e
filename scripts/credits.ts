/**
 * `deno task credits grant <email> <amount> [reason…]`: grants credits to the user with that
 * email in the database the environment points at (DATABASE_URL, or the embedded SQLite file),
 * recorded in the user's credit ledger with the reason. With REDIS_URL set, the user's open pages
 * show the new balance at once. Each run grants again: it is a command, not a setting.
 *
 * @module
 */
import { liveUserByEmail } from "../domain/admin.ts";
import { createDomain } from "../domain/mod.ts";
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import { openDatabase } from "../db/mod.ts";
import { loadConfig } from "../lib/config.ts";
import { openCoordination } from "../lib/coordination/mod.ts";

const USAGE = "usage: deno task credits grant <email> <amount> [reason…]";

/** Runs one credits command; answers the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, email, amountText, ...reasonWords] = args;
  if (command !== "grant" || !email || !amountText) {
    console.error(USAGE);
    return 2;
  }
  // Whole numbers as a person types them: "1e3", "10.5", "-5" and "0" are mistakes, not amounts.
  if (!/^[0-9]{1,10}$/.test(amountText) || Number(amountText) === 0) {
    console.error(`amount must be a whole number of credits above 0, not "${amountText}"`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config);
  const coordination = await openCoordination(config);
  try {
    const domain = createDomain({
      db,
      coordination,
      monthlyAllowance: config.CREDITS_MONTHLY_ALLOWANCE,
    });
    const user = await liveUserByEmail(db.kysely, email);
    const entry = await domain.credits.grant(user.id, {
      amount: Number(amountText),
      reason: reasonWords.join(" ").trim() || "Granted by an operator",
      idempotencyKey: `operator:${crypto.randomUUID()}`,
    });
    console.log(`granted ${entry.amount} credits to ${user.email}; balance ${entry.balanceAfter}`);
    return 0;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ValidationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await coordination.close();
    await db.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
