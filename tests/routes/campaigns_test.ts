import assert from "node:assert/strict";
import { demoClient, type PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

/** Connects a sandbox account through the form; answers its id. */
async function connectAccount(client: PageClient, name = "Test Shop"): Promise<string> {
  const response = await client.post("/ad-accounts", {
    intent: "connect",
    name,
    currency: "USD",
    timezone: "UTC",
  });
  assert.equal(response.status, 303, response.body);
  const page = await client.follow(response);
  assert.match(page.body, new RegExp(`“${name}” is connected`));
  const id = page.body.match(/data-ad-account-id="([0-9a-f-]{36})"/)?.[1];
  assert.ok(id, "the account is listed");
  return id;
}

const validCampaign = (adAccountId: string) => ({
  name: "Spring Test",
  adAccountId,
  objective: "traffic",
  budgetType: "daily",
  budgetAmount: "19.99",
  startDate: "",
  endDate: "",
  landingUrl: "https://shop.example.com/spring",
  countries: "us, ca",
  ageMin: "18",
  ageMax: "44",
});

Deno.test("campaign pages", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app);
  const adAccountId = await connectAccount(client);
  let campaignId = "";

  await t.step(
    "invalid input re-renders the form with field errors and the typed values",
    async () => {
      const response = await client.post("/campaigns/new", {
        ...validCampaign(adAccountId),
        name: "  ",
        budgetAmount: "12.345",
        ageMin: "abc",
        landingUrl: "not a url",
        objective: "",
      });
      assert.equal(response.status, 422);
      const { body } = response;
      assert.match(body, /data-field-error="field-name"[^>]*>Enter a name/);
      assert.match(
        body,
        /data-field-error="field-budgetAmount"[^>]*>The amount must have at most 2 decimals/,
      );
      assert.match(body, /data-field-error="field-ageMin"/);
      assert.match(body, /data-field-error="field-objective"/);
      assert.match(body, /data-field-error="field-landingUrl"/);
      assert.match(body, /value="12.345"/, "typed values are kept");
      assert.match(body, /aria-invalid="true"/);
    },
  );

  await t.step("domain rules come back as field errors too", async () => {
    const response = await client.post("/campaigns/new", {
      ...validCampaign(adAccountId),
      budgetType: "lifetime",
      countries: "USA",
    });
    assert.equal(response.status, 422);
    assert.match(
      response.body,
      /data-field-error="field-countries"[^>]*>Enter countries as two-letter codes, such as US or DE\./,
    );
    const lifetime = await client.post("/campaigns/new", {
      ...validCampaign(adAccountId),
      budgetType: "lifetime",
    });
    assert.match(
      lifetime.body,
      /data-field-error="field-endDate"[^>]*>End date is required for a lifetime budget\./,
    );
    const backwards = await client.post("/campaigns/new", {
      ...validCampaign(adAccountId),
      startDate: "2030-05-10",
      endDate: "2030-05-01",
    });
    assert.equal(backwards.status, 422);
    assert.match(
      backwards.body,
      /data-field-error="field-endDate"[^>]*>End date must be on or after the start date\./,
    );
    assert.doesNotMatch(backwards.body, /data-field-error[^>]*>[^<]*(startDate|Too small|Invalid)/);
  });

  await t.step("valid input creates a draft with the exact budget and shows it", async () => {
    const response = await client.post("/campaigns/new", validCampaign(adAccountId));
    assert.equal(response.status, 303, response.body.slice(0, 500));
    campaignId = response.location!.match(/^\/campaigns\/([0-9a-f-]{36})$/)![1];
    const campaign = await app.services.domain.campaigns.get(
      { userId: await userIdOf(client), role: "user" },
      campaignId,
    );
    assert.equal(campaign.budgetAmountMinor, 1999);
    assert.deepEqual(campaign.targeting, { countries: ["US", "CA"], ageMin: 18, ageMax: 44 });
    assert.equal(campaign.status, "draft");
    const page = await client.follow(response);
    assert.match(page.body, /was created as a draft/);
    assert.match(page.body, /<h1[^>]*>Spring Test<\/h1>/);
    assert.match(page.body, /<title>Spring Test · AAE<\/title>/);
    assert.match(page.body, /\$19\.99 daily/);
    const list = await client.get("/campaigns");
    assert.match(list.body, new RegExp(`data-campaign-id="${campaignId}"`));
    assert.match(list.body, /Spring Test/);
  });

  await t.step("launch, then pause through the status forms", async () => {
    const path = `/campaigns/${campaignId}`;
    // Launching starts spending: a confirm step with the assistant's preview comes first.
    const asked = await client.post(path, { action: "resume" });
    assert.equal(asked.status, 303);
    assert.equal(asked.location, `${path}?confirm=resume`);
    const confirm = await client.follow(asked);
    assert.match(confirm.body, /data-confirm-launch/);
    assert.match(confirm.body, /Launch “Spring Test”\?/);
    assert.match(confirm.body, /Why we ask: Activating a campaign starts spending\./);
    assert.match(confirm.body, /data-change-field="status"/);
    assert.match(confirm.body, /data-status="draft"/, "nothing changed yet");
    const digest = confirm.body.match(/name="confirmChange" value="([0-9a-f]+)"/)![1];
    const launched = await client.follow(
      await client.post(path, { action: "resume", confirmChange: digest }),
    );
    assert.match(launched.body, /“Spring Test” is live/);
    assert.match(launched.body, /data-status="active"/);
    const paused = await client.follow(await client.post(path, { action: "pause" }));
    assert.match(paused.body, /“Spring Test” is paused/);
    assert.match(paused.body, /data-status="paused"/);
  });

  await t.step("an invalid transition is shown as a message", async () => {
    const response = await client.post(`/campaigns/${campaignId}`, { action: "pause" });
    assert.equal(response.status, 303);
    const page = await client.follow(response);
    assert.match(page.body, /role="alert"[^>]*>Campaign cannot go from paused to paused/);
  });

  await t.step("the edit form saves changes, keeping money exact", async () => {
    const form = await client.get(`/campaigns/${campaignId}/edit`);
    assert.match(form.body, /name="budgetAmount"[^>]*value="19.99"/);
    const fields = {
      ...validCampaign(adAccountId),
      name: "Spring Test (edited)",
      budgetAmount: "1,250.10",
    };
    // A raise past the approval threshold shows the change to confirm before saving.
    const asked = await client.post(`/campaigns/${campaignId}/edit`, fields);
    assert.equal(asked.status, 200);
    assert.match(asked.body, /Confirm this change/);
    assert.match(
      asked.body,
      /data-change-field="budgetAmountMinor"[\s\S]*\$19\.99[\s\S]*\$1,250\.10/,
    );
    assert.match(asked.body, />Confirm and save changes</);
    const digest = asked.body.match(/name="confirmChange" value="([0-9a-f]+)"/)![1];
    const response = await client.post(`/campaigns/${campaignId}/edit`, {
      ...fields,
      confirmChange: digest,
    });
    assert.equal(response.status, 303, response.body.slice(0, 300));
    const page = await client.follow(response);
    assert.match(page.body, /\$1,250\.10 daily/);
  });

  await t.step("filters and search narrow the list", async () => {
    const paused = await client.get("/campaigns?status=paused&q=edited");
    assert.match(paused.body, new RegExp(`data-campaign-id="${campaignId}"`));
    const active = await client.get("/campaigns?status=active");
    assert.match(active.body, /No campaigns match/);
  });

  await t.step("another user's campaign is a 404 everywhere", async () => {
    const other = await demoClient(app);
    assert.equal((await other.get(`/campaigns/${campaignId}`)).status, 404);
    assert.equal((await other.get(`/campaigns/${campaignId}/edit`)).status, 404);
    const post = await other.post(`/campaigns/${campaignId}`, { action: "archive" });
    assert.equal(post.status, 404);
    assert.equal((await other.get("/campaigns/not-a-uuid")).status, 404);
    const still = await client.get(`/campaigns/${campaignId}`);
    assert.match(still.body, /data-status="paused"/, "the owner's campaign is untouched");
  });
});

