/**
 * Response shapes of the admin endpoints.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.ts";

/** One user's credits as an admin sees them. */
export const UserUsageSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  display_name: z.string(),
  role: z.enum(["user", "admin"]),
  balance: z.number().int().min(0),
  spent_this_month: z.number().int().openapi({
    description: "Credits charged since the first of this month (UTC), refunds taken off.",
  }),
  last_activity_at: Timestamp.nullable().openapi({
    description: "The later of the last sign-in and the last charge.",
  }),
}).openapi("UserUsage");
