/**
 * Sign in with Google as an OpenID Connect relying party: authorization code flow with PKCE
 * (S256), state and nonce. Endpoints come from `<issuer>/.well-known/openid-configuration`, so
 * any OIDC provider (a local one in tests) works the same; the ID token is verified against the
 * provider's JWKS (signature, issuer, audience, expiry) and its nonce against ours.
 *
 * @module
 */
import { base64url, createRemoteJWKSet, errors, jwtVerify } from "jose";
import { z } from "zod";
import type { GoogleIdentityInput } from "../domain/accounts.ts";
import { UnauthenticatedError } from "../domain/errors.ts";
import { randomSecret } from "../domain/secrets.ts";
import type { Config } from "../lib/config.ts";

const metadataSchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});

const tokenResponseSchema = z.object({ id_token: z.string().min(1) });

const claimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  name: z.string().optional(),
  nonce: z.string().optional(),
});

/** One authorization attempt: what the browser is sent with and what the callback checks. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The OIDC client for Google sign-in. */
export interface GoogleSignIn {
  /** True when client id and secret are configured. */
  readonly enabled: boolean;
  /** Builds the provider's authorization URL with fresh state, nonce and PKCE verifier. */
  authorize(redirectUri: string): Promise<AuthorizationRequest>;
  /** Exchanges the code and verifies the ID token; `UnauthenticatedError` on any failure. */
  finish(input: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
    nonce: string;
  }): Promise<GoogleIdentityInput>;
}

/** The S256 PKCE challenge of a verifier. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

function fail(reason: string): never {
  throw new UnauthenticatedError(`Google sign-in failed: ${reason}`);
}

/** Creates the client from configuration (`GOOGLE_CLIENT_ID`, `_SECRET`, `GOOGLE_ISSUER`). */
export function createGoogleSignIn(
  config: Pick<Config, "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET" | "GOOGLE_ISSUER">,
): GoogleSignIn {
  const clientId = config.GOOGLE_CLIENT_ID ?? "";
  const clientSecret = config.GOOGLE_CLIENT_SECRET ?? "";
  let discovery: Promise<z.output<typeof metadataSchema>> | undefined;
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  function metadata() {
    discovery ??= (async () => {
      const url = `${config.GOOGLE_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
      return metadataSchema.parse(await response.json());
    })().catch((error) => {
      discovery = undefined; // retry discovery on the next sign-in
      throw error;
    });
    return discovery;
  }

  return {
    enabled: clientId !== "" && clientSecret !== "",

    async authorize(redirectUri) {
      const provider = await metadata();
      const state = randomSecret();
      const nonce = randomSecret();
      const codeVerifier = randomSecret();
      const url = new URL(provider.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: "code",
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: "openid email profile",
        state,
        nonce,
        code_challenge: await codeChallenge(codeVerifier),
        code_challenge_method: "S256",
      }).toString();
      return { url: url.toString(), state, nonce, codeVerifier };
    },

    async finish({ code, redirectUri, codeVerifier, nonce }) {
      const provider = await metadata();
      const response = await fetch(provider.token_endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: redirectUri,
          client_id: clientId,
          client_secret: clientSecret,
          code_verifier: codeVerifier,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        await response.body?.cancel();
        fail(`token endpoint answered ${response.status}`);
      }
      const tokens = tokenResponseSchema.safeParse(await response.json().catch(() => null));
      if (!tokens.success) fail("no ID token");
      keys ??= createRemoteJWKSet(new URL(provider.jwks_uri));
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(tokens.data.id_token, keys, {
          issuer: provider.issuer,
          audience: clientId,
          algorithms: ["RS256", "ES256", "PS256"],
        }));
      } catch (error) {
        if (error instanceof errors.JOSEError) fail(`invalid ID token (${error.code})`);
        throw error;
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) fail("ID token lacks subject or email");
      if (claims.data.nonce !== nonce) fail("nonce mismatch");
      const verified = claims.data.email_verified;
      return {
        subject: claims.data.sub,
        email: claims.data.email,
        emailVerified: verified === true || verified === "true",
        displayName: claims.data.name?.trim().slice(0, 100) || undefined,
      };
    },
  };
}
