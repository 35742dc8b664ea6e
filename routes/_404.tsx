import type { UnknownPageProps } from "$fresh/server.ts";

export default function NotFound({ url }: UnknownPageProps) {
  return (
    <main class="mx-auto max-w-xl px-6 py-24 text-center">
      <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 class="mt-2 text-3xl font-semibold tracking-tight">Page not found</h1>
      <p class="mt-4 text-neutral-600 dark:text-neutral-400">
        Nothing lives at <code class="font-mono text-sm">{url.pathname}</code>.
      </p>
      <a
        href="/"
        class="mt-8 inline-block text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
      >
        Back to the start page
      </a>
    </main>
  );
}
