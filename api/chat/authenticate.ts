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
 * @module
 */
import type { RequestAuth } from "../context.ts";
import { type AuthDependencies, authenticateRequest, isSameOrigin } from "../auth/authenticate.ts";
import { hasSessionCookie } from "../middleware/auth.ts";
import { BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL } from "./protocol.ts";

/** The outcome of checking an upgrade request. */
export type UpgradeCheck =
  | { ok: true; auth: RequestAuth; protocol: string | undefined }
  | { ok: false; status: 400 | 401 | 403; detail: string };

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
  if (req.headers.has("authorization")) {
    auth = await authenticateRequest(req, deps);
  } else if (bearerProtocol !== undefined) {
    const token = bearerProtocol.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    // Reuses the REST bearer path as is: same token kinds, same checks.
    const asBearer = new Request(req.url, { headers: { authorization: `Bearer ${token}` } });
    auth = token ? await authenticateRequest(asBearer, deps) : null;
  } else if (hasSessionCookie(req)) {
    // Checked before the cookies are used, so a cross-site page cannot even rotate them.
    if (!isSameOrigin(req, deps.config)) {
      return { ok: false, status: 403, detail: "Cross-site WebSocket rejected: Origin mismatch" };
    }
    auth = await authenticateRequest(req, deps);
  } else {
    auth = null;
  }
  if (!auth) return { ok: false, status: 401, detail: "Missing, invalid or expired credentials" };
  return { ok: true, auth, protocol };
}
