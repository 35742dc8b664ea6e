/**
 * The reader's locale and time zone for the length of one request, on the server: the signed-in
 * middleware runs each page inside `withDisplaySettings`, and `pages/format.ts` reads them from
 * here, so no component needs them passed down. Server-only (it uses `node:async_hooks`).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DEFAULT_DISPLAY_SETTINGS, type DisplaySettings } from "../domain/dates.ts";
import { setDisplaySettingsSource } from "./format.ts";

const scope = new AsyncLocalStorage<DisplaySettings>();

setDisplaySettingsSource(() => scope.getStore() ?? DEFAULT_DISPLAY_SETTINGS);

/** Runs `render` (and everything it awaits) with `settings` as the reader's. */
export function withDisplaySettings<T>(settings: DisplaySettings, render: () => T): T {
  return scope.run(settings, render);
}
