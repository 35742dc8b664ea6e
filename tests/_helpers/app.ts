/**
 * The real app's handler from `main.ts`, created once per test process.
 *
 * @module
 */
import { createApp } from "@/main.ts";

let app: Promise<Deno.ServeHandler> | undefined;

/** The handler `deno task start` serves. */
export function appHandler(): Promise<Deno.ServeHandler> {
  app ??= createApp();
  return app;
}
