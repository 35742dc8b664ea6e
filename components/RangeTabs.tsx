import { RANGE_DAYS, type RangeDays } from "@/pages/ranges.ts";

interface RangeTabsProps {
  /** The page URL; other query parameters are kept. */
  url: URL;
  days: RangeDays;
}

/** "7 days · 30 days · 90 days" as plain links, the current one marked. */
export function RangeTabs({ url, days }: RangeTabsProps) {
  return (
    <nav
      aria-label="Period"
      class="inline-flex rounded-md border border-neutral-300 bg-white p-0.5 text-sm shadow-sm dark:border-neutral-700 dark:bg-neutral-900"
    >
      {RANGE_DAYS.map((option) => {
        const target = new URL(url);
        target.searchParams.set("days", String(option));
        const current = option === days;
        return (
          <a
            href={`${target.pathname}${target.search}`}
            aria-current={current ? "page" : undefined}
            class={`rounded px-3 py-1 font-medium ${
              current
                ? "bg-indigo-600 text-white"
                : "text-neutral-600 hover:bg-neutral-100 dark:text-neutral-300 dark:hover:bg-neutral-800"
            }`}
          >
            {option} days
          </a>
        );
      })}
    </nav>
  );
}
