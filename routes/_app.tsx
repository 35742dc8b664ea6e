import type { PageProps } from "$fresh/server.ts";
import { asset } from "$fresh/runtime.ts";
import type { AppState } from "./_middleware.ts";

export default function App({ Component, state }: PageProps<unknown, AppState>) {
  return (
    <html lang="en" class={state.theme === "dark" ? "dark" : undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{state.title ? `${state.title} · AAE` : "AAE · Automated Ad Engine"}</title>
        <link rel="stylesheet" href={asset("/styles.css")} />
      </head>
      <body class="min-h-screen bg-neutral-50 text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100">
        <Component />
      </body>
    </html>
  );
}
