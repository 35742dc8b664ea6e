const TABS = [
  { href: "/settings", label: "Profile" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/notifications", label: "Notifications" },
  { href: "/settings/appearance", label: "Appearance" },
];

/** Tabs between the settings pages. */
export function SettingsNav({ current }: { current: string }) {
  return (
    <nav
      aria-label="Settings"
      class="mb-6 flex gap-4 border-b border-neutral-200 text-sm dark:border-neutral-800"
    >
      {TABS.map(({ href, label }) => (
        <a
          href={href}
          aria-current={href === current ? "page" : undefined}
          class={`-mb-px border-b-2 px-1 pb-2 font-medium ${
            href === current
              ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
              : "border-transparent text-neutral-500 hover:text-neutral-800 dark:text-neutral-400 dark:hover:text-neutral-100"
          }`}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}
