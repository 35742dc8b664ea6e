/**
 * The change history page's filters: GET query parameters (bookmarkable, script-free) turned
 * into the domain's list query, keeping only values it accepts.
 *
 * @module
 */
import type { ListChangesQuery } from "../domain/change_history.ts";
import { CHANGE_ACTOR_KINDS } from "../domain/change_history.ts";

/** Rows per page. */
export const CHANGES_PAGE_SIZE = 25;

/** The filters as typed in the form (for showing them back). */
export interface ChangeFilters {
  account: string;
  campaign: string;
  actor: string;
  /** `YYYY-MM-DD`, UTC days, both included. */
  from: string;
  to: string;
  /** One source's changes: a run, rule, API token or rollback id. */
  source: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SOURCE_ID = /^[\w-]{1,64}$/;

/** The filters and the list query from the URL; invalid values are dropped, not errors. */
export function changesQueryFromUrl(url: URL): { filters: ChangeFilters; query: ListChangesQuery } {
  const params = url.searchParams;
  const uuid = (name: string) => {
    const value = params.get(name)?.trim() ?? "";
    return UUID.test(value) ? value.toLowerCase() : "";
  };
  const day = (name: string) => {
    const value = params.get(name)?.trim() ?? "";
    return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : "";
  };
  const actorParam = params.get("actor") ?? "";
  const filters: ChangeFilters = {
    account: uuid("account"),
    campaign: uuid("campaign"),
    actor: CHANGE_ACTOR_KINDS.find((kind) => kind === actorParam) ?? "",
    from: day("from"),
    to: day("to"),
    source: SOURCE_ID.test(params.get("source_id") ?? "") ? params.get("source_id")! : "",
  };
  const skip = Number(params.get("skip"));
  const query: ListChangesQuery = {
    adAccountId: filters.account || undefined,
    campaignId: filters.campaign || undefined,
    actorKind: CHANGE_ACTOR_KINDS.find((kind) => kind === filters.actor),
    sourceId: filters.source || undefined,
    from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
    to: filters.to ? nextDay(filters.to) : undefined,
    skip: Number.isSafeInteger(skip) && skip > 0 ? skip : 0,
    limit: CHANGES_PAGE_SIZE,
  };
  return { filters, query };
}

/** Whether any filter is set. */
export function isFiltered(filters: ChangeFilters): boolean {
  return Object.values(filters).some((value) => value !== "");
}

/** The start of the day after `day` (the "to" day is included). */
function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}
