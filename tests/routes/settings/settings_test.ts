import assert from "node:assert/strict";
import { PageClient, pagesApp, signedUpClient } from "../_helpers/pages.ts";

Deno.test("settings: profile, password and API tokens", async (t) => {
  const app = await pagesApp();
  const { client, email, password } = await signedUpClient(app, "Settings Tester");

  await t.step("the profile form saves, and shows field errors", async () => {
    const bad = await client.post("/settings", {
      intent: "profile",
      displayName: "Renamed",
      locale: "en",
      timezone: "Mars/Olympus",
    });
    assert.equal(bad.status, 422);
    assert.match(
      bad.body,
      /data-field-error="field-timezone"[^>]*>Choose a time zone from the list\./,
    );
    const ok = await client.post("/settings", {
      intent: "profile",
      displayName: "Renamed",
      locale: "pt-BR",
      timezone: "Europe/Paris",
    });
    assert.equal(ok.status, 303);
    const page = await client.follow(ok);
    assert.match(page.body, /Profile saved/);
    assert.match(page.body, /data-user-name[^>]*>Renamed</);
    assert.match(page.body, /value="Europe\/Paris"/);
  });

  await t.step("changing the password needs the current one", async () => {
    const wrong = await client.post("/settings", {
      intent: "password",
      currentPassword: "not it at all",
      newPassword: "brand new password",
    });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body, /The current password is not right/);
    const ok = await client.post("/settings", {
      intent: "password",
      currentPassword: password,
      newPassword: "brand new password",
    });
    assert.equal(ok.status, 303);
    const login = await new PageClient(app).post("/login", {
      email,
      password: "brand new password",
    });
    assert.equal(login.status, 303);
  });

  await t.step("a new token's secret is shown once, then it can be revoked", async () => {
    const created = await client.post("/settings/tokens", {
      intent: "create",
      name: "CI script",
      expiresInDays: "30",
    });
    assert.equal(created.status, 303, "redirect after POST: a reload creates nothing");
    assert.equal(created.location, "/settings/tokens");
    assert.doesNotMatch(created.body, /aae_/);
    const carried = created.headers.getSetCookie().join("\n");
    assert.match(carried, /Path=\/settings\/tokens/);
    assert.doesNotMatch(carried, /aae_[A-Za-z0-9_-]{20}/, "the secret travels sealed");
    const shown = await client.follow(created);
    assert.equal(shown.status, 200);
    assert.equal(shown.headers.get("cache-control"), "no-store");
    assert.match(shown.body, /Copy your new token “CI script” now/);
    const secret = shown.body.match(/data-token-secret[^>]*>(aae_[^<]+)</)![1];
    const api = await app.handler(
      new Request("http://localhost/api/v1/users/me", {
        headers: { authorization: `Bearer ${secret}` },
      }),
      {
        remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
        completed: Promise.resolve(),
      },
    );
    assert.equal(api.status, 200, "the secret works with the API");
    await api.body?.cancel();
    const list = await client.get("/settings/tokens");
    assert.doesNotMatch(list.body, new RegExp(secret), "never shown again");
    assert.equal(list.body.match(/data-token-id=/g)?.length, 1, "one token, however often shown");
    const id = list.body.match(/data-token-id="([^"]+)"/)![1];
    assert.match(list.body, /data-status="active"/);
    const revoked = await client.follow(
      await client.post("/settings/tokens", { intent: "revoke", id }),
    );
    assert.match(revoked.body, /“CI script” is revoked/);
    assert.match(revoked.body, /data-status="revoked"/);
  });

  await t.step("a token needs a name", async () => {
    const response = await client.post("/settings/tokens", { intent: "create", name: " " });
    assert.equal(response.status, 422);
    assert.match(response.body, /data-field-error="field-name"/);
  });
});

Deno.test("a sealed token secret is shown only to the user who created it", async () => {
  const app = await pagesApp();
  const { client: creator } = await signedUpClient(app, "Creator");
  const { client: other } = await signedUpClient(app, "Other");
  const created = await creator.post("/settings/tokens", { intent: "create", name: "Mine" });
  assert.equal(created.status, 303);
  const sealed = creator.cookies.get("aae_new_token");
  assert.ok(sealed);
  other.cookies.set("aae_new_token", sealed);
  const page = await other.get("/settings/tokens");
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /data-token-secret/);
  const tampered = new PageClient(app);
  for (const [name, value] of creator.cookies) tampered.cookies.set(name, value);
  tampered.cookies.set("aae_new_token", `${sealed.slice(0, -4)}AAAA`);
  assert.doesNotMatch((await tampered.get("/settings/tokens")).body, /data-token-secret/);
});
