/**
 * A value shown once after a redirect (a new API token's secret): the POST seals it into a
 * short-lived cookie scoped to the page that shows it and answers 303, and that page's GET opens
 * it, shows it and clears the cookie. So reloading the page creates nothing and shows nothing
 * again, and the cookie never holds the value readably (it is encrypted with the app's key).
 *
 * @module
 */
import { parse, serialize } from "hono/utils/cookie";
import { secureCookies } from "../auth/cookies.ts";
import type { PageServices } from "./state.ts";

/** Name of the cookie carrying the sealed value. */
export const REVEAL_COOKIE = "aae_new_token";

/** Seconds the sealed value waits for the page that shows it. */
const REVEAL_TTL_SECONDS = 60;

/** What a page reveals once: a label and the value itself. */
export interface RevealedValue {
  name: string;
  secret: string;
}

function attributes(services: PageServices, path: string) {
  return {
    path,
    httpOnly: true,
    sameSite: "Strict",
    secure: secureCookies(services.config),
  } as const;
}

/**
 * The `Set-Cookie` value carrying `value` (sealed, for `userId` only) to the next GET of `path`.
 */
export async function revealOnceCookie(
  services: PageServices,
  path: string,
  userId: string,
  value: RevealedValue,
): Promise<string> {
  const sealed = await services.accessTokens.sealPayload(
    `reveal:${path}`,
    { uid: userId, name: value.name, secret: value.secret },
    REVEAL_TTL_SECONDS,
  );
  return serialize(REVEAL_COOKIE, sealed, {
    ...attributes(services, path),
    maxAge: REVEAL_TTL_SECONDS,
  });
}

/**
 * The value sealed for `userId` at `path`, if the request carries one, and the `Set-Cookie`
 * value that clears it (sent whenever the cookie was there, shown or not).
 */
export async function takeRevealed(
  services: PageServices,
  req: Request,
  path: string,
  userId: string,
): Promise<{ value: RevealedValue | null; clear: string[] }> {
  const header = req.headers.get("cookie");
  const sealed = header ? parse(header, REVEAL_COOKIE)[REVEAL_COOKIE] : undefined;
  if (!sealed) return { value: null, clear: [] };
  const clear = [serialize(REVEAL_COOKIE, "", { ...attributes(services, path), maxAge: 0 })];
  const payload = await services.accessTokens.openPayload(`reveal:${path}`, sealed);
  if (
    !payload || payload.uid !== userId || typeof payload.name !== "string" ||
    typeof payload.secret !== "string"
  ) {
    return { value: null, clear };
  }
  return { value: { name: payload.name, secret: payload.secret }, clear };
}
