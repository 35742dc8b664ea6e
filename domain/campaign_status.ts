/**
 * The campaign status state machine. Drafts can be launched or archived; live campaigns move
 * between active and paused; archived is final. Anything else is a `ConflictError`.
 *
 * @module
 */
import type { CampaignStatus } from "../db/schema.ts";
import { ConflictError } from "./errors.ts";

/** Every status, in lifecycle order. */
export const CAMPAIGN_STATUSES = [
  "draft",
  "active",
  "paused",
  "archived",
] as const satisfies readonly CampaignStatus[];

/** Allowed next statuses for each status. */
export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  draft: ["active", "archived"],
  active: ["paused", "archived"],
  paused: ["active", "archived"],
  archived: [],
};

/** Whether a campaign may go from `from` to `to`. */
export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  return CAMPAIGN_TRANSITIONS[from].includes(to);
}

/** Throws `ConflictError` unless `from` → `to` is allowed. */
export function assertTransition(from: CampaignStatus, to: CampaignStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(`campaign cannot go from ${from} to ${to}`);
  }
}
