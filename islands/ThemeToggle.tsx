import { useState } from "preact/hooks";
import { parseTheme, type Theme, themeClass, themeCookie, THEMES } from "@/lib/theme.ts";

interface ThemeToggleProps {
  /** The theme the server rendered with. */
  theme: Theme;
}

const LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

/**
 * Chooses the theme: the system's setting, light or dark. Without JavaScript it is a plain form
 * whose POST sets the cookie; once hydrated it switches instantly and writes the same cookie.
 */
export default function ThemeToggle(props: ThemeToggleProps) {
  // A hook rather than a signal: the other islands of app pages use hooks too, so this island
  // adds no signals library to the page's JavaScript.
  const [theme, setTheme] = useState<Theme>(props.theme);
  const onSubmit = (event: SubmitEvent) => {
    const chosen = parseTheme((event.submitter as HTMLButtonElement | null)?.value);
    if (!chosen) return;
    event.preventDefault();
    const root = document.documentElement;
    for (const name of ["dark", "system"]) root.classList.toggle(name, themeClass(chosen) === name);
    document.cookie = themeCookie(chosen);
    setTheme(chosen);
  };
  return (
    <form method="post" action="/settings/appearance" onSubmit={onSubmit} class="space-y-3">
      <p class="text-sm text-neutral-600 dark:text-neutral-300">
        Current theme: <strong data-testid="current-theme">{LABELS[theme]}</strong>
      </p>
      <div role="group" aria-label="Theme" class="inline-flex rounded-md shadow-sm">
        {THEMES.map((option) => (
          <button
            type="submit"
            name="theme"
            value={option}
            aria-pressed={theme === option}
            data-testid={`theme-${option}`}
            class={`border border-neutral-300 px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-neutral-700 ${
              theme === option
                ? "bg-indigo-600 text-white"
                : "bg-white text-neutral-800 hover:bg-neutral-50 dark:bg-neutral-900 dark:text-neutral-100 dark:hover:bg-neutral-800"
            }`}
          >
            {LABELS[option]}
          </button>
        ))}
      </div>
    </form>
  );
}
