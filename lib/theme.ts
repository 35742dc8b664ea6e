/**
 * The colour theme preference, kept in a cookie so the server renders the chosen theme and the
 * page never flashes the wrong one. Until a person chooses, the theme is `system`: the page
 * follows the operating system's light or dark setting through CSS (`prefers-color-scheme`),
 * which needs no JavaScript. Shared by the server and the ThemeToggle island.
 *
 * @module
 */

/** The available themes: the system's setting, or a fixed choice. */
export type Theme = "system" | "light" | "dark";

/** Every theme, in the order a chooser offers them. */
export const THEMES: readonly Theme[] = ["system", "light", "dark"];

/** Name of the theme cookie. */
export const THEME_COOKIE = "theme";

/** Reads a valid theme from a Cookie header value; `system` when absent or unknown. */
export function themeFromCookies(header: string | null | undefined): Theme {
  // Every page asks; most requests carry no theme cookie and skip the split.
  if (!header?.includes(THEME_COOKIE)) return "system";
  for (const part of (header ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === THEME_COOKIE) return parseTheme(value) ?? "system";
  }
  return "system";
}

/** Parses a submitted theme value; null when it is not a theme. */
export function parseTheme(value: unknown): Theme | null {
  return value === "system" || value === "light" || value === "dark" ? value : null;
}

/**
 * The class of `<html>` for `theme`: `dark` turns the dark styles on, `system` turns them on
 * while the system prefers dark (see `static/styles.css`); light needs none.
 */
export function themeClass(theme: Theme): string | undefined {
  return theme === "light" ? undefined : theme;
}

/** The Set-Cookie / `document.cookie` string that remembers `theme` for a year. */
export function themeCookie(theme: Theme): string {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
