import { defineRoute } from "$fresh/server.ts";

export default defineRoute(async (req, ctx) => {
  const value = await Promise.resolve(new URL(req.url).searchParams.get("v"));
  if (value === "redirect") {
    return new Response(null, { status: 307, headers: { location: "/" } });
  }
  return <h1>async {value} at {ctx.route}</h1>;
});
