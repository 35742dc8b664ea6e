/**
 * The acting user every domain call is made on behalf of.
 *
 * @module
 */
import type { UserRole } from "../db/schema.ts";

export type { UserRole };

/** Who is calling: services only ever read and write this user's rows. */
export interface Actor {
  readonly userId: string;
  readonly role: UserRole;
}
