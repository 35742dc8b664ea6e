import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { SIGN_IN_CACHE_TTL_MS } from "../../domain/sign_in_cache.ts";
import { apiTest, TEST_JWT_SECRET } from "./_helpers/harness.ts";

const MINUTE = 60_000;

apiTest("registration, sign-in, profile and sign-out", async (t, api) => {
  const { client } = api;
  const session = await api.register("alice");

  await t.step("register returns a bearer token pair and the user", async () => {
    const response = await client.request("POST", "/auth/register", {
      body: { email: "Bob@Example.test", password: "long enough password", display_name: "Bob" },
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.data.token_type, "bearer");
    assert.equal(response.body.data.expires_in, 900);
    assert.equal(response.body.data.user.email, "bob@example.test");
    assert.equal(response.body.data.user.display_name, "Bob");
  });

  await t.step("registering the same email again is a 409", async () => {
    const response = await client.request("POST", "/auth/register", {
      body: { email: "bob@example.test", password: "another password" },
    });
    assert.equal(response.status, 409);
  });

  await t.step("invalid registration lists the fields", async () => {
    const response = await client.request("POST", "/auth/register", {
      body: { email: "not-an-email", password: "short" },
    });
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors.map((e: { field: string }) => e.field).sort(), [
      "email",
      "password",
    ]);
    assert.match(response.body.detail, /email/);
    assert.match(response.body.detail, /password/);
  });

  await t.step("login with the right password; wrong password is 401", async () => {
    const ok = await client.request("POST", "/auth/login", {
      body: { email: session.email.toUpperCase(), password: session.password },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.user.id, session.userId);
    const wrong = await client.request("POST", "/auth/login", {
      body: { email: session.email, password: "wrong password" },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys(wrong.body), ["detail"]);
  });

  await t.step("GET and PATCH /users/me", async () => {
    const me = await client.request("GET", "/users/me", { token: session.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.email, session.email);
    const patched = await client.request("PATCH", "/users/me", {
      token: session.accessToken,
      body: { display_name: "Alice A.", timezone: "Europe/Paris" },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.data.display_name, "Alice A.");
    assert.equal(patched.body.data.timezone, "Europe/Paris");
    const bad = await client.request("PATCH", "/users/me", {
      token: session.accessToken,
      body: { timezone: "Mars/Olympus", role: "admin" },
    });
    assert.equal(bad.status, 422);
  });

  await t.step("logout revokes the refresh token", async () => {
    const out = await client.request("POST", "/auth/logout", {
      token: session.accessToken,
      body: { refresh_token: session.refreshToken },
    });
    assert.equal(out.status, 200);
    assert.equal(out.body.data, null);
    const refresh = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: session.refreshToken },
    });
    assert.equal(refresh.status, 401);
  });
});

apiTest("refresh tokens rotate and a reused one revokes the whole sign-in", async (t, api) => {
  const { client } = api;
  const session = await api.register();

  const first = await client.request("POST", "/auth/refresh", {
    body: { refresh_token: session.refreshToken },
  });
  await t.step("refresh answers a new pair", () => {
    assert.equal(first.status, 200);
    assert.notEqual(first.body.data.refresh_token, session.refreshToken);
    assert.equal(first.body.data.user.id, session.userId);
  });

  await t.step("the new access token works", async () => {
    const me = await client.request("GET", "/users/me", { token: first.body.data.access_token });
    assert.equal(me.status, 200);
  });

  await t.step("reusing the old refresh token is 401 and revokes its successor too", async () => {
    const reuse = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: session.refreshToken },
    });
    assert.equal(reuse.status, 401);
    const successor = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: first.body.data.refresh_token },
    });
    assert.equal(successor.status, 401);
  });

  await t.step("refresh without any token is 401", async () => {
    const none = await client.request("POST", "/auth/refresh", { body: {} });
    assert.equal(none.status, 401);
  });
});

