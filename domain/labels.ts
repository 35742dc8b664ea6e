/**
 * Human labels of the campaign enums (`traffic` → "Traffic", `active` → "Active"), one set for
 * the pages, the chat's tables and previews. Imports nothing, so browser code can use it.
 *
 * @module
 */

const OBJECTIVES: Record<string, string> = {
  awareness: "Awareness",
  traffic: "Traffic",
  engagement: "Engagement",
  leads: "Leads",
  conversions: "Conversions",
  sales: "Sales",
};

const STATUSES: Record<string, string> = {
  draft: "Draft",
  active: "Active",
  paused: "Paused",
  archived: "Archived",
};

const BUDGET_TYPES: Record<string, string> = { daily: "Daily", lifetime: "Lifetime" };

function fallback(value: string): string {
  const words = value.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A campaign objective's label: `traffic` → "Traffic". */
export function objectiveLabel(objective: string): string {
  return OBJECTIVES[objective] ?? fallback(objective);
}

/** A campaign status's label: `active` → "Active". */
export function campaignStatusLabel(status: string): string {
  return STATUSES[status] ?? fallback(status);
}

/** A budget type's label: `daily` → "Daily". */
export function budgetTypeLabel(budgetType: string): string {
  return BUDGET_TYPES[budgetType] ?? fallback(budgetType);
}
