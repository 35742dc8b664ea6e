interface PaginationProps {
  /** The current page URL; other query parameters are kept in the links. */
  url: URL;
  total: number;
  skip: number;
  limit: number;
}

/** "Showing 21–40 of 95" with previous/next links that keep the page's filters. */
export function Pagination({ url, total, skip, limit }: PaginationProps) {
  if (total === 0) return null;
  const link = (nextSkip: number) => {
    const target = new URL(url);
    if (nextSkip > 0) target.searchParams.set("skip", String(nextSkip));
    else target.searchParams.delete("skip");
    return `${target.pathname}${target.search}`;
  };
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
