import type { FreshContext } from "$fresh/server.ts";
import { clearFlashCookie, type Flash, flashFromCookies } from "@/pages/flash.ts";
import { withCookies } from "@/pages/http.ts";
import { type Theme, themeFromCookies } from "@/lib/theme.ts";
import type { DisplaySettings } from "@/domain/dates.ts";

/** State every page can read: the theme to render with and the one-shot flash message. */
export type AppState = {
  theme: Theme;
  flash: Flash | null;
  /** The page's own title, set by its handler or async route before rendering. */
  title?: string;
  /** The signed-in reader's locale and time zone, which `<body>` hands on to islands. */
  display?: DisplaySettings;
};

/**
 * Not an async function: a request without a flash (nearly all) passes the next promise on as it
 * is, sparing every page an async frame and a microtask. A throw here still reaches `_500`: the
 * page layer turns a middleware's synchronous throw into a rejection.
 */
export function handler(req: Request, ctx: FreshContext<AppState>): Promise<Response> {
  const cookies = req.headers.get("cookie");
  ctx.state.theme = themeFromCookies(cookies);
  const flash = ctx.destination === "route" ? flashFromCookies(cookies) : null;
  ctx.state.flash = flash;
  if (!flash) return ctx.next();
  // Shown once: a page that displayed the flash clears it (a redirect may be setting a new one).
  return ctx.next().then((response) =>
    ctx.state.flash && !response.headers.has("location")
      ? withCookies(response, [clearFlashCookie()])
      : response
  );
}
