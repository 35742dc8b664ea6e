/**
 * How the write gateway's records read on the pages: who made or asked for a change (a person,
 * the assistant's run, an MCP client, an API token, a rule, a rollback) and where that source
 * lives in the app, and each field's before → after with money in the account's currency.
 *
 * @module
 */
import { CHANGE_ACTOR_KINDS, type ChangeRecord } from "../domain/change_history.ts";
import { changeValue, fieldLabel } from "./chat_preview.ts";

/** Who made a change: a person or one kind of software. */
export type ChangeActorKind = ChangeRecord["actorKind"];

/** Every actor kind with its label, for filters. */
export const ACTOR_KIND_OPTIONS: readonly { value: ChangeActorKind; label: string }[] =
  CHANGE_ACTOR_KINDS.map((kind) => ({ value: kind, label: actorKindLabel(kind) }));

/** An actor kind as a person reads it. */
export function actorKindLabel(kind: ChangeActorKind): string {
  switch (kind) {
    case "user":
      return "Person";
    case "api_token":
      return "API token";
    case "assistant":
      return "Assistant";
    case "mcp_client":
      return "MCP client";
    case "rule":
      return "Rule";
    case "rollback":
      return "Rollback";
  }
}

/** Where a change's source can be looked at: the run of an assistant change, else nothing. */
export function sourceHref(kind: ChangeActorKind, sourceId: string | null): string | null {
  if (sourceId === null) return null;
  if (kind === "assistant") return `/runs/${encodeURIComponent(sourceId)}`;
  if (kind === "api_token") return "/settings/tokens";
  return null;
}

/** A source as words: "run 1b2c…", "API token 9f…" (ids shortened; the link has the rest). */
export function sourceLabel(kind: ChangeActorKind, sourceId: string | null): string {
  const label = actorKindLabel(kind);
  if (sourceId === null) return kind === "user" ? "You, in AAE" : label;
  const id = sourceId.length > 8 ? `${sourceId.slice(0, 8)}…` : sourceId;
  return kind === "assistant" ? `Assistant run ${id}` : `${label} ${id}`;
}

/** One field's change as displayed text. */
export interface FieldChangeView {
  field: string;
  label: string;
  before: string;
  after: string;
}

/**
 * Before → after of each field, money (`…Minor` fields) in `currency`; a null `currency` shows
 * minor units as such rather than guessing.
 */
export function fieldChangeViews(
  changes: readonly { field: string; before: unknown; after: unknown }[],
  currency: string | null,
  labels: Readonly<Record<string, string>> = {},
): FieldChangeView[] {
  return changes.map(({ field, before, after }) => ({
    field,
    label: fieldLabel(field),
    before: changeValue(field, before, currency, labels),
    after: changeValue(field, after, currency, labels),
  }));
}

/** A change record's `fields` map as a list in its own order. */
export function fieldList(
  fields: Record<string, { before: unknown; after: unknown }>,
): { field: string; before: unknown; after: unknown }[] {
  return Object.entries(fields).map(([field, change]) => ({ field, ...change }));
}
