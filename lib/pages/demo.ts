/**
 * Whether the login page may show the demo credentials: only on the embedded default database
 * (no `DATABASE_URL`), never when served publicly over https, and only once the demo user exists.
 *
 * @module
 */
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../domain/demo.ts";
import type { Services } from "../services.ts";

/** Demo sign-in details. */
export interface DemoCredentials {
  email: string;
  password: string;
}

const seeded = new WeakSet<Services>();

/** The demo credentials to show, or null. */
export async function demoCredentials(services: Services): Promise<DemoCredentials | null> {
  const { config, db } = services;
  if (config.DATABASE_URL || config.PUBLIC_URL?.startsWith("https:")) return null;
  if (!seeded.has(services)) {
    const user = await db.kysely.selectFrom("users").select("id")
      .where("email", "=", DEMO_EMAIL).where("deleted_at", "is", null).executeTakeFirst();
    if (!user) return null;
    // Once seeded it stays (the seed never removes it), so later renders skip the query.
    seeded.add(services);
  }
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
