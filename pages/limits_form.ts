/**
 * The autopilot limits form of an ad account: amounts typed in major units of the account's
 * currency, whole percentages, and checkboxes for what software may do without approval. Reads
 * the form into the domain's input (the domain validates the rest) and back for prefilling.
 *
 * @module
 */
import type { AdAccountLimits } from "../domain/ad_account_limits.ts";
import { AUTOMATED_OPERATIONS, type AutopilotLimits } from "../domain/autopilot_limits.ts";
import { moneyInputValue, parseMoneyFor } from "../domain/money.ts";
import type { FieldErrors, FormValues } from "./forms.ts";

/** Form field names of the money limits, by domain field. */
export const MONEY_FIELDS = {
  maxCampaignDailyBudgetMinor: "maxCampaignDailyBudget",
  maxAccountDailyBudgetMinor: "maxAccountDailyBudget",
} as const;

/** The percentage limits (same name in the form and the domain). */
export const PERCENT_FIELDS = [
  "maxIncreasePerChangePercent",
  "maxDailyIncreasePercent",
  "maxWeeklyIncreasePercent",
] as const;

/** The form as typed: text per field, and the checked operations. */
export interface LimitsFormValues {
  text: Record<string, string>;
  operations: string[];
}

/** The stored limits as the form shows them. */
export function limitsFormValues(limits: AdAccountLimits): LimitsFormValues {
  const text: Record<string, string> = {};
  for (const [domain, form] of Object.entries(MONEY_FIELDS)) {
    text[form] = moneyInputValue(limits[domain as keyof typeof MONEY_FIELDS], limits.currency);
  }
  for (const field of PERCENT_FIELDS) text[field] = String(limits[field]);
  return { text, operations: [...limits.automatedOperations] };
}

/**
 * The submitted form as the domain's input (the freeze is kept as it is: it has its own
 * switch), or the messages of fields that are not amounts or whole percentages.
 */
export function readLimitsForm(
  form: FormValues,
  current: AdAccountLimits,
): { values: LimitsFormValues; input: AutopilotLimits | null; errors: FieldErrors } {
  const values: LimitsFormValues = { text: {}, operations: form.all("automatedOperations") };
  const errors: FieldErrors = {};
  const input: Record<string, unknown> = { frozen: current.frozen };
  for (const [domain, name] of Object.entries(MONEY_FIELDS)) {
    values.text[name] = form.text(name);
    const parsed = parseMoneyFor(values.text[name], current.currency);
    if (parsed.ok) input[domain] = parsed.minor;
    else errors[name] = sentence(parsed.message);
  }
  for (const field of PERCENT_FIELDS) {
    values.text[field] = form.text(field);
    const text = values.text[field].trim().replace(/%$/, "").trim();
    if (/^\d{1,6}$/.test(text)) input[field] = Number(text);
    else errors[field] = "Must be a whole number of percent, like 20.";
  }
  input.automatedOperations = AUTOMATED_OPERATIONS.filter((operation) =>
    values.operations.includes(operation)
  );
  if (Object.keys(errors).length > 0) return { values, input: null, errors };
  return { values, input: input as unknown as AutopilotLimits, errors };
}

/** A domain path of a limits issue as the form field it belongs to. */
export function limitsFieldOf(path: string): string | undefined {
  const money = MONEY_FIELDS[path as keyof typeof MONEY_FIELDS];
  if (money) return money;
  if ((PERCENT_FIELDS as readonly string[]).includes(path)) return path;
  if (path.startsWith("automatedOperations")) return "automatedOperations";
  return undefined;
}

function sentence(message: string): string {
  const text = message.startsWith("must") ? message : `amount ${message}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith(".") ? "" : "."}`;
}
