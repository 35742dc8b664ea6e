import { PageHeader } from "@/components/PageHeader.tsx";

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings">
        Appearance is available now; your profile and API tokens will be managed here too.
      </PageHeader>
      <ul class="max-w-md divide-y divide-neutral-200 rounded-lg border border-neutral-200 bg-white dark:divide-neutral-800 dark:border-neutral-800 dark:bg-neutral-900">
        <li>
          <a
            href="/settings/appearance"
            class="block px-4 py-3 text-sm font-medium hover:bg-neutral-50 dark:hover:bg-neutral-800"
          >
            Appearance
            <span class="block text-xs font-normal text-neutral-500 dark:text-neutral-400">
              Light or dark theme
            </span>
          </a>
        </li>
      </ul>
    </>
  );
}
