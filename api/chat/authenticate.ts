/**
 * Who opens a chat socket. Three ways, checked before upgrading (a refused upgrade is a plain
 * HTTP 401/403, never an open socket):
 *
 * - `Authorization: Bearer <token>` (access JWT or API token), for clients that set headers;
 * - the subprotocol `bearer.<token>` next to `aae.v1`, for clients that cannot (browsers'
 *   `new WebSocket(url, ["aae.v1", "bearer." + token])`); only `aae.v1` is echoed back;
 * - the session cookies, for our own pages: a browser attaches cookies to a cross-site WebSocket
 *   too, and the same-origin policy does not apply to WebSockets, so the `Origin` must be ours
 *   (cross-site WebSocket hijacking).
 *
 * The check also says how long the credentials stay valid (`CredentialValidity`), so the socket
 * is closed with `CLOSE_CODES.credentialsExpired` when they lapse: an access JWT at its `exp`;
 * an API token, and the sign-in behind an access JWT or session cookies, by periodic re-checks
 * (revocation, sign-out). A cookie socket is bound to its sign-in (refresh-token family), not to the
 * 15-minute access cookie, so it keeps streaming across cookie rotations until that sign-in ends.
 *
 * @module
 */
import type { RequestAuth } from "../../auth/authenticate.ts";
import {
  type AuthDependencies,
  authenticateBearer,
  authenticateRequest,
  bearerCredential,
  isSameOrigin,
} from "../../auth/authenticate.ts";
import { accessTokenExpiry, bearerStillValid, signInStillLive } from "../../auth/validity.ts";
import { hasSessionCookie } from "../middleware/auth.ts";
import type { CredentialValidity } from "./credentials.ts";
import { BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL } from "./protocol.ts";

/** The outcome of checking an upgrade request. */
export type UpgradeCheck =
  | { ok: true; auth: RequestAuth; protocol: string | undefined; validity: CredentialValidity }
  | { ok: false; status: 400 | 401 | 403; detail: string };

const UNAUTHENTICATED = {
  ok: false,
  status: 401,
  detail: "Missing, invalid or expired credentials",
} as const;

/** Subprotocols the client offered, in order. */
function offeredProtocols(req: Request): string[] {
  const header = req.headers.get("sec-websocket-protocol");
  if (!header) return [];
  return header.split(",").map((value) => value.trim()).filter(Boolean);
}

/** Authenticates a WebSocket upgrade request and picks the subprotocol to echo. */
export async function authenticateUpgrade(
  req: Request,
  deps: AuthDependencies,
): Promise<UpgradeCheck> {
  const protocols = offeredProtocols(req);
  // A client that offers subprotocols fails the handshake unless one is echoed; the bearer one
  // must never be (it would put the token into logs and proxies' responses).
  if (protocols.length > 0 && !protocols.includes(CHAT_SUBPROTOCOL)) {
    return { ok: false, status: 400, detail: `Offer the "${CHAT_SUBPROTOCOL}" subprotocol` };
  }
  const protocol = protocols.length > 0 ? CHAT_SUBPROTOCOL : undefined;
  const bearerProtocol = protocols.find((value) => value.startsWith(BEARER_SUBPROTOCOL_PREFIX));

  let auth: RequestAuth | null;
  /** The bearer credential, kept to learn its expiry and to re-check it later. */
  let bearer: string | undefined;
  if (req.headers.has("authorization")) {
    auth = await authenticateRequest(req, deps);
    bearer = bearerCredential(req) || undefined;
  } else if (bearerProtocol !== undefined) {
    const token = bearerProtocol.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    // The REST bearer path as is: same token kinds, same checks.
    auth = token ? await authenticateBearer(deps, token) : null;
    bearer = token;
  } else if (hasSessionCookie(req)) {
    // Checked before the cookies are used, so a cross-site page cannot even rotate them.
    if (!isSameOrigin(req, deps.config)) {
      return { ok: false, status: 403, detail: "Cross-site WebSocket rejected: Origin mismatch" };
    }
    auth = await authenticateRequest(req, deps);
  } else {
    auth = null;
  }
  if (!auth) return UNAUTHENTICATED;
  const validity = credentialValidity(auth, bearer, deps);
  if (!validity) return UNAUTHENTICATED;
  return { ok: true, auth, protocol, validity };
}

/**
 * How long the credentials of an authenticated upgrade stay valid; null when they cannot be
 * watched (an access JWT without a readable expiry or session).
 */
function credentialValidity(
  auth: RequestAuth,
  bearer: string | undefined,
  deps: AuthDependencies,
): CredentialValidity | null {
  const { actor } = auth;
  switch (auth.method) {
    case "access_token": {
      // Valid until `exp` at the latest, and only while its sign-in lasts, as in REST.
      const expiresAt = bearer === undefined ? null : accessTokenExpiry(bearer);
      const sessionId = auth.sessionId;
      if (!expiresAt || sessionId === null) return null;
      return { expiresAt, revalidate: () => signInStillLive(deps.domain, actor, sessionId) };
    }
    case "api_token": {
      if (bearer === undefined) return null;
      const token = bearer;
      return { revalidate: () => bearerStillValid(token, actor, deps) };
    }
    case "cookie": {
      // The access cookie lives 15 minutes and the browser renews it by rotating the refresh
      // token; the sign-in is what stays, so that is what the socket is checked against (the
      // session named by the cookie stays valid across rotations until its sign-in ends).
      const sessionId = auth.sessionId;
      if (sessionId === null) return null;
      return { revalidate: () => signInStillLive(deps.domain, actor, sessionId) };
    }
  }
}
