export default function ServerError() {
  // The error itself is logged on the server and deliberately not shown here.
  return (
    <main class="mx-auto max-w-xl px-6 py-24 text-center">
      <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">500</p>
      <h1 class="mt-2 text-3xl font-semibold tracking-tight">Something went wrong</h1>
      <p class="mt-4 text-neutral-600 dark:text-neutral-400">
        The error has been logged. Please try again in a moment.
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
