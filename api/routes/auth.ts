/**
 * Registration, password sign-in, refresh-token rotation and sign-out. Sign-in answers a token
 * pair for API clients; browsers may instead keep the refresh token in its HttpOnly cookie (the
 * refresh and logout routes read it when the body has none, behind the same-origin check).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { credentialsSchema, registerSchema, type User } from "../../domain/accounts.ts";
import type { Actor } from "../../domain/actor.ts";
import { UnauthenticatedError } from "../../domain/errors.ts";
import { endSignIn } from "../../auth/sign_out.ts";
import {
  type IssuedTokens,
  issueTokens,
  sessionClient,
  tokenCookies,
} from "../../auth/authenticate.ts";
import { clearSessionCookies, REFRESH_COOKIE, requestCookies } from "../../auth/cookies.ts";
import { fromSnake, snakeSchema } from "../case.ts";
import type { ApiApp, ApiEnv, RouteContext } from "../context.ts";
import { assertCsrfSafe } from "../middleware/auth.ts";
import { clientIp, limitAuthByIp, limitLogin } from "../middleware/rate_limit.ts";
import { dataResponse, jsonBody, privateRoute, publicRoute, respond } from "../openapi.ts";
import { TokenPairSchema } from "../schemas/accounts.ts";

const tags = ["Auth"];

const RefreshBodySchema = z.object({
  refresh_token: z.string().min(1).max(200).optional().openapi({
    description: "Omit to use the refresh cookie (browsers; same-origin only).",
  }),
});

const optionalJsonBody = <Schema extends z.ZodType>(schema: Schema) => ({
  required: false,
  content: { "application/json": { schema } },
});

/** The `TokenPair` body for an issued session. */
export function tokenPair(tokens: IssuedTokens, user: User) {
  return {
    access_token: tokens.accessToken,
    token_type: "bearer" as const,
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refreshToken,
    user,
  };
}

/** Registers the auth routes. */
export function registerAuthRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { domain } = deps;

  async function startSession(c: Context<ApiEnv>, actor: Actor) {
    const session = await domain.sessions.create(
      actor,
      sessionClient(c.req.raw, clientIp(c, deps.config)),
    );
    return await issueTokens(deps, { ...session, actor });
  }

  app.openapi(
    publicRoute({
      method: "post",
      path: "/auth/register",
      tags,
      summary: "Create an account and sign in",
      request: { body: jsonBody(snakeSchema(registerSchema)) },
      responses: { 201: dataResponse(TokenPairSchema, "Registered and signed in") },
    }),
    async (c) => {
      await limitAuthByIp(c, deps);
      const { user, actor } = await domain.accounts.register(
        fromSnake(registerSchema, c.req.valid("json")),
      );
      const tokens = await startSession(c, actor);
      return respond(c, tokenPair(tokens, user), "Registered", 201);
    },
  );

  app.openapi(
    publicRoute({
      method: "post",
      path: "/auth/login",
      tags,
      summary: "Sign in with email and password",
      description: "Rate limited per account and per client IP.",
      request: { body: jsonBody(snakeSchema(credentialsSchema)) },
      responses: { 200: dataResponse(TokenPairSchema, "Signed in") },
    }),
    async (c) => {
      const credentials = fromSnake(credentialsSchema, c.req.valid("json"));
      const attempt = await limitLogin(c, deps, credentials.email);
      const { user, actor } = await domain.accounts.authenticate(credentials);
      await attempt.succeeded();
      const tokens = await startSession(c, actor);
      return respond(c, tokenPair(tokens, user), "Signed in");
    },
  );

  app.openapi(
    publicRoute({
      method: "post",
      path: "/auth/refresh",
      tags,
      summary: "Exchange a refresh token for a new token pair",
      description: "Refresh tokens are single-use. Presenting one that was already exchanged " +
        "revokes every token of that sign-in.",
      request: { body: optionalJsonBody(RefreshBodySchema) },
      responses: { 200: dataResponse(TokenPairSchema, "New token pair") },
    }),
    async (c) => {
      await limitAuthByIp(c, deps);
      const body = c.req.valid("json");
      let token = body.refresh_token;
      const fromCookie = token === undefined;
      if (fromCookie) {
        token = requestCookies(c.req.raw)[REFRESH_COOKIE];
        if (!token) throw new UnauthenticatedError("No refresh token");
        assertCsrfSafe(c.req.raw, deps);
      }
      const rotated = await domain.sessions.rotate(
        token!,
        sessionClient(c.req.raw, clientIp(c, deps.config)),
      );
      const tokens = await issueTokens(deps, rotated);
      const user = await domain.accounts.getProfile(rotated.actor);
      if (fromCookie) {
        for (const cookie of tokenCookies(tokens, deps)) {
          c.header("Set-Cookie", cookie, { append: true });
        }
      }
      return respond(c, tokenPair(tokens, user), "Refreshed");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/auth/logout",
      tags,
      summary: "Sign out",
      description: "Ends the sign-in of the given refresh token (or of the refresh cookie, " +
        "or of the access token's session) and clears the session cookies. Every access token " +
        "of that sign-in stops working at once. A refresh token that is not one of the " +
        "caller's is refused with 403 and nothing is signed out.",
      request: { body: optionalJsonBody(RefreshBodySchema) },
      responses: { 200: dataResponse(z.null(), "Signed out") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const token = body.refresh_token ?? requestCookies(c.req.raw)[REFRESH_COOKIE];
      await endSignIn(domain, c.get("auth"), token);
      c.get("auth").setCookies = clearSessionCookies(deps.config);
      return respond(c, null, "Signed out");
    },
  );
}
