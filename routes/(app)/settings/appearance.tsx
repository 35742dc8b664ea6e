import type { Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { SettingsNav } from "@/components/SettingsNav.tsx";
import ThemeToggle from "@/islands/ThemeToggle.tsx";
import { parseTheme, themeCookie } from "@/lib/theme.ts";
import type { AppState } from "../../_middleware.ts";

export const handler: Handlers<unknown, AppState> = {
  // The no-JavaScript path of the toggle: remember the choice, then show the page again.
  async POST(req) {
    const theme = parseTheme((await req.formData()).get("theme"));
    if (!theme) return new Response("Unknown theme", { status: 400 });
    return new Response(null, {
      status: 303,
      headers: { location: "/settings/appearance", "set-cookie": themeCookie(theme) },
    });
  },
};

export default function AppearancePage({ state }: PageProps<unknown, AppState>) {
  return (
    <>
      <PageHeader title="Settings">Your profile, password, API tokens and appearance.</PageHeader>
      <SettingsNav current="/settings/appearance" />
      <h2 class="mb-1 text-base font-semibold">Appearance</h2>
      <p class="mb-4 text-sm text-neutral-600 dark:text-neutral-400">
        Choose the theme; it is remembered in this browser. System follows your device’s light or
        dark setting.
      </p>
      <section class="max-w-md rounded-lg border border-neutral-200 bg-white p-4 dark:border-neutral-800 dark:bg-neutral-900">
        <ThemeToggle theme={state.theme} />
      </section>
    </>
  );
}
