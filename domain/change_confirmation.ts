/**
 * Which of a person's own campaign changes the pages confirm first: launching (activating) a
 * campaign, and raising a budget by more than the approval threshold — the changes the approval
 * policy (`approval.ts`) would hold for software. A person needs no approval, but sees the same
 * preview the assistant's approval card shows and confirms it; the confirmation names the
 * preview's digest, so a campaign that changed in between is confirmed again.
 *
 * @module
 */
import type { Actor } from "./actor.ts";
import type { ApprovalPreview, ApprovalRule } from "./approval.ts";
import { type CampaignOperation, PERSON, type WriteGateway } from "./write_gateway.ts";

/** What the person is asked to confirm. */
export interface ChangeConfirmation {
  preview: ApprovalPreview;
  /** Sent back with the confirmed form; `needsConfirmation` then answers null. */
  digest: string;
  /** Why it is confirmed, as the policy words it ("Activating a campaign starts spending"). */
  reason: string;
}

const CONFIRMED_RULES: readonly ApprovalRule[] = ["activate_campaign", "budget_change"];

/**
 * The confirmation `operation` needs, or null when it needs none or `confirmedDigest` confirms
 * exactly this preview.
 */
export async function needsConfirmation(
  gateway: Pick<WriteGateway, "review">,
  actor: Actor,
  operation: CampaignOperation,
  confirmedDigest: string,
): Promise<ChangeConfirmation | null> {
  const review = await gateway.review({ actor, source: PERSON, operation });
  const rules = review.policy.rules.filter((rule) =>
    (CONFIRMED_RULES as readonly string[]).includes(rule) &&
    (rule !== "budget_change" || raisesBudget(review.preview))
  );
  if (rules.length === 0 || confirmedDigest === review.previewDigest) return null;
  return {
    preview: review.preview,
    digest: review.previewDigest,
    reason: review.policy.reason ?? "",
  };
}

/** Lowering a budget spends less: only a raise is confirmed. */
function raisesBudget(preview: ApprovalPreview): boolean {
  return preview.changes.some((change) =>
    change.field === "budgetAmountMinor" && typeof change.before === "number" &&
    typeof change.after === "number" && change.after > change.before
  );
}
