/**
 * Who is making a request, for the API and the pages alike. A bearer credential (access JWT or
 * personal API token, told apart by the API token prefix) wins; otherwise the session cookies,
 * rotating the refresh cookie transparently when the access cookie has expired. Also the
 * same-origin check that cookie-authenticated unsafe requests must pass (CSRF defence).
 *
 * @module
 */
import type { Actor, Clock, Domain } from "../domain/mod.ts";
import { API_TOKEN_PREFIX } from "../domain/api_tokens.ts";
import { UnauthenticatedError } from "../domain/errors.ts";
import type { SessionClientInput } from "../domain/sessions.ts";
import { type ChangeSource, PERSON } from "../domain/write_gateway.ts";
import type { Config } from "../lib/config.ts";
import type { AccessTokenClaims, AccessTokens } from "./access_tokens.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE, requestCookies, sessionCookies } from "./cookies.ts";

/** What request authentication needs. */
export interface AuthDependencies {
  domain: Domain;
  accessTokens: AccessTokens;
  config: Pick<Config, "PUBLIC_URL">;
  clock?: Clock;
}

/** How a request proved who it is. */
export type AuthMethod = "access_token" | "api_token" | "cookie";

/** The authenticated caller of a request. */
export interface RequestAuth {
  actor: Actor;
  method: AuthMethod;
  /** The session of an access token or cookie; null for API tokens. */
  sessionId: string | null;
  /** The API token's id; null for sessions. */
  apiTokenId: string | null;
  /** `Set-Cookie` values to add to the response (after a transparent cookie refresh). */
  setCookies: string[];
}

/** A freshly issued sign-in: access token, refresh token and their lifetimes. */
export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}

const now = (deps: { clock?: Clock }) => deps.clock?.now() ?? new Date();

/** Issues an access token for a session created or rotated by the domain. */
export async function issueTokens(
  deps: Pick<AuthDependencies, "accessTokens" | "clock">,
  session: {
    actor: { userId: string; role: "user" | "admin" };
    refreshToken: string;
    session: { id: string; expiresAt: string };
  },
): Promise<IssuedTokens> {
  const access = await deps.accessTokens.issue({
    userId: session.actor.userId,
    sessionId: session.session.id,
    role: session.actor.role,
  }, now(deps));
  return {
    accessToken: access.token,
    expiresIn: deps.accessTokens.ttlSeconds,
    refreshToken: session.refreshToken,
    refreshExpiresAt: session.session.expiresAt,
  };
}

/** `Set-Cookie` values storing freshly issued tokens in the browser. */
export function tokenCookies(
  tokens: IssuedTokens,
  deps: { config: Pick<Config, "PUBLIC_URL">; clock?: Clock },
): string[] {
  return sessionCookies(
    {
      accessToken: tokens.accessToken,
      accessTtlSeconds: tokens.expiresIn,
      refreshToken: tokens.refreshToken,
      refreshExpiresAt: tokens.refreshExpiresAt,
    },
    deps.config,
    now(deps),
  );
}

