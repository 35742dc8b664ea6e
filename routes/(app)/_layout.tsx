import type { PageProps } from "$fresh/server.ts";
import { Logo } from "@/components/Logo.tsx";

/** The sections of the app, in navigation order. */
export const sections = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/ad-accounts", label: "Ad accounts" },
  { href: "/credits", label: "Credits" },
  { href: "/assistant", label: "Assistant" },
  { href: "/settings", label: "Settings" },
];

export default function AppLayout({ Component, url }: PageProps) {
  const isActive = (href: string) => url.pathname === href || url.pathname.startsWith(href + "/");
  return (
    <div class="flex min-h-screen flex-col md:flex-row">
      <aside class="border-b border-neutral-200 bg-white md:w-60 md:border-b-0 md:border-r dark:border-neutral-800 dark:bg-neutral-900">
        <div class="px-4 py-4">
          <Logo />
        </div>
        <nav aria-label="Main" class="flex gap-1 overflow-x-auto px-2 pb-3 md:flex-col md:pb-0">
          {sections.map(({ href, label }) => (
            <a
              href={href}
              aria-current={isActive(href) ? "page" : undefined}
              class={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
                isActive(href)
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300"
                  : "text-neutral-600 hover:bg-neutral-100 hover:text-neutral-900 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-neutral-100"
              }`}
            >
              {label}
            </a>
          ))}
        </nav>
      </aside>
      <main class="flex-1 px-6 py-8 md:px-10">
        <Component />
      </main>
    </div>
  );
}
