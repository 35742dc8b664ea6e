/**
 * Signing out, for the REST API and the pages alike: which sign-in a sign-out ends.
 *
 * @module
 */
import type { Domain } from "../domain/mod.ts";
import { NotFoundError } from "../domain/errors.ts";
import type { RequestAuth } from "./authenticate.ts";

/**
 * Ends a sign-in of the caller: the one of `refreshToken` when given — `ForbiddenError`, with
 * nothing ended, unless it is one of the caller's — else the one the caller authenticated with
 * (an access token's or session cookie's; an API token has none). Every access token issued in
 * that sign-in stops working at once.
 */
export async function endSignIn(
  domain: Pick<Domain, "sessions">,
  auth: RequestAuth,
  refreshToken?: string,
): Promise<void> {
  if (refreshToken) return await domain.sessions.logout(auth.actor, refreshToken);
  if (auth.sessionId === null) return;
  try {
    await domain.sessions.revoke(auth.actor, auth.sessionId);
  } catch (error) {
    // Already gone: signing out twice is not an error.
    if (!(error instanceof NotFoundError)) throw error;
  }
}
