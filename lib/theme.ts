/**
 * The colour theme preference, kept in a cookie so the server renders the chosen theme and the
 * page never flashes the wrong one. Shared by the server and the ThemeToggle island.
 *
 * @module
 */

/** The available themes. */
export type Theme = "light" | "dark";

/** Name of the theme cookie. */
export const THEME_COOKIE = "theme";

/** Reads a valid theme from a Cookie header value; light when absent or unknown. */
export function themeFromCookies(header: string | null | undefined): Theme {
  // Every page asks; most requests carry no theme cookie and skip the split.
  if (!header?.includes(THEME_COOKIE)) return "light";
  for (const part of (header ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === THEME_COOKIE && (value === "dark" || value === "light")) return value;
  }
  return "light";
}

/** Parses a submitted theme value; null when it is not a theme. */
export function parseTheme(value: unknown): Theme | null {
  return value === "light" || value === "dark" ? value : null;
}

/** The Set-Cookie / `document.cookie` string that remembers `theme` for a year. */
export function themeCookie(theme: Theme): string {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
