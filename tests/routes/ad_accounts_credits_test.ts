import assert from "node:assert/strict";
import { pagesApp, signedUpClient } from "./_helpers/pages.ts";

Deno.test("ad accounts: connect, rename, disconnect", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app);
  let id = "";

  await t.step("the connect form shows field errors", async () => {
    const response = await client.post("/ad-accounts", {
      intent: "connect",
      name: "",
      currency: "XXX",
      timezone: "Nowhere/Land",
    });
    assert.equal(response.status, 422);
    for (const field of ["name", "currency", "timezone"]) {
      assert.match(response.body, new RegExp(`data-field-error="field-${field}"`), field);
    }
  });

  await t.step("connecting lists the account", async () => {
    const page = await client.follow(
      await client.post("/ad-accounts", {
        intent: "connect",
        name: "Euro Shop",
        currency: "EUR",
        timezone: "Europe/Berlin",
      }),
    );
    assert.match(page.body, /“Euro Shop” is connected/);
    assert.match(page.body, /EUR · Europe\/Berlin/);
    id = page.body.match(/data-ad-account-id="([^"]+)"/)![1];
  });

  await t.step("rename, then disconnect behind a <details> confirmation", async () => {
    const renamed = await client.follow(
      await client.post("/ad-accounts", { intent: "rename", id, name: "Euro Store" }),
    );
    assert.match(renamed.body, /Renamed to “Euro Store”/);
    assert.match(renamed.body, /<details>[\s\S]*?Disconnect…/);
    const gone = await client.follow(
      await client.post("/ad-accounts", { intent: "disconnect", id }),
    );
    assert.match(gone.body, /“Euro Store” is disconnected/);
    assert.match(gone.body, /No ad accounts yet/);
    const again = await client.post("/ad-accounts", { intent: "disconnect", id });
    assert.equal(again.status, 404);
  });

  await t.step("both are in the change history, as the account's own changes", async () => {
    const { body } = await client.get("/changes");
    assert.match(body, /Renamed the ad account[^]*?Euro Shop[^]*?Euro Store/);
    assert.match(body, /Disconnected the ad account/);
    assert.match(body, new RegExp(`Ad account ${id.slice(0, 8)}… \\(disconnected\\)`));
    assert.doesNotMatch(body, /data-rollback-change/, "not offered for rollback");
  });
});

Deno.test("credits: balance and ledger", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app);
  const { body } = await client.get("/credits");
  assert.match(body, /data-balance="100"/);
  assert.match(body, /Signup grant/);
  assert.match(body, /\+100/);
  assert.match(body, /Showing <strong>1<\/strong>–<strong>1<\/strong>/);
});
