/**
 * One-shot messages across a redirect (Post/Redirect/Get): a handler sets a short-lived cookie
 * with the redirect, the next page shows it and clears it.
 *
 * @module
 */
import { parse, serialize } from "hono/utils/cookie";

/** Name of the flash cookie. */
export const FLASH_COOKIE = "aae_flash";

/** A message shown once at the top of the next page. */
export interface Flash {
  kind: "success" | "error";
  message: string;
}

/** The `Set-Cookie` value carrying `flash` to the next page (one minute at most). */
export function flashCookie(flash: Flash): string {
  return serialize(FLASH_COOKIE, `${flash.kind}:${flash.message.slice(0, 300)}`, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: 60,
  });
}

/** The `Set-Cookie` value removing the flash cookie. */
export function clearFlashCookie(): string {
  return serialize(FLASH_COOKIE, "", { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 0 });
}

/** The flash carried by a request's cookies, or null. */
export function flashFromCookies(header: string | null): Flash | null {
  if (!header) return null;
  const value = parse(header, FLASH_COOKIE)[FLASH_COOKIE];
  if (!value) return null;
  const split = value.indexOf(":");
  const kind = value.slice(0, split);
  const message = value.slice(split + 1);
  if ((kind !== "success" && kind !== "error") || !message) return null;
  return { kind, message };
}
