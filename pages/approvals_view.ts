/**
 * What the approvals pages share: the status filter from the URL and the currency of each
 * request's ad account (money in a preview is in minor units of that currency).
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import { type Approval, APPROVAL_STATUSES } from "../domain/approvals.ts";
import { MAX_PAGE_SIZE } from "../domain/pagination.ts";
import { previewCurrency } from "./chat_preview.ts";
import type { PageServices } from "./state.ts";

/** One approval status. */
export type ApprovalStatusFilter = (typeof APPROVAL_STATUSES)[number];

/** The `status` query parameter when it names a status, else undefined (all, pending first). */
export function statusFromUrl(url: URL): ApprovalStatusFilter | undefined {
  const value = url.searchParams.get("status");
  return APPROVAL_STATUSES.find((status) => status === value);
}

/** Currency by ad account id, from one read of the user's accounts. */
export async function accountCurrencies(
  services: Pick<PageServices, "domain">,
  actor: Actor,
): Promise<Map<string, string>> {
  const accounts = await services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE });
  return new Map(accounts.items.map((account) => [account.id, account.currency]));
}

/** The currency of an approval's money: its account's, else the one its summary names. */
export function approvalCurrency(approval: Approval, currencies: Map<string, string>) {
  return (approval.adAccountId ? currencies.get(approval.adAccountId) : undefined) ??
    previewCurrency(approval.preview);
}
