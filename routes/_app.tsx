import type { PageProps } from "$fresh/server.ts";
import { asset } from "$fresh/runtime.ts";
import { themeClass } from "@/lib/theme.ts";
import type { AppState } from "./_middleware.ts";

export default function App({ Component, state }: PageProps<unknown, AppState>) {
  return (
    <html lang="en" class={themeClass(state.theme)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{state.title ? `${state.title} · AAE` : "AAE · Automated Ad Engine"}</title>
        <link rel="icon" href={asset("/favicon.svg")} type="image/svg+xml" />
        <link rel="stylesheet" href={asset("/styles.css")} />
      </head>
      {/* The text is English whatever the locale; dates and numbers follow `data-locale`. */}
      <body
        class="min-h-screen bg-neutral-50 text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100"
        data-locale={state.display?.locale}
        data-time-zone={state.display?.timeZone}
      >
        <Component />
      </body>
    </html>
  );
}
