import { defineRoute } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { RunsTable } from "@/components/runs/RunsTable.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { MAX_PAGE_SIZE, type PageQuery } from "@/domain/pagination.ts";
import {
  kindFromUrl,
  listRunRows,
  RUN_KIND_CHOICES,
  type RunKindFilter,
} from "@/pages/runs_list.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;

/** `skip` and `limit` from the URL; anything out of range falls back to the defaults. */
function pageFromUrl(url: URL): PageQuery {
  const number = (name: string) => Number(url.searchParams.get(name) ?? Number.NaN);
  const skip = number("skip");
  const limit = number("limit");
  return {
    skip: Number.isSafeInteger(skip) && skip > 0 ? skip : 0,
    limit: Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : PAGE_SIZE,
  };
}

/** The kind filter as links (works without JavaScript); the current one is marked. */
function KindFilter({ current }: { current: RunKindFilter }) {
  return (
    <nav aria-label="Kind of run" class="mb-4 flex flex-wrap gap-2 text-sm" data-kind-filter>
      {RUN_KIND_CHOICES.map((choice) => {
        const active = choice.value === current;
        return (
          <a
            href={choice.value === "all" ? "/runs" : `/runs?kind=${choice.value}`}
            aria-current={active ? "page" : undefined}
            class={`rounded-full px-3 py-1 ring-1 ring-inset ${
              active
                ? "bg-indigo-600 text-white ring-indigo-600"
                : "text-neutral-700 ring-neutral-300 hover:bg-neutral-50 dark:text-neutral-300 dark:ring-neutral-700 dark:hover:bg-neutral-800"
            }`}
          >
            {choice.label}
          </a>
        );
      })}
    </nav>
  );
}

/**
 * The signed-in user's runs, newest first: the assistant's answers (chat) and background work
 * (rule evaluations, rule resumes, alert detections), each linking to its timeline; filterable
 * by kind.
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Runs";
  const kind = kindFromUrl(ctx.url);
  const page = await listRunRows(
    {
      chat: (who, query) => services.runs.listRuns(who, query),
      workflows: (who, query) => services.domain.workflowRuns.list(who, query),
    },
    actor,
    kind,
    pageFromUrl(ctx.url),
  );
  return (
    <>
      <PageHeader title="Runs">
        Every answer of the assistant is a run: its model calls, tool calls and approvals, with what
        each cost and how long it took. So is background work: each rule's scheduled evaluation
        (acting as the rule), its resumes, and the hourly alert detection.
      </PageHeader>
      <KindFilter current={kind} />
      {page.total === 0
        ? (
          <EmptyState
            title="No runs yet"
            action={<LinkButton href="/assistant">Open the assistant</LinkButton>}
          >
            Ask the assistant something, or enable a rule; each answer and each evaluation appears
            here as a run you can inspect.
          </EmptyState>
        )
        : (
          <Paged url={ctx.url} page={page}>
            <RunsTable rows={page.items} nowMs={Date.now()} />
          </Paged>
        )}
    </>
  );
});
