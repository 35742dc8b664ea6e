import type { FreshContext } from "$fresh/server.ts";

export interface FixtureState {
  trail: string[];
}

export async function handler(_req: Request, ctx: FreshContext<FixtureState>) {
  ctx.state.trail = ["root"];
  const response = await ctx.next();
  response.headers.set("x-trail", ctx.state.trail.join(","));
  return response;
}
