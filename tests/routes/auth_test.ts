import assert from "node:assert/strict";
import { createApp } from "../../main.ts";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../scripts/seed.ts";
import { ORIGIN, PageClient, pagesApp, seededDemo, signedUpClient } from "./_helpers/pages.ts";
import { fakeInfo } from "../_helpers/fixture_app.ts";

Deno.test("sign-in, sign-out and the guarded app", async (t) => {
  const app = await pagesApp();

  await t.step("signed out, app pages redirect to the login page with next", async () => {
    const client = new PageClient(app);
    for (const path of ["/dashboard", "/campaigns?status=active", "/settings"]) {
      const response = await client.get(path);
      assert.equal(response.status, 303, path);
      assert.equal(response.location, `/login?next=${encodeURIComponent(path)}`);
    }
  });

  // Only the embedded default shows them; on a configured database they stay hidden.
  const embedded = !Deno.env.get("DATABASE_URL");
  await t.step(
    "the login page shows the demo credentials on the embedded default only",
    async () => {
      const client = new PageClient(app);
      await seededDemo(app);
      const { status, body } = await client.get("/login?next=%2Fcampaigns");
      assert.equal(status, 200);
      assert.match(body, /<form method="post" action="\/login"/);
      assert.match(body, /<input type="hidden" name="next" value="\/campaigns"\/>/);
      const credentials = [
        new RegExp(`data-demo-email[^>]*>${DEMO_EMAIL}<`),
        new RegExp(`data-demo-password[^>]*>${DEMO_PASSWORD}<`),
      ];
      for (const pattern of credentials) {
        if (embedded) assert.match(body, pattern);
        else assert.doesNotMatch(body, pattern);
      }
      assert.doesNotMatch(body, /Sign in with Google/, "Google is not configured here");
    },
  );

  await t.step("a wrong password re-renders the form with a message", async () => {
    const client = new PageClient(app);
    const response = await client.post("/login", { email: DEMO_EMAIL, password: "nope-nope" });
    assert.equal(response.status, 400);
    assert.match(response.body, /The email or password is not right/);
    assert.match(response.body, new RegExp(`value="${DEMO_EMAIL}"`));
    assert.equal(client.cookies.size, 0);
  });

  await t.step("signing in sets the session cookies and continues to next", async () => {
    const client = new PageClient(app);
    const response = await client.post("/login", {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      next: "/campaigns",
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, "/campaigns");
    const cookies = response.headers.getSetCookie();
    assert.ok(cookies.some((c) => /^aae_access=.+HttpOnly/.test(c)), cookies.join("\n"));
    assert.ok(cookies.some((c) => /^aae_refresh=.+SameSite=Lax/.test(c)));
    const page = await client.follow(response);
    assert.equal(page.status, 200);
    assert.match(page.body, /data-user-name[^>]*>Demo User</);
    assert.match(page.body, /data-credit-balance="\d+"/);
    assert.match(page.body, /<form method="post" action="\/logout"/);
  });

  await t.step("an off-site next is ignored", async () => {
    const client = new PageClient(app);
    const response = await client.post("/login", {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      next: "//evil.example.com/",
    });
    assert.equal(response.location, "/dashboard");
  });

  await t.step("an expired access cookie is refreshed transparently", async () => {
    const { client } = await signedUpClient(app);
    client.cookies.delete("aae_access");
    const refresh = client.cookies.get("aae_refresh");
    const page = await client.get("/settings");
    assert.equal(page.status, 200);
    assert.ok(client.cookies.get("aae_access"), "a new access cookie");
    assert.notEqual(client.cookies.get("aae_refresh"), refresh, "the refresh cookie rotated");
  });

  await t.step("signing out revokes the session and clears the cookies", async () => {
    const { client } = await signedUpClient(app);
    const refresh = client.cookies.get("aae_refresh")!;
    const access = client.cookies.get("aae_access")!;
    const response = await client.post("/logout", {});
    assert.equal(response.status, 303);
    assert.equal(response.location, "/login");
    assert.equal(client.cookies.has("aae_access"), false);
    assert.equal(client.cookies.has("aae_refresh"), false);
    const login = await client.follow(response);
    assert.match(login.body, /You are signed out/);
    // The old refresh token no longer signs anyone in.
    const replay = new PageClient(app);
    replay.cookies.set("aae_refresh", refresh);
    assert.equal((await replay.get("/dashboard")).status, 303);
    // Nor does the old access token, though it has not expired: not on pages, not on the API.
    const stale = new PageClient(app);
    stale.cookies.set("aae_access", access);
    assert.equal((await stale.get("/dashboard")).status, 303);
    assert.equal((await stale.get("/api/v1/users/me")).status, 401);
    const bearer = await app.handler(
      new Request(`${ORIGIN}/api/v1/users/me`, { headers: { authorization: `Bearer ${access}` } }),
      fakeInfo,
    );
    assert.equal(bearer.status, 401);
  });

  await t.step("registration shows field errors, then signs the new user in", async () => {
    const client = new PageClient(app);
    const bad = await client.post("/register", { email: "not-an-email", password: "short" });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /data-field-error="field-email"/);
    assert.match(
      bad.body,
      /data-field-error="field-password"[^>]*>Password must be at least 8 characters\./,
    );
    const common = await client.post("/register", {
      email: "common@example.com",
      password: "password123",
    });
    assert.equal(common.status, 422);
    assert.match(
      common.body,
      /data-field-error="field-password"[^>]*>Password is too common; choose one that is harder to guess\./,
    );
    const taken = await client.post("/register", { email: DEMO_EMAIL, password: "long enough!" });
    assert.match(taken.body, /An account with this email already exists/);
    const { client: fresh } = await signedUpClient(app, "Fresh Person");
    const dashboard = await fresh.get("/dashboard");
    assert.match(dashboard.body, /data-user-name[^>]*>Fresh Person</);
    assert.match(dashboard.body, /Welcome to AAE/);
  });
});

