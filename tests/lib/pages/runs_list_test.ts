/** The merged run list: chat and workflow runs in one newest-first order, paged exactly. */
import assert from "node:assert/strict";
import type { RunSummary } from "../../../agent/runs/views.ts";
import type { Page, PageQuery } from "../../../domain/pagination.ts";
import type { WorkflowRunSummary } from "../../../domain/workflows/views.ts";
import { kindFromUrl, listRunRows } from "../../../pages/runs_list.ts";

const actor = { userId: "u", role: "user" as const };

function pageOf<Item>(all: Item[], query: PageQuery): Page<Item> {
  return {
    items: all.slice(query.skip, query.skip + query.limit),
    total: all.length,
    skip: query.skip,
    limit: query.limit,
  };
}

/** Minute `n` of a day, as ISO. */
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 0, minute)).toISOString();

// Newest first in each source, interleaved in time: chat on even minutes, workflows on odd.
const chats = Array.from({ length: 150 }, (_, index) => ({
  id: `c${index}`,
  createdAt: at(300 - 2 * index),
} as RunSummary));
const runs = Array.from({ length: 130 }, (_, index) => ({
  id: `w${index}`,
  kind: index % 2 === 0 ? "rule_evaluation" : "alert_detection",
  scheduledFor: at(299 - 2 * index),
} as WorkflowRunSummary));
const sources = {
  chat: (_who: unknown, query: PageQuery) => Promise.resolve(pageOf(chats, query)),
  workflows: (_who: unknown, query: PageQuery & { kind?: string }) =>
    Promise.resolve(
      pageOf(query.kind ? runs.filter((run) => run.kind === query.kind) : runs, query),
    ),
};

Deno.test("all kinds: merged newest first, any page exact", async () => {
  const everything = [
    ...chats.map((run) => ({ id: run.id, at: run.createdAt })),
    ...runs.map(
      (run) => ({ id: run.id, at: run.scheduledFor }),
    ),
  ].sort((left, right) => right.at.localeCompare(left.at)).map((row) => row.id);
  for (const [skip, limit] of [[0, 20], [20, 20], [190, 25], [260, 40]]) {
    const page = await listRunRows(sources, actor, "all", { skip, limit });
    assert.equal(page.total, 280);
    assert.deepEqual(page.items.map((row) => row.run.id), everything.slice(skip, skip + limit));
  }
});

Deno.test("one kind: that source only", async () => {
  const page = await listRunRows(sources, actor, "alert_detection", { skip: 0, limit: 5 });
  assert.equal(page.total, 65);
  assert.ok(page.items.every((row) => row.type === "workflow"));
  const chat = await listRunRows(sources, actor, "chat", { skip: 10, limit: 5 });
  assert.deepEqual(chat.items.map((row) => row.run.id), ["c10", "c11", "c12", "c13", "c14"]);
  assert.equal(kindFromUrl(new URL("http://x/runs?kind=nonsense")), "all");
  assert.equal(kindFromUrl(new URL("http://x/runs?kind=rule_resume")), "rule_resume");
});
