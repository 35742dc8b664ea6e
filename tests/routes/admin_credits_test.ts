/**
 * The admin credits page through the app handler: 403 for users who are not admins, the usage
 * table, a grant that redirects (303) with what was done, a form sent twice that grants once,
 * and errors as sentences for an unknown email, a bad amount, and a reused form.
 */
import assert from "node:assert/strict";
import { setRoleByEmail } from "../../domain/admin.ts";
import { pagesApp, signedUpClient } from "./_helpers/pages.ts";

Deno.test("admin credits page: admins only, grants once per form, errors in sentences", async (t) => {
  const app = await pagesApp();
  const { domain, db } = app.services;
  const admin = await signedUpClient(app, "Admin Person");
  const user = await signedUpClient(app, "Credit User");
  const userActor = (await domain.accounts.authenticate(user)).actor;

  await t.step("not an admin: 403, and no Admin menu entry", async () => {
    const page = await admin.client.get("/admin/credits");
    assert.equal(page.status, 403);
    assert.match(page.body, /Only admins can see this page/);
    assert.doesNotMatch(page.body, /href="\/admin\/credits"/);
  });

  await setRoleByEmail({ db, clock: { now: () => new Date() } }, admin.email, "admin");

  let requestId = "";
  await t.step("an admin sees the usage table and the menu entry", async () => {
    const page = await admin.client.get(`/admin/credits?q=${encodeURIComponent(user.email)}`);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`data-usage-user="${user.email}"`));
    assert.match(page.body, /href="\/admin\/credits"/);
    requestId = page.body.match(/name="requestId" value="([^"]+)"/)![1];
  });

  await t.step("a grant: 303 with a sentence; the same form sent twice grants once", async () => {
    const fields = { email: user.email, amount: "25", reason: "Onboarding call", requestId };
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await admin.client.post("/admin/credits", fields);
      assert.equal(response.status, 303);
      const page = await admin.client.follow(response);
      assert.match(
        page.body,
        new RegExp(`Granted 25 credits to ${user.email}. Their balance is 125.`),
      );
    }
    assert.equal(await domain.credits.balance(userActor), 125);
  });

  await t.step("errors: unknown email, bad amount, a reused form with other values", async () => {
    const unknown = await admin.client.post("/admin/credits", {
      email: "nobody@example.com",
      amount: "5",
      reason: "x",
      requestId: crypto.randomUUID(),
    });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body, /No user has this email/);
    for (const amount of ["", "0", "-3", "2.5", "lots"]) {
      const bad = await admin.client.post("/admin/credits", {
        email: user.email,
        amount,
        reason: "x",
        requestId: crypto.randomUUID(),
      });
      assert.equal(bad.status, 422, amount);
      assert.match(bad.body, /Enter a whole number of credits above 0/);
    }
    const reused = await admin.client.post("/admin/credits", {
      email: user.email,
      amount: "99",
      reason: "Onboarding call",
      requestId,
    });
    assert.equal(reused.status, 409);
    assert.match(reused.body, /This form was already used for a grant/);
    assert.equal(await domain.credits.balance(userActor), 125);
  });
});