Deno.test("campaign list of the demo user: 7-day totals, sorting, pagination", async () => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const page = await client.get("/campaigns?sort=name");
  assert.equal(page.status, 200);
  const names = [...page.body.matchAll(/data-campaign-id="[^"]+"[\s\S]*?<a [^>]*>([^<]+)<\/a>/g)]
    .map((match) => match[1]);
  assert.ok(names.length >= 5, names.join());
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  assert.match(
    page.body,
    /<th scope="col" aria-sort="none"[^>]*><a href="\/campaigns\?sort=-spend"/,
  );
  assert.match(
    page.body,
    /<th scope="col" aria-sort="ascending"[^>]*><a href="\/campaigns\?sort=-name"/,
  );
  assert.match(page.body, /data-status="archived"/);
  assert.match(page.body, /Showing <strong>1<\/strong>/);
});

async function userIdOf(client: PageClient): Promise<string> {
  const app = await pagesApp();
  const claims = await app.services.accessTokens.verify(client.cookies.get("aae_access")!);
  return claims!.userId;
}

Deno.test("campaign forms warn before risky values and save once confirmed", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Careful Planner");
  const adAccountId = await connectAccount(client, "Usual Shop");
  const create = (fields: Record<string, string>) =>
    client.post("/campaigns/new", { ...validCampaign(adAccountId), ...fields });
  const listed = async () =>
    ((await client.get("/campaigns")).body.match(/data-campaign-id=/g) ?? []).length;
  for (const name of ["Usual A", "Usual B"]) {
    assert.equal((await create({ name, budgetAmount: "50.00" })).status, 303);
  }

  await t.step("a daily budget far above the account's usual asks to confirm", async () => {
    const warned = await create({ name: "Typo Budget", budgetAmount: "5000" });
    assert.equal(warned.status, 200);
    assert.match(
      warned.body,
      /data-form-warning="budgetAmount"[^>]*>\$5,000\.00 a day is about 100× this account’s usual daily budget \(\$50\.00\)\./,
    );
    assert.match(warned.body, />Create campaign anyway</);
    assert.equal(await listed(), 2, "nothing created yet");
    const fingerprint = warned.body.match(/name="confirmRisks" value="([^"]+)"/)![1];
    const changed = await create({
      name: "Typo Budget",
      budgetAmount: "6000",
      confirmRisks: fingerprint,
    });
    assert.equal(changed.status, 200, "a different value than the one confirmed warns again");
    const confirmed = await create({
      name: "Typo Budget",
      budgetAmount: "5000",
      confirmRisks: fingerprint,
    });
    assert.equal(confirmed.status, 303);
    assert.equal(await listed(), 3);
  });

  await t.step("a start date in the past asks to confirm; today does not", async () => {
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await create({ name: "Today", startDate: today })).status, 303);
    const warned = await create({ name: "Last year", startDate: "2020-03-01" });
    assert.equal(warned.status, 200);
    assert.match(
      warned.body,
      /data-form-warning="startDate"[^>]*>The start date Mar 1, 2020 is in the past/,
    );
  });

  await t.step("editing warns about a changed budget, not about an unchanged one", async () => {
    const campaignId = (await client.get("/campaigns")).body.match(
      /data-campaign-id="([0-9a-f-]{36})"[^]*?Usual A/,
    )?.[1];
    assert.ok(campaignId);
    const edit = (budgetAmount: string) =>
      client.post(`/campaigns/${campaignId}/edit`, {
        ...validCampaign(adAccountId),
        name: "Usual A",
        budgetAmount,
      });
    assert.equal((await edit("50.00")).status, 200, "a raise past the threshold is confirmed");
    const raised = await edit("900");
    assert.equal(raised.status, 200);
    assert.match(raised.body, /data-form-warning="budgetAmount"/);
    assert.match(raised.body, />Save changes anyway</);
  });

  await t.step("lowering a budget or a small raise saves without a confirm step", async () => {
    const campaignId = (await client.get("/campaigns")).body.match(
      /data-campaign-id="([0-9a-f-]{36})"[^]*?Usual A/,
    )?.[1];
    const edit = (budgetAmount: string) =>
      client.post(`/campaigns/${campaignId}/edit`, {
        ...validCampaign(adAccountId),
        name: "Usual A",
        budgetAmount,
      });
    const lowered = await edit("1.00");
    assert.equal(lowered.status, 303, lowered.body.slice(0, 300));
    assert.equal((await edit("1.20")).status, 303, "+20% is within the threshold");
    assert.equal((await edit("1.45")).status, 200, "+20.8% asks");
  });
});
