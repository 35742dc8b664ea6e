import { useEffect, useState } from "preact/hooks";

interface RunLiveRefreshProps {
  /** Id of the element whose content is replaced by the same element of a fresh render. */
  regionId: string;
  intervalMs: number;
}

/** What the island shows: a plain link before hydration, then the live state. */
type Phase = "static" | "live" | "finished" | "stopped";

/**
 * Keeps a server-rendered region current while the run it shows is unfinished: every
 * `intervalMs` it fetches this same page, swaps in the region's new content, and stops once the
 * fresh region says `data-active="false"`. Re-rendering on the server (rather than a JSON API
 * and client templates) keeps one rendering of the timeline. Opened `<details>` stay open.
 * Without JavaScript the server-rendered link (and a `<noscript>` refresh) do the same job.
 */
export default function RunLiveRefresh({ regionId, intervalMs }: RunLiveRefreshProps) {
  const [phase, setPhase] = useState<Phase>("static");

  useEffect(() => {
    setPhase("live");
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      const next = await refreshRegion(regionId).catch(() => "stopped" as const);
      if (stopped) return;
      if (next === "live") timer = setTimeout(tick, intervalMs);
      else setPhase(next);
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [regionId, intervalMs]);

  if (phase === "static") {
    return <a href="" class={LINK} data-live-refresh="static">Refresh</a>;
  }
  if (phase === "live") {
    return (
      <span class={TEXT} data-live-refresh="live">
        <span class="inline-block h-2 w-2 animate-pulse rounded-full bg-sky-500" />
        Live · updates every {Math.round(intervalMs / 1000)} s
      </span>
    );
  }
  if (phase === "finished") {
    return <span class={TEXT} data-live-refresh="finished">Finished</span>;
  }
  return (
    <a href="" class={LINK} data-live-refresh="stopped">
      Live updates stopped · Refresh
    </a>
  );
}

const TEXT = "inline-flex items-center gap-2 text-sm text-neutral-500 dark:text-neutral-400";
const LINK = "text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/** Fetches the page again and swaps the region; answers what to do next. */
async function refreshRegion(regionId: string): Promise<"live" | "finished" | "stopped"> {
  const current = document.getElementById(regionId);
  // A redirect means the session ended (sign-in page): stop rather than show that page's parts.
  const response = await fetch(location.href, {
    headers: { accept: "text/html" },
    redirect: "manual",
    credentials: "same-origin",
  });
  if (!current || !response.ok) return "stopped";
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(regionId);
  if (!fresh) return "stopped";
  const open = new Set(
    [...current.querySelectorAll<HTMLDetailsElement>("details[data-keep-open]")]
      .filter((details) => details.open)
      .map((details) => details.dataset.keepOpen),
  );
  for (const details of fresh.querySelectorAll<HTMLDetailsElement>("details[data-keep-open]")) {
    if (open.has(details.dataset.keepOpen)) details.open = true;
  }
  current.replaceChildren(...document.adoptNode(fresh).childNodes);
  current.dataset.active = fresh.dataset.active;
  return fresh.dataset.active === "true" ? "live" : "finished";
}