/** The `Authorization: Bearer` credential, `undefined` without the header, "" when malformed. */
export function bearerCredential(req: Request): string | undefined {
  const header = req.headers.get("authorization");
  if (header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : "";
}

/**
 * The caller a bearer credential (API token or access JWT) authenticates, or null: the checks of
 * an `Authorization: Bearer` request, for credentials that arrive another way (a WebSocket
 * subprotocol) or are checked again later (a long-lived socket).
 */
export async function authenticateBearer(
  deps: AuthDependencies,
  token: string,
): Promise<RequestAuth | null> {
  if (token.startsWith(API_TOKEN_PREFIX)) {
    try {
      const { actor, token: apiToken } = await deps.domain.apiTokens.authenticate(token);
      return {
        actor,
        method: "api_token",
        sessionId: null,
        apiTokenId: apiToken.id,
        setCookies: [],
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) return null;
      throw error;
    }
  }
  const claims = await deps.accessTokens.verify(token, now(deps));
  return claims ? await signedIn(deps, claims, "access_token") : null;
}

/**
 * The caller of verified access-token claims while their sign-in lasts, or null: an access
 * token stops working when its sign-in is signed out or revoked (or its user deleted), not only
 * at its `exp`.
 */
async function signedIn(
  deps: AuthDependencies,
  claims: AccessTokenClaims,
  method: "access_token" | "cookie",
): Promise<RequestAuth | null> {
  const actor = await deps.domain.sessions.signedInActor(claims.userId, claims.sessionId);
  return actor
    ? { actor, method, sessionId: claims.sessionId, apiTokenId: null, setCookies: [] }
    : null;
}

/** Client details recorded with a session. */
export function sessionClient(req: Request, ipAddress?: string): SessionClientInput {
  const userAgent = req.headers.get("user-agent")?.slice(0, 512);
  return { userAgent: userAgent || undefined, ipAddress: ipAddress?.slice(0, 64) };
}

async function fromCookies(deps: AuthDependencies, req: Request): Promise<RequestAuth | null> {
  const cookies = requestCookies(req);
  const refresh = cookies[REFRESH_COOKIE];
  // Parallel requests of one page carry the same refresh cookie: they rotate it once and share
  // the result, instead of a later rotation looking like token reuse and revoking the session.
  // A request joins before its first await, so a sibling whose access-token check finishes after
  // the rotation still shares it; a request arriving after all siblings finished does not.
  const group = refresh ? joinRotationGroup(refresh) : null;
  try {
    const access = cookies[ACCESS_COOKIE];
    const claims = access ? await deps.accessTokens.verify(access, now(deps)) : null;
    if (claims) {
      const auth = await signedIn(deps, claims, "cookie");
      if (auth) return auth;
    }
    // An expired access cookie is renewed from the refresh cookie; so is one whose sign-in ended,
    // which the rotation then refuses, as it is the same sign-in.
    if (!group) return null;
    group.rotation ??= rotateCookie(deps, req, refresh);
    return await group.rotation;
  } finally {
    if (group && --group.members === 0) rotationGroups.delete(refresh);
  }
}

/** Requests of this process in progress with one refresh cookie, and its rotation once begun. */
interface RotationGroup {
  members: number;
  rotation?: Promise<RequestAuth | null>;
}

const rotationGroups = new Map<string, RotationGroup>();

function joinRotationGroup(refresh: string): RotationGroup {
  let group = rotationGroups.get(refresh);
  if (!group) rotationGroups.set(refresh, group = { members: 0 });
  group.members++;
  return group;
}

async function rotateCookie(
  deps: AuthDependencies,
  req: Request,
  refresh: string,
): Promise<RequestAuth | null> {
  try {
    const rotated = await deps.domain.sessions.rotate(refresh, sessionClient(req));
    const tokens = await issueTokens(deps, rotated);
    return {
      actor: rotated.actor,
      method: "cookie",
      sessionId: rotated.session.id,
      apiTokenId: null,
      setCookies: tokenCookies(tokens, deps),
    };
  } catch (error) {
    if (error instanceof UnauthenticatedError) return null;
    throw error;
  }
}

/**
 * Who a request's changes are recorded as: a person for a sign-in (the web app, or an access
 * token from signing in), an API token's software otherwise.
 */
export function changeSourceOf(auth: RequestAuth): ChangeSource {
  return auth.apiTokenId === null ? PERSON : { kind: "api_token", tokenId: auth.apiTokenId };
}

/**
 * The authenticated caller of `req`, or null. A present but invalid `Authorization` header is
 * null (no fallback to cookies). With cookies, `setCookies` may carry rotated session cookies
 * the caller must add to its response.
 */
export async function authenticateRequest(
  req: Request,
  deps: AuthDependencies,
): Promise<RequestAuth | null> {
  const bearer = bearerCredential(req);
  if (bearer !== undefined) return bearer ? await authenticateBearer(deps, bearer) : null;
  return await fromCookies(deps, req);
}

/** Methods that change state and therefore need the same-origin check under cookies. */
export function isUnsafeMethod(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Whether `req` comes from our own pages: its `Origin` (or, without one, `Referer`) is the
 * request's own origin or `PUBLIC_URL`'s. Requests with neither header fail.
 */
export function isSameOrigin(req: Request, config: Pick<Config, "PUBLIC_URL">): boolean {
  const source = originOf(req.headers.get("origin")) ?? originOf(req.headers.get("referer"));
  if (!source) return false;
  const allowed = [new URL(req.url).origin];
  if (config.PUBLIC_URL) allowed.push(new URL(config.PUBLIC_URL).origin);
  return allowed.includes(source);
}
