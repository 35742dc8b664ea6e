import type { FreshContext } from "$fresh/server.ts";
import type { FixtureState } from "../_middleware.ts";

export async function handler(_req: Request, ctx: FreshContext<FixtureState>) {
  ctx.state.trail.push("marketing");
  return await ctx.next();
}