Deno.test("forms posted from another site are rejected (CSRF)", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app);
  const cases: [string, Record<string, string>][] = [
    ["/campaigns/new", { name: "x" }],
    ["/ad-accounts", { intent: "connect", name: "x" }],
    ["/settings", { intent: "profile", displayName: "x" }],
    ["/settings/appearance", { theme: "dark" }],
    ["/logout", {}],
    ["/login", { email: DEMO_EMAIL, password: DEMO_PASSWORD }],
    ["/register", { email: "csrf@example.com", password: "long enough!" }],
  ];

  await t.step("without an Origin header → 403", async () => {
    for (const [path, fields] of cases) {
      const response = await client.post(path, fields, { origin: null });
      assert.equal(response.status, 403, path);
    }
  });

  await t.step("with a foreign Origin → 403, and nothing changed", async () => {
    for (const [path, fields] of cases) {
      const response = await client.post(path, fields, { origin: "https://evil.example.com" });
      assert.equal(response.status, 403, path);
    }
    assert.equal((await client.get("/dashboard")).status, 200, "still signed in");
    const accounts = await client.get("/ad-accounts");
    assert.match(accounts.body, /No ad accounts yet/);
  });
});

Deno.test("the login page adapts to the configuration", async (t) => {
  const app = await pagesApp();
  await seededDemo(app);
  const variant = async (overrides: Partial<typeof app.services.config>) => {
    const services = { ...app.services, config: { ...app.services.config, ...overrides } };
    return new PageClient({ services, handler: await createApp(services) });
  };

  await t.step("Google sign-in is offered when configured, returning to next", async () => {
    const client = await variant({ GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "secret" });
    const { body } = await client.get("/login?next=%2Fcampaigns");
    assert.match(
      body,
      /href="\/api\/v1\/auth\/google\/start\?return_to=%2Fcampaigns"[^>]*>Sign in with Google</,
    );
  });

  await t.step("demo credentials are never shown on a public https deployment", async () => {
    const client = await variant({ PUBLIC_URL: "https://ads.example.com" });
    const { body } = await client.get("/login");
    assert.doesNotMatch(body, /data-demo-email/);
  });
});

Deno.test("successful sign-ins never lock the account; failures still do", async (t) => {
  const app = await pagesApp();
  const { email, password } = await signedUpClient(app, "Frequent Visitor");
  const limit = app.services.config.LOGIN_RATE_LIMIT_PER_ACCOUNT;

  await t.step("12 successful sign-ins in a row all continue to the app", async () => {
    for (let i = 0; i < 12; i++) {
      const response = await new PageClient(app).post("/login", { email, password });
      assert.equal(response.status, 303, `sign-in #${i + 1}`);
    }
  });

  await t.step(`after ${limit} wrong passwords even the right one is refused`, async () => {
    const client = new PageClient(app);
    for (let i = 0; i < limit; i++) {
      const wrong = await client.post("/login", { email, password: "not the password" });
      assert.equal(wrong.status, 400);
    }
    const locked = await client.post("/login", { email, password });
    assert.equal(locked.status, 429);
    assert.match(locked.body, /Too many sign-in attempts\. Try again in about 15 minutes\./);
    assert.equal(client.cookies.size, 0);
  });
});

Deno.test("every page behind sign-in is Cache-Control: no-store", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Private Person");
  const paths = [
    "/dashboard",
    "/campaigns",
    "/campaigns/new",
    "/ad-accounts",
    "/approvals",
    "/changes",
    "/runs",
    "/assistant",
    "/credits",
    "/settings",
    "/settings/tokens",
    "/settings/appearance",
  ];
  for (const path of paths) {
    const response = await client.get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get("cache-control"), "no-store", path);
  }
});

Deno.test("the registration page sends a signed-in person on", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Already Here");
  const response = await client.get("/register?next=%2Fcampaigns");
  assert.equal(response.status, 303);
  assert.equal(response.location, "/campaigns");
  assert.equal((await client.get("/register")).location, "/dashboard");
  assert.equal((await new PageClient(app).get("/register")).status, 200, "signed out: the form");
});
