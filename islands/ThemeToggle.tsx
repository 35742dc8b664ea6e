import { useState } from "preact/hooks";
import { type Theme, themeCookie } from "@/lib/theme.ts";

interface ThemeToggleProps {
  /** The theme the server rendered with. */
  theme: Theme;
}

/**
 * Switches between light and dark. Without JavaScript it is a plain form whose POST sets the
 * cookie; once hydrated it switches instantly and writes the same cookie itself.
 */
export default function ThemeToggle(props: ThemeToggleProps) {
  // A hook rather than a signal: the other islands of app pages use hooks too, so this island
  // adds no signals library to the page's JavaScript.
  const [theme, setTheme] = useState<Theme>(props.theme);
  const next: Theme = theme === "dark" ? "light" : "dark";
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    document.documentElement.classList.toggle("dark", next === "dark");
    document.cookie = themeCookie(next);
    setTheme(next);
  };
  return (
    <form
      method="post"
      action="/settings/appearance"
      onSubmit={onSubmit}
      class="flex items-center gap-4"
    >
      <input type="hidden" name="theme" value={next} />
      <span class="text-sm text-neutral-600 dark:text-neutral-300">
        Current theme:{" "}
        <strong data-testid="current-theme">{theme === "dark" ? "Dark" : "Light"}</strong>
      </span>
      <button
        type="submit"
        data-testid="theme-toggle"
        class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-neutral-900"
      >
        Switch to {next} theme
      </button>
    </form>
  );
}
