import type { ComponentChildren } from "preact";
import { LinkButton } from "./Button.tsx";
import { EmptyState } from "./EmptyState.tsx";

interface PaginationProps {
  /** The current page URL; other query parameters are kept in the links. */
  url: URL;
  total: number;
  skip: number;
  limit: number;
}

/** "Showing 21–40 of 95" with previous/next links that keep the page's filters. */
export function Pagination({ url, total, skip, limit }: PaginationProps) {
  // Past the end there is nothing to count from ("Showing 8–8 of 8"): see `Paged`.
  if (total === 0 || skip >= total) return null;
  const link = (nextSkip: number) => pageLink(url, nextSkip);
  const previous = skip > 0 ? link(Math.max(0, skip - limit)) : null;
  const next = skip + limit < total ? link(skip + limit) : null;
  const item = "rounded-md border px-3 py-1.5 text-sm font-medium";
  const enabled =
    `${item} border-neutral-300 bg-white hover:bg-neutral-50 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:bg-neutral-800`;
  const disabled =
    `${item} cursor-default border-neutral-200 text-neutral-400 dark:border-neutral-800 dark:text-neutral-600`;
  return (
    <nav aria-label="Pagination" class="mt-4 flex items-center justify-between gap-4">
      <p class="text-sm text-neutral-600 dark:text-neutral-400">
        Showing <strong>{Math.min(skip + 1, total)}</strong>–<strong>
          {Math.min(skip + limit, total)}
        </strong>{" "}
        of <strong>{total}</strong>
      </p>
      <div class="flex gap-2">
        {previous
          ? <a href={previous} rel="prev" class={enabled}>Previous</a>
          : <span aria-disabled="true" class={disabled}>Previous</span>}
        {next
          ? <a href={next} rel="next" class={enabled}>Next</a>
          : <span aria-disabled="true" class={disabled}>Next</span>}
      </div>
    </nav>
  );
}

/** The page URL with `skip` set (dropped for the first page), keeping the other parameters. */
function pageLink(url: URL, skip: number): string {
  const target = new URL(url);
  if (skip > 0) target.searchParams.set("skip", String(skip));
  else target.searchParams.delete("skip");
  return `${target.pathname}${target.search}`;
}

interface PagedProps {
  url: URL;
  /** The page shown: its items (only their number matters here) and position. */
  page: { items: readonly unknown[]; total: number; skip: number; limit: number };
  /** The page's table. */
  children: ComponentChildren;
}

/**
 * A page of a list with its pagination, or — for a page past the end (an old link, a list that
 * shrank) — an empty state that leads back to the last page instead of an empty table.
 */
export function Paged({ url, page, children }: PagedProps) {
  const { items, total, skip, limit } = page;
  if (items.length === 0 && total > 0) {
    const lastPage = Math.floor((total - 1) / limit) * limit;
    return (
      <EmptyState
        title="Nothing on this page"
        action={
          <LinkButton href={pageLink(url, lastPage)} variant="secondary">
            Go to the last page
          </LinkButton>
        }
      >
        {`This list has ${total} ${total === 1 ? "entry" : "entries"}; this page is past its end.`}
      </EmptyState>
    );
  }
  return (
    <>
      {children}
      <Pagination url={url} total={total} skip={skip} limit={limit} />
    </>
  );
}
