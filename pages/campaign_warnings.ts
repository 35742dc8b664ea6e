/**
 * Warnings a campaign form shows before saving risky values (see `domain/campaign_risks.ts`):
 * gathers what the rule compares with — the account's other daily budgets and today in the
 * account's time zone — and words each risk as a sentence. The form then asks to save again;
 * the confirmation carries a fingerprint of the warned values, so editing one warns again.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import {
  type CampaignRisk,
  type CampaignRiskInput,
  campaignRisks,
  risksFingerprint,
} from "../domain/campaign_risks.ts";
import { dateOf } from "../domain/dates.ts";
import { MAX_PAGE_SIZE } from "../domain/pagination.ts";
import { formatDate, formatMoney } from "./format.ts";
import type { PageServices } from "./state.ts";

/** Warnings to show, by form field, and the fingerprint that confirms them. */
export interface CampaignWarnings {
  messages: Record<string, string>;
  fingerprint: string;
}

/** What the warnings are about: the account the campaign runs in and, when editing, itself. */
export interface WarningSubject {
  adAccountId: string;
  currency: string;
  timezone: string;
  /** The campaign being edited: left out of "usual", and its saved values are not warned on. */
  campaign?: { id: string } & CampaignRiskInput;
}

/**
 * The warnings for `input`, or null when there are none or `confirmed` (the fingerprint the
 * form sent back) confirms exactly these.
 */
export async function campaignWarnings(
  services: PageServices,
  actor: Actor,
  subject: WarningSubject,
  input: CampaignRiskInput,
  confirmed: string,
  now = new Date(),
): Promise<CampaignWarnings | null> {
  const others = await services.domain.campaigns.list(actor, {
    adAccountId: subject.adAccountId,
    limit: MAX_PAGE_SIZE,
  });
  const otherDailyBudgetsMinor = others.items
    .filter((campaign) =>
      campaign.id !== subject.campaign?.id && campaign.status !== "archived" &&
      campaign.budgetType === "daily"
    )
    .map((campaign) => campaign.budgetAmountMinor);
  const risks = campaignRisks(input, {
    today: dateOf(now, subject.timezone),
    otherDailyBudgetsMinor,
    saved: subject.campaign,
  });
  if (risks.length === 0) return null;
  const fingerprint = risksFingerprint(risks);
  if (confirmed === fingerprint) return null;
  const messages: Record<string, string> = {};
  for (const risk of risks) messages[risk.field] = riskSentence(risk, subject.currency);
  return { messages, fingerprint };
}

function riskSentence(risk: CampaignRisk, currency: string): string {
  if (risk.kind === "budget_far_above_usual") {
    const times = Math.round(risk.budgetAmountMinor / risk.usualDailyBudgetMinor);
    return `${formatMoney(risk.budgetAmountMinor, currency)} a day is about ${times}× this ` +
      `account’s usual daily budget (${formatMoney(risk.usualDailyBudgetMinor, currency)}).`;
  }
  return `The start date ${formatDate(risk.startDate)} is in the past: the campaign would ` +
    `start delivering as soon as it is launched.`;
}
