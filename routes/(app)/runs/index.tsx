import { defineRoute } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { RunsTable } from "@/components/runs/RunsTable.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { MAX_PAGE_SIZE, type PageQuery } from "@/domain/pagination.ts";
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

/** The signed-in user's agent runs, newest first, each linking to its timeline. */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Agent runs";
  const page = await services.runs.listRuns(actor, pageFromUrl(ctx.url));
  return (
    <>
      <PageHeader title="Agent runs">
        Every answer of the assistant is a run: its model calls, tool calls and approvals, with what
        each cost and how long it took.
      </PageHeader>
      {page.total === 0
        ? (
          <EmptyState
            title="No runs yet"
            action={<LinkButton href="/assistant">Open the assistant</LinkButton>}
          >
            Ask the assistant something; each answer appears here as a run you can inspect.
          </EmptyState>
        )
        : (
          <Paged url={ctx.url} page={page}>
            <RunsTable runs={page.items} nowMs={Date.now()} />
          </Paged>
        )}
    </>
  );
});