apiTest("credentials that are missing, expired, forged or revoked get 401", async (t, api) => {
  const { client, backend } = api;
  const session = await api.register();
  const me = (token?: string, headers?: Record<string, string>) =>
    client.request("GET", "/users/me", { token, headers });

  await t.step("missing", async () => {
    const response = await me();
    assert.equal(response.status, 401);
    assert.deepEqual(Object.keys(response.body), ["detail"]);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
  });

  await t.step("malformed Authorization headers", async () => {
    for (const value of ["Bearer", "Basic abc", "Bearer a b", "bearer ", "Token x"]) {
      assert.equal((await me(undefined, { authorization: value })).status, 401, value);
    }
  });

  await t.step("expired", async () => {
    backend.clock.advance(16 * MINUTE);
    assert.equal((await me(session.accessToken)).status, 401);
    backend.clock.advance(-16 * MINUTE);
    assert.equal((await me(session.accessToken)).status, 200);
  });

  const [header, payload] = session.accessToken.split(".");
  const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));

  await t.step("forged payload with the original signature", async () => {
    const forged = { ...claims, sub: crypto.randomUUID() };
    const encoded = btoa(JSON.stringify(forged)).replace(/=+$/, "").replace(/\+/g, "-")
      .replace(/\//g, "_");
    const signature = session.accessToken.split(".")[2];
    assert.equal((await me(`${header}.${encoded}.${signature}`)).status, 401);
  });

  await t.step("alg none", async () => {
    const unsigned = new UnsecuredJWT(claims).encode();
    assert.equal((await me(unsigned)).status, 401);
  });

  await t.step("wrong signature key", async () => {
    const key = new TextEncoder().encode("another-secret-key-of-at-least-32-chars!!");
    const other = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key);
    assert.equal((await me(other)).status, 401);
  });

  await t.step("API tokens: work until revoked", async () => {
    const created = await client.request("POST", "/api-tokens", {
      token: session.accessToken,
      body: { name: "script" },
    });
    assert.equal(created.status, 201);
    const secret = created.body.data.secret as string;
    assert.match(secret, /^aae_/);
    assert.equal(created.body.data.token.prefix, secret.slice(0, 12));
    assert.equal((await me(secret)).status, 200);

    const list = await client.request("GET", "/api-tokens", { token: secret });
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.ok(!list.text.includes(secret), "the secret is never listed");

    const revoked = await client.request("DELETE", `/api-tokens/${created.body.data.token.id}`, {
      token: session.accessToken,
    });
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.data.revoked_at);
    assert.equal((await me(secret)).status, 401);
    assert.equal((await me("aae_unknown")).status, 401);
  });

  await t.step("an expired API token is 401", async () => {
    const created = await client.request("POST", "/api-tokens", {
      token: session.accessToken,
      body: { name: "short-lived", expires_at: "2026-11-26T13:00:00Z" },
    });
    assert.equal(created.status, 201);
    assert.equal((await me(created.body.data.secret)).status, 200);
    backend.clock.advance(2 * 60 * MINUTE);
    assert.equal((await me(created.body.data.secret)).status, 401);
  });
});

