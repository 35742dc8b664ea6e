/**
 * The run list's rows: chat runs (the assistant's answers) and workflow runs (rule evaluations,
 * rule resumes, alert detections…) in one list, newest first, or one kind of them.
 *
 * The two kinds live in two stores, each paged newest first. The merged page takes the first
 * `skip + limit` of each (read in pages of at most `MAX_PAGE_SIZE`), merges them by time and
 * keeps the requested slice: exact, and cheap for the first pages people read; a very deep page
 * reads proportionally more.
 *
 * @module
 */
import type { RunSummary } from "../agent/runs/views.ts";
import type { Actor } from "../domain/actor.ts";
import { MAX_PAGE_SIZE, type Page, type PageQuery } from "../domain/pagination.ts";
import type { WorkflowRunSummary } from "../domain/workflows/views.ts";
import { WORKFLOW_KIND_LABELS } from "../domain/workflows/views.ts";

/** The list's kind filter: everything, the chat's runs, or one workflow kind. */
export type RunKindFilter = "all" | "chat" | string;

/** The filter's choices, in the order the page offers them. */
export const RUN_KIND_CHOICES: readonly { value: RunKindFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "chat", label: "Chat" },
  ...Object.entries(WORKFLOW_KIND_LABELS).map(([value, label]) => ({ value, label })),
];

/** One row of the list. */
export type RunListRow =
  | { type: "chat"; at: string; run: RunSummary }
  | { type: "workflow"; at: string; run: WorkflowRunSummary };

/** Where the rows come from (the agent's run reads and the domain's workflow run views). */
export interface RunListSources {
  chat(actor: Actor, page: PageQuery): Promise<Page<RunSummary>>;
  workflows(
    actor: Actor,
    query: PageQuery & { kind?: string },
  ): Promise<Page<WorkflowRunSummary>>;
}

/** The kind filter from the URL; anything unknown means all. */
export function kindFromUrl(url: URL): RunKindFilter {
  const kind = url.searchParams.get("kind") ?? "all";
  return RUN_KIND_CHOICES.some((choice) => choice.value === kind) ? kind : "all";
}

/** One page of the list. */
export async function listRunRows(
  sources: RunListSources,
  actor: Actor,
  kind: RunKindFilter,
  page: Required<PageQuery>,
): Promise<Page<RunListRow>> {
  const chatRow = (run: RunSummary): RunListRow => ({ type: "chat", at: run.createdAt, run });
  const workflowRow = (run: WorkflowRunSummary): RunListRow => ({
    type: "workflow",
    at: run.scheduledFor,
    run,
  });
  if (kind === "chat") {
    const chats = await sources.chat(actor, page);
    return { ...chats, items: chats.items.map(chatRow) };
  }
  if (kind !== "all") {
    const runs = await sources.workflows(actor, { ...page, kind });
    return { ...runs, items: runs.items.map(workflowRow) };
  }
  const wanted = page.skip + page.limit;
  const [chats, runs] = await Promise.all([
    firstOf(wanted, (query) => sources.chat(actor, query)),
    firstOf(wanted, (query) => sources.workflows(actor, query)),
  ]);
  const merged = [...chats.items.map(chatRow), ...runs.items.map(workflowRow)]
    .sort((left, right) => right.at.localeCompare(left.at));
  return {
    items: merged.slice(page.skip, wanted),
    total: chats.total + runs.total,
    skip: page.skip,
    limit: page.limit,
  };
}

/** The first `count` items of a newest-first source, and its total. */
async function firstOf<Item>(
  count: number,
  read: (query: Required<PageQuery>) => Promise<Page<Item>>,
): Promise<{ items: Item[]; total: number }> {
  const items: Item[] = [];
  let total = 0;
  for (let skip = 0; skip < count; skip += MAX_PAGE_SIZE) {
    const page = await read({ skip, limit: Math.min(MAX_PAGE_SIZE, count - skip) });
    items.push(...page.items);
    total = page.total;
    if (page.items.length < Math.min(MAX_PAGE_SIZE, count - skip)) break;
  }
  return { items, total };
}
