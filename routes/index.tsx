import { Logo } from "@/components/Logo.tsx";

const points = [
  {
    title: "Reads real data",
    text: "Answers come from your accounts' actual spend, conversions and delivery, never guesses.",
  },
  {
    title: "Acts through tools",
    text:
      "Creating campaigns, adjusting budgets or pausing ads happens through the same audited tools you can call yourself.",
  },
  {
    title: "Asks before spending",
    text:
      "Anything that spends money waits for your explicit approval, with the exact change shown first.",
  },
];

export default function Landing() {
  return (
    <div class="mx-auto flex min-h-screen max-w-5xl flex-col px-6">
      <header class="flex items-center justify-between py-6">
        <Logo />
        <nav aria-label="Account" class="flex items-center gap-4">
          <a
            href="/login"
            class="text-sm font-medium text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100"
          >
            Sign in
          </a>
          <a
            href="/register"
            class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
          >
            Sign up
          </a>
        </nav>
      </header>
      <main class="flex-1 py-16">
        <p class="text-sm font-semibold uppercase tracking-wider text-indigo-600 dark:text-indigo-400">
          Chat-first ad operations
        </p>
        <h1 class="mt-3 max-w-3xl text-4xl font-semibold tracking-tight sm:text-5xl">
          Run your ad accounts by talking to an assistant that does the work.
        </h1>
        <p class="mt-6 max-w-2xl text-lg text-neutral-600 dark:text-neutral-400">
          AAE, the Automated Ad Engine, puts campaigns, budgets and reporting behind one
          conversation. Ask how a campaign is doing, or tell it what to change: it reads your data,
          proposes the steps, and carries them out once you agree.
        </p>
        {/* Signing up is the way in; a signed-in visitor is sent on to the app by /register. */}
        <div class="mt-8 flex flex-wrap items-center gap-3">
          <a
            href="/register"
            class="rounded-md bg-indigo-600 px-5 py-2.5 text-base font-semibold text-white shadow-sm hover:bg-indigo-500"
            data-sign-up
          >
            Create your free account
          </a>
          <a
            href="/login"
            class="rounded-md border border-neutral-300 px-4 py-2 text-sm font-medium hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800"
          >
            Sign in
          </a>
        </div>
        <ul class="mt-16 grid gap-6 sm:grid-cols-3">
          {points.map(({ title, text }) => (
            <li class="rounded-lg border border-neutral-200 bg-white p-5 dark:border-neutral-800 dark:bg-neutral-900">
              <h2 class="font-semibold">{title}</h2>
              <p class="mt-2 text-sm text-neutral-600 dark:text-neutral-400">{text}</p>
            </li>
          ))}
        </ul>
      </main>
      <footer class="py-6 text-xs text-neutral-500 dark:text-neutral-400">
        Automated Ad Engine
      </footer>
    </div>
  );
}
