import type { FreshContext } from "$fresh/server.ts";
import type { FixtureState } from "../_middleware.ts";

export const handler = [
  async (_req: Request, ctx: FreshContext<FixtureState>) => {
    ctx.state.trail.push("admin");
    return await ctx.next();
  },
  (req: Request, ctx: FreshContext<FixtureState>) => {
    if (new URL(req.url).searchParams.has("deny")) return new Response("denied", { status: 403 });
    ctx.state.trail.push("admin-2");
    return ctx.next();
  },
];