apiTest("browser cookies: transparent refresh and the same-origin check", async (t, api) => {
  const { client, backend } = api;
  const session = await api.register();
  const cookie = `aae_access=${session.accessToken}; aae_refresh=${session.refreshToken}`;

  await t.step("GET with session cookies needs no Origin", async () => {
    const response = await client.request("GET", "/users/me", { headers: { cookie } });
    assert.equal(response.status, 200);
  });

  await t.step("cross-site or origin-less unsafe requests are 403", async () => {
    const attempts: Record<string, string>[] = [{ cookie }, {
      cookie,
      origin: "https://evil.example",
    }];
    for (const headers of attempts) {
      const response = await client.request("POST", "/conversations", { headers, body: {} });
      assert.equal(response.status, 403);
      assert.match(response.body.detail, /Origin/);
    }
    const referer = await client.request("PATCH", "/users/me", {
      headers: { cookie, referer: "https://evil.example/page" },
      body: { display_name: "pwned" },
    });
    assert.equal(referer.status, 403);
  });

  await t.step("same-origin unsafe requests pass (Origin or Referer)", async () => {
    const byOrigin = await client.request("POST", "/conversations", {
      headers: { cookie, origin: "http://localhost" },
      body: { title: "From the page" },
    });
    assert.equal(byOrigin.status, 201);
    const byReferer = await client.request("PATCH", "/users/me", {
      headers: { cookie, referer: "http://localhost/settings" },
      body: { display_name: "Via page" },
    });
    assert.equal(byReferer.status, 200);
  });

  await t.step("bearer requests need no Origin", async () => {
    const response = await client.request("POST", "/conversations", {
      token: session.accessToken,
      body: {},
    });
    assert.equal(response.status, 201);
  });

  await t.step("an expired access cookie is refreshed transparently", async () => {
    backend.clock.advance(20 * MINUTE);
    const response = await client.request("GET", "/users/me", { headers: { cookie } });
    assert.equal(response.status, 200);
    const setCookies = response.headers.getSetCookie();
    assert.equal(setCookies.length, 2);
    assert.ok(setCookies.every((value) => /HttpOnly/.test(value) && /SameSite=Lax/.test(value)));
    assert.ok(setCookies.some((value) => value.startsWith("aae_refresh=aaer_")));
    const again = await client.request("GET", "/users/me", { headers: { cookie } });
    assert.equal(again.status, 401, "the old refresh cookie was single-use");
  });

  await t.step("parallel requests with an expired access cookie rotate once", async () => {
    const fresh = await api.register();
    backend.clock.advance(20 * MINUTE);
    const jar = `aae_access=${fresh.accessToken}; aae_refresh=${fresh.refreshToken}`;
    const responses = await Promise.all(
      [1, 2, 3].map(() => client.request("GET", "/users/me", { headers: { cookie: jar } })),
    );
    assert.deepEqual(responses.map((response) => response.status), [200, 200, 200]);
    const cookies = responses.map((response) => response.headers.getSetCookie().join());
    assert.ok(cookies.every((value) => value === cookies[0]), "all got the same new cookies");
    const refresh = /aae_refresh=([^;]+)/.exec(cookies[0])![1];
    const next = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: refresh },
    });
    assert.equal(next.status, 200, "the session survived");
  });

  await t.step("refresh and logout through cookies", async () => {
    const fresh = await api.register();
    const jar = `aae_refresh=${fresh.refreshToken}`;
    const crossSite = await client.request("POST", "/auth/refresh", { headers: { cookie: jar } });
    assert.equal(crossSite.status, 403);
    const refreshed = await client.request("POST", "/auth/refresh", {
      headers: { cookie: jar, origin: "http://localhost" },
    });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.headers.getSetCookie().length, 2);
    const out = await client.request("POST", "/auth/logout", {
      headers: {
        cookie:
          `aae_access=${refreshed.body.data.access_token}; aae_refresh=${refreshed.body.data.refresh_token}`,
        origin: "http://localhost",
      },
    });
    assert.equal(out.status, 200);
    assert.ok(out.headers.getSetCookie().every((value) => /Max-Age=0/.test(value)));
    const reuse = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: refreshed.body.data.refresh_token },
    });
    assert.equal(reuse.status, 401);
  });
});

apiTest("Secure cookies when PUBLIC_URL is https", async (t, api) => {
  const session = await api.register();
  await t.step("the refreshed cookies are Secure", async () => {
    const response = await api.client.request("POST", "/auth/refresh", {
      headers: { cookie: `aae_refresh=${session.refreshToken}`, origin: "https://ads.example" },
    });
    assert.equal(response.status, 200);
    assert.ok(response.headers.getSetCookie().every((value) => /Secure/.test(value)));
  });
}, { config: { PUBLIC_URL: "https://ads.example" } });

apiTest("sign-in attempts are rate limited per account and per IP", async (t, api) => {
  const { client } = api;
  const session = await api.register();
  const attempt = (email: string) =>
    client.request("POST", "/auth/login", { body: { email, password: "wrong password" } });

  await t.step("per account: the 4th attempt within the window is 429", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await attempt(session.email)).status, 401);
    const limited = await attempt(session.email);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    assert.deepEqual(Object.keys(limited.body), ["detail"]);
    // Even the right password is refused while limited.
    const right = await client.request("POST", "/auth/login", {
      body: { email: session.email, password: session.password },
    });
    assert.equal(right.status, 429);
  });

  await t.step("per IP: other accounts from the same address are limited too", async () => {
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await attempt(`other${i}@example.test`)).status;
    assert.equal(last, 429);
  });
}, {
  config: {
    LOGIN_RATE_LIMIT_PER_ACCOUNT: "3",
    LOGIN_RATE_LIMIT_PER_IP: "8",
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: "60",
  },
});

