import type { Handlers } from "$fresh/server.ts";

export const handler: Handlers = {
  GET: () => new Response("got", { headers: { "x-method": "GET" } }),
  POST: async (req) => new Response(`posted ${await req.text()}`, { status: 201 }),
};
