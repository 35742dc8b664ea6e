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
 * The sign-in (refresh-token family) that session `sessionId` belongs to, or null when that
 * session is no longer the live head of a family (signed out, revoked, expired, or rotated
 * since). Access tokens and cookies name the session current when they were issued.
 */
export async function liveSessionFamily(
  domain: Pick<Domain, "sessions">,
  actor: Actor,
  sessionId: string,
): Promise<string | null> {
  const live = await domain.sessions.list(actor);
  return live.find((session) => session.id === sessionId)?.familyId ?? null;
}

/**
 * Whether a sign-in family is still live: its refresh token could still be exchanged, so a
 * browser holding it would stay signed in. False once it is signed out (`logout`), revoked
 * (one session or all), expired, or revoked for refresh-token reuse.
 */
export async function sessionFamilyLive(
  domain: Pick<Domain, "sessions">,
  actor: Actor,
  familyId: string,
): Promise<boolean> {
  // `list` is the domain's own definition of a live session; rotation keeps the family.
  const live = await domain.sessions.list(actor);
  return live.some((session) => session.familyId === familyId);
}
