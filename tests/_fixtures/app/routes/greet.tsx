import type { Handlers, PageProps } from "$fresh/server.ts";

export const handler: Handlers<{ name: string }> = {
  GET(req, ctx) {
    const name = new URL(req.url).searchParams.get("name");
    if (!name) return ctx.renderNotFound();
    return ctx.render({ name }, { status: 202, headers: { "x-greeting": "yes" } });
  },
};

export default function Greet({ data }: PageProps<{ name: string }>) {
  return <h1>hello {data.name}</h1>;
}
