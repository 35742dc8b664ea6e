import assert from "node:assert/strict";
import { backendTest } from "../_helpers/backend.ts";
import { startOidcProvider } from "../_helpers/oidc_provider.ts";
import { apiTest, openApi } from "./_helpers/harness.ts";

function cookiesFrom(response: { headers: Headers }): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const index = pair.indexOf("=");
    jar[pair.slice(0, index)] = pair.slice(index + 1);
  }
  return jar;
}

const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar).filter(([, value]) => value).map(([k, v]) => `${k}=${v}`).join("; ");

backendTest(
  "Sign in with Google: authorization code + PKCE against a local provider",
  async (t, backend) => {
    const provider = await startOidcProvider();
    try {
      const api = await openApi(backend, {
        config: {
          GOOGLE_CLIENT_ID: provider.clientId,
          GOOGLE_CLIENT_SECRET: provider.clientSecret,
          GOOGLE_ISSUER: provider.issuer,
        },
      });
      const { client } = api;

      /** start → provider authorize → back at the callback URL; returns the callback request. */
      const authorize = async (returnTo = "/campaigns") => {
        const start = await client.request("GET", `/auth/google/start?return_to=${returnTo}`);
        assert.equal(start.status, 302);
        const location = new URL(start.headers.get("location")!);
        assert.equal(location.origin, provider.issuer);
        assert.equal(location.searchParams.get("code_challenge_method"), "S256");
        assert.ok(location.searchParams.get("nonce") && location.searchParams.get("state"));
        const jar = cookiesFrom(start);
        assert.ok(jar.aae_oidc, "state cookie set");
        assert.match(start.headers.getSetCookie()[0], /HttpOnly/);
        const consent = await fetch(location, { redirect: "manual" });
        await consent.body?.cancel();
        assert.equal(consent.status, 302);
        const callback = new URL(consent.headers.get("location")!);
        assert.equal(callback.pathname, "/api/v1/auth/google/callback");
        return { path: `${callback.pathname}${callback.search}`, callback, jar };
      };

      await t.step("browser flow: session cookies and a redirect to return_to", async () => {
        const { path, jar } = await authorize();
        const done = await client.request("GET", path, { headers: { cookie: cookieHeader(jar) } });
        assert.equal(done.status, 302);
        assert.equal(done.headers.get("location"), "/campaigns");
        const session = cookiesFrom(done);
        assert.ok(session.aae_access && session.aae_refresh?.startsWith("aaer_"));
        assert.equal(session.aae_oidc, "", "the state cookie is cleared");
        const me = await client.request("GET", "/users/me", {
          headers: { cookie: cookieHeader(session) },
        });
        assert.equal(me.status, 200);
        assert.equal(me.body.data.email, "gina@example.test");
        assert.equal(me.body.data.google_linked, true);
        assert.equal(me.body.data.has_password, false);
        assert.equal(me.body.data.display_name, "Gina");
      });

      await t.step("API flow: Accept: application/json answers the token pair", async () => {
        const { path, jar } = await authorize();
        const done = await client.request("GET", path, {
          headers: { cookie: cookieHeader(jar), accept: "application/json" },
        });
        assert.equal(done.status, 200);
        assert.equal(done.body.data.token_type, "bearer");
        const me = await client.request("GET", "/users/me", { token: done.body.data.access_token });
        assert.equal(me.body.data.email, "gina@example.test");
      });

      await t.step("the code is single-use", async () => {
        const { path, jar } = await authorize();
        const first = await client.request("GET", path, { headers: { cookie: cookieHeader(jar) } });
        assert.equal(first.status, 302);
        const replay = await client.request("GET", path, {
          headers: { cookie: cookieHeader(jar) },
        });
        assert.equal(replay.status, 401);
        assert.ok(provider.rejected.includes("unknown code"));
      });

      await t.step("state mismatch or a missing state cookie is 401", async () => {
        const { callback, jar } = await authorize();
        callback.searchParams.set("state", "forged");
        const forged = await client.request("GET", `${callback.pathname}${callback.search}`, {
          headers: { cookie: cookieHeader(jar) },
        });
        assert.equal(forged.status, 401);
        const other = await authorize();
        const noCookie = await client.request("GET", other.path);
        assert.equal(noCookie.status, 401);
        const tamperedCookie = await client.request("GET", other.path, {
          headers: { cookie: `aae_oidc=${other.jar.aae_oidc.slice(0, -3)}abc` },
        });
        assert.equal(tamperedCookie.status, 401);
      });

      for (
        const [name, tamper] of [
          ["wrong nonce", { nonce: "replayed-nonce" }],
          ["wrong audience", { aud: "someone-else" }],
          ["wrong issuer", { iss: "https://evil.example" }],
          ["expired ID token", { exp: Math.floor(Date.now() / 1000) - 600 }],
        ] as const
      ) {
        await t.step(`an ID token with a ${name} is rejected`, async () => {
          provider.tamper = tamper;
          try {
            const { path, jar } = await authorize();
            const response = await client.request("GET", path, {
              headers: { cookie: cookieHeader(jar) },
            });
            assert.equal(response.status, 401, response.text);
            assert.match(response.body.detail, /Google sign-in failed/);
          } finally {
            provider.tamper = {};
          }
        });
      }

      await t.step("the provider's error and open redirects", async () => {
        const refused = await client.request("GET", "/auth/google/callback?error=access_denied");
        assert.equal(refused.status, 401);
        const { path, jar } = await authorize("//evil.example/x");
        const done = await client.request("GET", path, { headers: { cookie: cookieHeader(jar) } });
        assert.equal(done.headers.get("location"), "/");
      });

      await t.step("an unverified email cannot create an account", async () => {
        provider.user = { sub: "google-sub-2", email: "new@example.test", emailVerified: false };
        const { path, jar } = await authorize();
        const response = await client.request("GET", path, {
          headers: { cookie: cookieHeader(jar) },
        });
        assert.equal(response.status, 401);
      });
    } finally {
      await provider.stop();
    }
  },
);

apiTest("Google sign-in is 404 when not configured", async (t, api) => {
  await t.step("start and callback", async () => {
    assert.equal((await api.client.request("GET", "/auth/google/start")).status, 404);
    assert.equal((await api.client.request("GET", "/auth/google/callback?code=x")).status, 404);
  });
});
