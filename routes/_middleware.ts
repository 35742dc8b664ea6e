import type { FreshContext } from "$fresh/server.ts";
import { clearFlashCookie, type Flash, flashFromCookies } from "@/pages/flash.ts";
import { withCookies } from "@/pages/http.ts";
import { type Theme, themeFromCookies } from "@/lib/theme.ts";

/** State every page can read: the theme to render with and the one-shot flash message. */
export type AppState = {
  theme: Theme;
  flash: Flash | null;
  /** The page's own title, set by its handler or async route before rendering. */
  title?: string;
};

export async function handler(req: Request, ctx: FreshContext<AppState>) {
  const cookies = req.headers.get("cookie");
  ctx.state.theme = themeFromCookies(cookies);
  ctx.state.flash = ctx.destination === "route" ? flashFromCookies(cookies) : null;
  const response = await ctx.next();
  // Shown once: a page that displayed the flash clears it (a redirect may be setting a new one).
  if (ctx.state.flash && !response.headers.has("location")) {
    return withCookies(response, [clearFlashCookie()]);
  }
  return response;
}
