/**
 * The campaign create/edit form: its text values, how they become the domain's input (money in
 * exact minor units, countries and ages into targeting), and how domain issue paths map back to
 * the form's fields. Validation rules stay in the domain; this only parses what was typed.
 *
 * @module
 */
import {
  BUDGET_TYPES,
  type Campaign,
  CAMPAIGN_OBJECTIVES,
  type Targeting,
} from "../domain/campaigns.ts";
import type { BudgetType, CampaignObjective } from "../domain/campaigns.ts";
import type { FieldErrors, FormValues } from "./forms.ts";
import { moneyInputValue, parseMoneyFor } from "../domain/money.ts";

/** The form's fields, as typed. */
export interface CampaignFormValues {
  name: string;
  adAccountId: string;
  objective: string;
  budgetType: string;
  /** In major units, e.g. `50.00`. */
  budgetAmount: string;
  startDate: string;
  endDate: string;
  landingUrl: string;
  /** Comma- or space-separated country codes, e.g. `US, CA`. */
  countries: string;
  ageMin: string;
  ageMax: string;
}

const FIELDS: readonly (keyof CampaignFormValues)[] = [
  "name",
  "adAccountId",
  "objective",
  "budgetType",
  "budgetAmount",
  "startDate",
  "endDate",
  "landingUrl",
  "countries",
  "ageMin",
  "ageMax",
];

/** Empty values for a new campaign. */
export const NEW_CAMPAIGN_VALUES: CampaignFormValues = {
  name: "",
  adAccountId: "",
  objective: "traffic",
  budgetType: "daily",
  budgetAmount: "",
  startDate: "",
  endDate: "",
  landingUrl: "",
  countries: "",
  ageMin: "",
  ageMax: "",
};

/** The submitted form's values. */
export function readCampaignForm(form: FormValues): CampaignFormValues {
  return Object.fromEntries(
    FIELDS.map((field) => [field, form.text(field)]),
  ) as unknown as CampaignFormValues;
}

/** The form prefilled from an existing campaign. */
export function campaignFormValues(campaign: Campaign): CampaignFormValues {
  const { targeting } = campaign;
  return {
    name: campaign.name,
    adAccountId: campaign.adAccountId,
    objective: campaign.objective,
    budgetType: campaign.budgetType,
    budgetAmount: moneyInputValue(campaign.budgetAmountMinor, campaign.currency),
    startDate: campaign.startDate ?? "",
    endDate: campaign.endDate ?? "",
    landingUrl: campaign.landingUrl ?? "",
    countries: (targeting.countries ?? []).join(", "),
    ageMin: targeting.ageMin?.toString() ?? "",
    ageMax: targeting.ageMax?.toString() ?? "",
  };
}

/** The editable fields in the domain's shape; what could not be parsed is left undefined. */
export interface ParsedCampaignFields {
  name: string;
  budgetType: BudgetType | undefined;
  budgetAmountMinor: number | undefined;
  startDate: string | null;
  endDate: string | null;
  landingUrl: string | null;
  /** Countries and ages only; the caller merges other targeting it keeps. */
  targeting: Targeting;
}

/**
 * Parses the typed values for money in `currency`. `errors` holds what could not even be
 * parsed (an amount that is not a number, an age that is not whole); the domain checks the rest.
 */
export function parseCampaignForm(
  values: CampaignFormValues,
  currency: string,
): { fields: ParsedCampaignFields; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (values.name.trim() === "") errors.name = "Enter a name.";
  let budgetAmountMinor: number | undefined;
  const money = parseMoneyFor(values.budgetAmount, currency);
  if (money.ok) budgetAmountMinor = money.minor;
  else {
    errors.budgetAmount = values.budgetAmount.trim() === ""
      ? "Enter the budget amount."
      : `The amount ${money.message}.`;
  }
  const budgetType = (BUDGET_TYPES as readonly string[]).includes(values.budgetType)
    ? values.budgetType as BudgetType
    : undefined;
  if (!budgetType) errors.budgetType = "Choose daily or lifetime.";
  const targeting: Targeting = {};
  const countries = values.countries.split(/[\s,;]+/).map((code) => code.trim().toUpperCase())
    .filter((code) => code !== "");
  if (countries.length > 0) targeting.countries = [...new Set(countries)];
  for (const field of ["ageMin", "ageMax"] as const) {
    const text = values[field].trim();
    if (text === "") continue;
    if (/^\d{1,3}$/.test(text)) targeting[field] = Number(text);
    else errors[field] = "Enter a whole number of years.";
  }
  return {
    fields: {
      name: values.name,
      budgetType,
      budgetAmountMinor,
      startDate: values.startDate.trim() || null,
      endDate: values.endDate.trim() || null,
      landingUrl: values.landingUrl.trim() || null,
      targeting,
    },
    errors,
  };
}

/** Checks of the create-only fields: an account and an objective must be chosen. */
export function creationErrors(
  values: CampaignFormValues,
  accountIds: readonly string[],
): FieldErrors {
  const errors: FieldErrors = {};
  if (!accountIds.includes(values.adAccountId)) errors.adAccountId = "Choose an ad account.";
  if (!(CAMPAIGN_OBJECTIVES as readonly string[]).includes(values.objective)) {
    errors.objective = "Choose an objective.";
  }
  return errors;
}

/** The objective typed, if it is one. */
export function objectiveOf(values: CampaignFormValues): CampaignObjective | undefined {
  return (CAMPAIGN_OBJECTIVES as readonly string[]).includes(values.objective)
    ? values.objective as CampaignObjective
    : undefined;
}

/** The form field a domain issue path belongs to (`budgetAmountMinor` → `budgetAmount`). */
export function campaignFieldOf(path: string): string | undefined {
  const [head, second] = path.split(".");
  if (head === "budgetAmountMinor") return "budgetAmount";
  if (head === "targeting") {
    return second === "ageMin" || second === "ageMax" ? second : "countries";
  }
  return (FIELDS as readonly string[]).includes(head) ? head : undefined;
}