apiTest("successful sign-ins do not count toward the sign-in limit", async (t, api) => {
  const { client } = api;
  const session = await api.register();
  const signIn = (password: string) =>
    client.request("POST", "/auth/login", { body: { email: session.email, password } });

  await t.step("12 successful sign-ins in a row all succeed (limit 3)", async () => {
    for (let i = 0; i < 12; i++) {
      assert.equal((await signIn(session.password)).status, 200, `#${i}`);
    }
  });

  await t.step(
    "failures still lock: 3 wrong passwords, then even the right one is 429",
    async () => {
      for (let i = 0; i < 3; i++) assert.equal((await signIn("wrong password")).status, 401);
      assert.equal((await signIn(session.password)).status, 429);
    },
  );
}, {
  config: {
    LOGIN_RATE_LIMIT_PER_ACCOUNT: "3",
    LOGIN_RATE_LIMIT_PER_IP: "8",
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: "60",
  },
});

apiTest("requests are rate limited per user", async (t, api) => {
  const session = await api.register();
  await t.step("the 6th request within a minute is 429 with Retry-After", async () => {
    for (let i = 0; i < 5; i++) {
      const ok = await api.client.request("GET", "/users/me", { token: session.accessToken });
      assert.equal(ok.status, 200);
    }
    const limited = await api.client.request("GET", "/users/me", { token: session.accessToken });
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
  });
}, { config: { API_RATE_LIMIT_PER_MINUTE: "5" } });

apiTest("an access token stops working when its sign-in ends", async (t, api) => {
  const { client } = api;
  const bearer = (token: string) => client.request("GET", "/users/me", { token });
  const cookie = (token: string) =>
    client.request("GET", "/users/me", { headers: { cookie: `aae_access=${token}` } });
  const signIn = async (email: string, password: string) => {
    const response = await client.request("POST", "/auth/login", { body: { email, password } });
    assert.equal(response.status, 200, response.text);
    return response.body.data as { access_token: string; refresh_token: string };
  };

  await t.step(
    "after POST /auth/logout: 401 as bearer and as cookie; other sign-ins go on",
    async () => {
      const session = await api.register();
      const elsewhere = await signIn(session.email, session.password);
      assert.equal((await bearer(session.accessToken)).status, 200);
      const out = await client.request("POST", "/auth/logout", {
        token: session.accessToken,
        body: { refresh_token: session.refreshToken },
      });
      assert.equal(out.status, 200);
      const refused = await bearer(session.accessToken);
      assert.equal(refused.status, 401);
      assert.deepEqual(Object.keys(refused.body), ["detail"]);
      assert.equal((await cookie(session.accessToken)).status, 401);
      assert.equal((await bearer(elsewhere.access_token)).status, 200, "another sign-in");
    },
  );

  await t.step("after POST /auth/logout with the access token only", async () => {
    const session = await api.register();
    const out = await client.request("POST", "/auth/logout", { token: session.accessToken });
    assert.equal(out.status, 200);
    assert.equal((await bearer(session.accessToken)).status, 401);
    const refresh = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: session.refreshToken },
    });
    assert.equal(refresh.status, 401, "the sign-in itself ended");
  });

  await t.step("rotating the refresh token keeps the sign-in's earlier access token", async () => {
    const session = await api.register();
    const rotated = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: session.refreshToken },
    });
    assert.equal(rotated.status, 200);
    assert.equal((await bearer(session.accessToken)).status, 200);
    assert.equal((await bearer(rotated.body.data.access_token)).status, 200);
  });

  await t.step(
    "after refresh-token reuse revokes the sign-in: every access token of it",
    async () => {
      const session = await api.register();
      const rotated = await client.request("POST", "/auth/refresh", {
        body: { refresh_token: session.refreshToken },
      });
      assert.equal(rotated.status, 200);
      const reuse = await client.request("POST", "/auth/refresh", {
        body: { refresh_token: session.refreshToken },
      });
      assert.equal(reuse.status, 401);
      for (const token of [session.accessToken, rotated.body.data.access_token]) {
        assert.equal((await bearer(token)).status, 401);
        assert.equal((await cookie(token)).status, 401);
      }
    },
  );

  await t.step("an ended sign-in's access token cannot sign out another one", async () => {
    const session = await api.register();
    const elsewhere = await signIn(session.email, session.password);
    await api.deps.domain.sessions.revokeAll({ userId: session.userId, role: "user" });
    const fresh = await signIn(session.email, session.password);
    const out = await client.request("POST", "/auth/logout", {
      token: elsewhere.access_token,
      body: { refresh_token: fresh.refresh_token },
    });
    assert.equal(out.status, 401);
    assert.equal((await bearer(fresh.access_token)).status, 200);
  });
});

