/**
 * Whether the login page may show the demo credentials: only on the embedded default database
 * (no `DATABASE_URL`), never when served publicly over https, and only once the demo user exists.
 *
 * @module
 */
import { DEMO_EMAIL, DEMO_PASSWORD } from "../domain/demo.ts";
import type { PageServices } from "./state.ts";

/** Demo sign-in details. */
export interface DemoCredentials {
  email: string;
  password: string;
}

const seeded = new WeakSet<PageServices>();

/** The demo credentials to show, or null. */
export async function demoCredentials(services: PageServices): Promise<DemoCredentials | null> {
  const { config, domain } = services;
  if (config.DATABASE_URL || config.PUBLIC_URL?.startsWith("https:")) return null;
  if (!seeded.has(services)) {
    if (!await domain.accounts.isRegistered(DEMO_EMAIL)) return null;
    // Once seeded it stays (the seed never removes it), so later renders skip the query.
    seeded.add(services);
  }
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
