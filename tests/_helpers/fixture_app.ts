/**
 * The fixture app of `tests/_fixtures/app`, served in-process through `createHandler`. Built once
 * per test process because bundling its islands takes a moment.
 *
 * @module
 */
import { createHandler } from "$fresh/server.ts";
import manifest from "../_fixtures/app/fresh.gen.ts";

type PageHandler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

let handler: Promise<PageHandler> | undefined;

/** Connection info for requests made without a socket. */
export const fakeInfo: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 40000 },
  completed: Promise.resolve(),
};

/** The fixture app's handler. */
export function fixtureHandler(): Promise<PageHandler> {
  handler ??= createHandler(manifest);
  return handler;
}

/** Sends a request for `path` to `handle` (the fixture app by default). */
export async function request(
  path: string,
  init?: RequestInit,
  handle?: Deno.ServeHandler,
): Promise<Response> {
  const target = handle ?? await fixtureHandler();
  return await target(new Request(new URL(path, "http://localhost"), init), fakeInfo);
}

/** Requests `path` and returns the status, headers and body text. */
export async function fetchText(
  path: string,
  init?: RequestInit,
  handle?: Deno.ServeHandler,
): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await request(path, init, handle);
  return { status: response.status, headers: response.headers, body: await response.text() };
}
