/**
 * Sign in with Google (enabled when `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET` are set).
 * `start` redirects to the provider with state, nonce and a PKCE challenge, remembered in a
 * signed 10-minute HttpOnly cookie; `callback` checks them, exchanges the code, verifies the ID
 * token and signs the user in. Browsers get the session cookies and a redirect to `return_to`;
 * a client sending `Accept: application/json` to the callback gets the token pair instead.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { serialize } from "hono/utils/cookie";
import { NotFoundError, UnauthenticatedError } from "../../domain/errors.ts";
import { issueTokens, sessionClient, tokenCookies } from "../../auth/authenticate.ts";
import { requestCookies, secureCookies } from "../../auth/cookies.ts";
import { createGoogleSignIn } from "../../auth/google.ts";
import type { ApiApp, ApiEnv, RouteContext } from "../context.ts";
import { clientIp, limitAuthByIp } from "../middleware/rate_limit.ts";
import { dataResponse, publicRoute, respond } from "../openapi.ts";
import { TokenPairSchema } from "../schemas/accounts.ts";
import { tokenPair } from "./auth.ts";

const STATE_COOKIE = "aae_oidc";
const STATE_PURPOSE = "oidc-state";
const STATE_TTL_SECONDS = 600;
const COOKIE_PATH = "/api/v1/auth/google";

const StartQuerySchema = z.object({
  return_to: z.string().max(2048).optional().openapi({
    description: "Path on this site to land on after signing in (default `/`).",
  }),
});

const CallbackQuerySchema = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(512).optional(),
});

/** Only local paths: never `//host` or another origin (no open redirect). */
function safeReturnPath(value: string | undefined): string {
  return value && /^\/(?![/\\])/.test(value) ? value : "/";
}

function redirectUri(c: Context<ApiEnv>, publicUrl: string | undefined): string {
  const origin = publicUrl ? new URL(publicUrl).origin : new URL(c.req.url).origin;
  return `${origin}${COOKIE_PATH}/callback`;
}

/** Registers `/auth/google/start` and `/auth/google/callback`. */
export function registerGoogleRoutes(app: ApiApp, { deps }: RouteContext): void {
  const google = createGoogleSignIn(deps.config);
  const tags = ["Auth"];
  const cookieBase = {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookies(deps.config),
  } as const;
  const assertEnabled = () => {
    if (!google.enabled) {
      throw new NotFoundError("Google sign-in", "Google sign-in is not configured");
    }
  };

  app.openapi(
    publicRoute({
      method: "get",
      path: "/auth/google/start",
      tags,
      summary: "Start signing in with Google (browser redirect)",
      request: { query: StartQuerySchema },
      responses: { 302: { description: "Redirect to the provider's consent page" } },
    }),
    async (c) => {
      assertEnabled();
      const attempt = await google.authorize(redirectUri(c, deps.config.PUBLIC_URL));
      const state = await deps.accessTokens.signPayload(
        STATE_PURPOSE,
        {
          state: attempt.state,
          nonce: attempt.nonce,
          verifier: attempt.codeVerifier,
          return_to: safeReturnPath(c.req.valid("query").return_to),
        },
        STATE_TTL_SECONDS,
        deps.clock?.now(),
      );
      c.header(
        "Set-Cookie",
        serialize(STATE_COOKIE, state, { ...cookieBase, maxAge: STATE_TTL_SECONDS }),
      );
      return c.redirect(attempt.url, 302);
    },
  );

  app.openapi(
    publicRoute({
      method: "get",
      path: "/auth/google/callback",
      tags,
      summary: "Finish signing in with Google",
      description: "Browsers: sets the session cookies and redirects. With " +
        "`Accept: application/json`: answers the token pair.",
      request: { query: CallbackQuerySchema },
      responses: {
        200: dataResponse(TokenPairSchema, "Signed in (JSON clients)"),
        302: { description: "Signed in; redirect to `return_to` with session cookies" },
      },
    }),
    async (c) => {
      assertEnabled();
      await limitAuthByIp(c, deps);
      c.header("Set-Cookie", serialize(STATE_COOKIE, "", { ...cookieBase, maxAge: 0 }));
      const query = c.req.valid("query");
      const cookie = requestCookies(c.req.raw)[STATE_COOKIE];
      const saved = cookie
        ? await deps.accessTokens.verifyPayload(STATE_PURPOSE, cookie, deps.clock?.now())
        : null;
      if (query.error) throw new UnauthenticatedError(`Google sign-in was refused: ${query.error}`);
      if (!saved || !query.state || saved.state !== query.state || !query.code) {
        throw new UnauthenticatedError("Google sign-in failed: state mismatch or expired");
      }
      const identity = await google.finish({
        code: query.code,
        redirectUri: redirectUri(c, deps.config.PUBLIC_URL),
        codeVerifier: String(saved.verifier),
        nonce: String(saved.nonce),
      });
      const { user, actor } = await deps.domain.accounts.signInWithGoogle(identity);
      const session = await deps.domain.sessions.create(
        actor,
        sessionClient(c.req.raw, clientIp(c, deps.config)),
      );
      const tokens = await issueTokens(deps, { ...session, actor });
      if (c.req.header("accept")?.includes("application/json")) {
        return respond(c, tokenPair(tokens, user), "Signed in");
      }
      for (const value of tokenCookies(tokens, deps)) {
        c.header("Set-Cookie", value, { append: true });
      }
      return c.redirect(safeReturnPath(String(saved.return_to ?? "/")), 302);
    },
  );
}
