/**
 * "Are these credentials still valid?", for connections that outlive the request that
 * authenticated them (chat WebSockets). Every check delegates to what REST requests use — the
 * bearer path of `authenticateRequest` and the domain's sessions service — so a long-lived
 * connection never trusts a credential that a REST request would refuse.
 *
 * @module
 */
import { decodeJwt } from "jose";
import type { Actor, Domain } from "../domain/mod.ts";
import { type AuthDependencies, authenticateBearer } from "./authenticate.ts";

/**
 * When an access token that `AccessTokens.verify` accepted stops being valid (its `exp`), or
 * null when it carries none. Only reads the payload: call it on verified tokens only.
 */
export function accessTokenExpiry(token: string): Date | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a bearer credential (access JWT or API token) still authenticates `actor`, checked
 * exactly as a REST request carrying it in `Authorization` would be: expiry, revocation,
 * deletion of the token or of its user.
 */
export async function bearerStillValid(
  token: string,
  actor: Actor,
  deps: AuthDependencies,
): Promise<boolean> {
  const auth = await authenticateBearer(deps, token);
  return auth !== null && auth.actor.userId === actor.userId;
}

/**
 * Whether the sign-in of session `sessionId` (an access token's or a session cookie's) still
 * lasts for `actor`: the same check `authenticateRequest` makes on every request.
 */
export async function signInStillLive(
  domain: Pick<Domain, "sessions">,
  actor: Actor,
  sessionId: string,
): Promise<boolean> {
  return await domain.sessions.signedInActor(actor.userId, sessionId) !== null;
}
