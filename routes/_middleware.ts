import type { FreshContext } from "$fresh/server.ts";
import { type Theme, themeFromCookies } from "@/lib/theme.ts";

/** State every page can read: the theme to render with. */
export type AppState = {
  theme: Theme;
};

export async function handler(req: Request, ctx: FreshContext<AppState>) {
  ctx.state.theme = themeFromCookies(req.headers.get("cookie"));
  return await ctx.next();
}