apiTest(
  "an access token without exp, or of a user who no longer exists, gets 401",
  async (t, api) => {
    const { client, backend } = api;
    const me = (token: string) => client.request("GET", "/users/me", { token });
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const session = await api.register();
    const [, payload] = session.accessToken.split(".");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));

    await t.step("a validly signed token without exp", async () => {
      const { exp: _exp, ...withoutExp } = claims;
      const token = await new SignJWT(withoutExp).setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .sign(key);
      assert.equal((await me(token)).status, 401);
      // The same claims with exp pass, so the signature and the other claims are right.
      const withExp = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .sign(key);
      assert.equal((await me(withExp)).status, 200);
    });

    await t.step("a validly signed token of a user that never existed", async () => {
      const token = await new SignJWT({ ...claims, sub: crypto.randomUUID() })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
      assert.equal((await me(token)).status, 401);
    });

    await t.step("a token of a deleted user, as bearer and as cookie", async () => {
      assert.equal((await me(session.accessToken)).status, 200);
      await backend.db.kysely.updateTable("users").set({ deleted_at: "2026-11-26 12:00:00.000" })
        .where("id", "=", session.userId).execute();
      // Nothing announces a deletion made in the database: cached sign-ins notice it at expiry.
      backend.clock.advance(SIGN_IN_CACHE_TTL_MS);
      assert.equal((await me(session.accessToken)).status, 401);
      const cookie = await client.request("GET", "/users/me", {
        headers: { cookie: `aae_access=${session.accessToken}` },
      });
      assert.equal(cookie.status, 401);
    });
  },
);

apiTest("signing out with a refresh token that is not the caller's", async (t, api) => {
  const { client } = api;
  const alice = await api.register("alice");
  const bob = await api.register("bob");

  await t.step("is refused with {detail} and signs nobody out", async () => {
    for (const refresh_token of [bob.refreshToken, "aaer_not-a-real-token"]) {
      const out = await client.request("POST", "/auth/logout", {
        token: alice.accessToken,
        body: { refresh_token },
      });
      assert.ok(out.status >= 400 && out.status < 500, `${out.status} ${out.text}`);
      assert.deepEqual(Object.keys(out.body), ["detail"]);
      assert.equal(out.headers.getSetCookie().length, 0, "the caller's cookies are kept");
    }
    const aliceMe = await client.request("GET", "/users/me", { token: alice.accessToken });
    assert.equal(aliceMe.status, 200, "the caller is still signed in");
    const bobMe = await client.request("GET", "/users/me", { token: bob.accessToken });
    assert.equal(bobMe.status, 200, "the token's owner is still signed in");
    const bobRefresh = await client.request("POST", "/auth/refresh", {
      body: { refresh_token: bob.refreshToken },
    });
    assert.equal(bobRefresh.status, 200);
  });

  await t.step("the caller's own refresh token still signs the caller out", async () => {
    const out = await client.request("POST", "/auth/logout", {
      token: alice.accessToken,
      body: { refresh_token: alice.refreshToken },
    });
    assert.equal(out.status, 200);
    assert.equal(
      (await client.request("GET", "/users/me", { token: alice.accessToken })).status,
      401,
    );
  });
});
