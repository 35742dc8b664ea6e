/**
 * The approval card's "what will change" table, from the preview a `confirmation` event carries
 * (`preview.changes`: resource, id, name, field, before, after; see `domain/approval.ts`). Fields
 * that stay the same are left out, field names read as words, money fields (minor units) print
 * in the preview's currency, ids print as the names the preview gives them (the ad account's),
 * and objectives and statuses as their labels. Pure and browser-safe.
 *
 * @module
 */
import { formatMoney } from "../domain/money.ts";
import { budgetTypeLabel, campaignStatusLabel, objectiveLabel } from "../domain/labels.ts";

/** One field of one resource that the approved call would change. */
export interface PreviewChange {
  resource: string;
  /** Null for a resource that does not exist yet. */
  id: string | null;
  name: string;
  field: string;
  before: unknown;
  after: unknown;
}

/** The changes of one resource, for a card section. */
export interface PreviewGroup {
  resource: string;
  id: string | null;
  name: string;
  changes: PreviewChange[];
}

/** The preview's changes that really change something, in order. */
export function previewChanges(preview: unknown): PreviewChange[] {
  if (typeof preview !== "object" || preview === null) return [];
  const changes = (preview as { changes?: unknown }).changes;
  if (!Array.isArray(changes)) return [];
  return changes
    .filter((change): change is Record<string, unknown> =>
      typeof change === "object" && change !== null && typeof change.field === "string"
    )
    .map((change) => ({
      resource: typeof change.resource === "string" ? change.resource : "resource",
      id: typeof change.id === "string" ? change.id : null,
      name: typeof change.name === "string" ? change.name : "",
      field: change.field as string,
      before: change.before ?? null,
      after: change.after ?? null,
    }))
    .filter((change) => !sameValue(change.before, change.after));
}

/** Changes grouped by the resource they touch (an operation may touch several campaigns). */
export function groupChanges(changes: readonly PreviewChange[]): PreviewGroup[] {
  const groups: PreviewGroup[] = [];
  for (const change of changes) {
    const last = groups[groups.length - 1];
    if (
      last && last.resource === change.resource && last.id === change.id &&
      last.name === change.name
    ) {
      last.changes.push(change);
    } else {
      groups.push({
        resource: change.resource,
        id: change.id,
        name: change.name,
        changes: [change],
      });
    }
  }
  return groups;
}

const FIELD_LABELS: Record<string, string> = {
  adAccountId: "Ad account",
  budgetAmountMinor: "Budget",
  budgetType: "Budget type",
  landingUrl: "Landing page",
  startDate: "Start date",
  endDate: "End date",
};

/** A field name as words: `budgetAmountMinor` → "Budget", `someField` → "Some field". */
export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/Minor$/, "").replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The currency the preview's summary names ("… budget of USD 40.00 …"), if any. */
export function currencyOf(summary: string): string | null {
  return /\b([A-Z]{3}) -?\d/.exec(summary)?.[1] ?? null;
}

/**
 * The currency of a preview's money: the one it names (`preview.currency`), else — for previews
 * recorded before it named one — the one its summary spells out.
 */
export function previewCurrency(preview: unknown): string | null {
  if (typeof preview !== "object" || preview === null) return null;
  const { currency, summary } = preview as { currency?: unknown; summary?: unknown };
  if (typeof currency === "string" && currency !== "") return currency;
  return typeof summary === "string" ? currencyOf(summary) : null;
}

/** Names of the ids a preview mentions (`preview.labels`), for showing names instead of ids. */
export function previewLabels(preview: unknown): Record<string, string> {
  if (typeof preview !== "object" || preview === null) return {};
  const labels = (preview as { labels?: unknown }).labels;
  if (typeof labels !== "object" || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter((entry): entry is [string, string] =>
      typeof entry[1] === "string"
    ),
  );
}

/** Fields whose values are enums, shown by their labels. */
const ENUM_LABELS: Record<string, (value: string) => string> = {
  objective: objectiveLabel,
  status: campaignStatusLabel,
  budgetType: budgetTypeLabel,
};

/**
 * A before/after value as text; absent values are an em dash. An id with a name in `labels`
 * shows the name.
 */
export function changeValue(
  field: string,
  value: unknown,
  currency: string | null,
  labels: Readonly<Record<string, string>> = {},
): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string" && Object.hasOwn(labels, value)) return labels[value];
  if (typeof value === "string" && ENUM_LABELS[field]) return ENUM_LABELS[field](value);
  if (typeof value === "number" && field.endsWith("Minor")) {
    // Minor units: shown as money when the summary says which currency, never as cents.
    return currency ? formatMoney(value, currency) : `${value} (minor units)`;
  }
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(String).join(", ");
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "none";
    return entries.map(([key, inner]) =>
      `${fieldLabel(key)}: ${Array.isArray(inner) ? inner.join(", ") : JSON.stringify(inner)}`
    ).join("; ");
  }
  return String(value);
}

/** Equal values, counting "nothing" forms (null, "", {}, []) as one: no visible change. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(emptyAsNull(a)) === JSON.stringify(emptyAsNull(b));
}

function emptyAsNull(value: unknown): unknown {
  if (value === "" || value === undefined) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value;
  if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return null;
  return value;
}
