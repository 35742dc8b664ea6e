import assert from "node:assert/strict";
import { addDays } from "../../domain/dates.ts";
import { apiTest } from "./_helpers/harness.ts";

const DAY = 86_400_000;

apiTest("ad accounts, campaigns, metrics and reports", async (t, api) => {
  const { client, backend } = api;
  const session = await api.register();
  // An API token does not expire when the test clock jumps days ahead.
  const created = await client.request("POST", "/api-tokens", {
    token: session.accessToken,
    body: { name: "test" },
  });
  const token: string = created.body.data.secret;
  // Campaign changes are made as the person (an API token is software: its changes follow the
  // account's autopilot limits); a fresh sign-in survives the test clock's jumps.
  const signIn = async () =>
    (await client.request("POST", "/auth/login", {
      body: { email: session.email, password: session.password },
    })).body.data.access_token as string;
  let person = await signIn();
  let accountId = "";
  let campaignId = "";

  await t.step("connect, list, get and rename a sandbox ad account", async () => {
    const created = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Main", currency: "EUR" },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.platform, "sandbox");
    assert.equal(created.body.data.currency, "EUR");
    accountId = created.body.data.id;
    const list = await client.request("GET", "/ad-accounts?skip=0&limit=10", { token });
    assert.deepEqual([list.body.total, list.body.skip, list.body.limit], [1, 0, 10]);
    const one = await client.request("GET", `/ad-accounts/${accountId}`, { token });
    assert.equal(one.body.data.name, "Main");
    const renamed = await client.request("PATCH", `/ad-accounts/${accountId}`, {
      token,
      body: { name: "Renamed" },
    });
    assert.equal(renamed.body.data.name, "Renamed");
    const bad = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "", currency: "XXX", platform: "meta" },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.errors.map((e: { field: string }) => e.field).sort(),
      ["currency", "name", "platform"],
    );
  });

  await t.step("create campaigns (201) with snake_case fields and defaults", async () => {
    const created = await client.request("POST", "/campaigns", {
      token: person,
      body: {
        ad_account_id: accountId,
        name: "Spring sale",
        objective: "traffic",
        budget_type: "daily",
        budget_amount_minor: 5000,
        targeting: { countries: ["FR"], age_min: 25, age_max: 45 },
        landing_url: "https://shop.example.com/spring",
      },
    });
    assert.equal(created.status, 201);
    const campaign = created.body.data;
    assert.equal(campaign.status, "draft");
    assert.equal(campaign.currency, "EUR");
    assert.deepEqual(campaign.targeting, { countries: ["FR"], age_min: 25, age_max: 45 });
    campaignId = campaign.id;
    for (const name of ["Alpha", "Zulu"]) {
      const other = await client.request("POST", "/campaigns", {
        token: person,
        body: {
          ad_account_id: accountId,
          name,
          objective: "sales",
          budget_type: "lifetime",
          budget_amount_minor: 100_00,
          end_date: "2026-12-31",
        },
      });
      assert.equal(other.status, 201, other.text);
    }
  });

  await t.step("an API token's creation waits for a person's approval (202)", async () => {
    const held = await client.request("POST", "/campaigns", {
      token,
      body: {
        ad_account_id: accountId,
        name: "By a script",
        objective: "traffic",
        budget_type: "daily",
        budget_amount_minor: 5000,
      },
    });
    assert.equal(held.status, 202, held.text);
    assert.equal(held.body.data.status, "approval_required");
    assert.match(held.body.data.approval.url, /\/approvals\/[0-9a-f-]{36}$/);
    assert.deepEqual(held.body.data.approval.rules, ["create_campaign"]);
    const listed = await client.request("GET", "/campaigns?search=script", { token });
    assert.equal(listed.body.total, 0, "nothing was created");
  });

  await t.step("invalid campaigns are 422 with snake_case fields", async () => {
    const response = await client.request("POST", "/campaigns", {
      token: person,
      body: {
        ad_account_id: accountId,
        name: "x",
        objective: "fame",
        budget_type: "lifetime",
        budget_amount_minor: -1,
      },
    });
    assert.equal(response.status, 422);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    assert.ok(fields.includes("objective") && fields.includes("budget_amount_minor"), fields);
    const noEnd = await client.request("POST", "/campaigns", {
      token: person,
      body: {
        ad_account_id: accountId,
        name: "x",
        objective: "sales",
        budget_type: "lifetime",
        budget_amount_minor: 1,
      },
    });
    assert.equal(noEnd.status, 422);
    assert.deepEqual(noEnd.body.errors.map((e: { field: string }) => e.field), ["end_date"]);
  });

  await t.step("list with filters, search and sort", async () => {
    const all = await client.request("GET", "/campaigns", { token });
    assert.equal(all.body.total, 3);
    assert.ok("last7_days" in all.body.items[0]);
    const sorted = await client.request("GET", "/campaigns?sort=name", { token });
    assert.deepEqual(
      sorted.body.items.map((c: { name: string }) => c.name),
      ["Alpha", "Spring sale", "Zulu"],
    );
    const desc = await client.request("GET", "/campaigns?sort=-name&limit=1&skip=1", { token });
    assert.deepEqual(desc.body.items.map((c: { name: string }) => c.name), ["Spring sale"]);
    const lifetime = await client.request("GET", "/campaigns?objective=sales", { token });
    assert.equal(lifetime.body.total, 2);
    const search = await client.request("GET", "/campaigns?search=SPRING", { token });
    assert.equal(search.body.total, 1);
    const byAccount = await client.request(
      "GET",
      `/campaigns?ad_account_id=${accountId}&status=draft`,
      { token },
    );
    assert.equal(byAccount.body.total, 3);
    const bad = await client.request("GET", "/campaigns?sort=password&limit=0", { token });
    assert.equal(bad.status, 422);
  });

  await t.step("status actions follow the state machine (409 otherwise)", async () => {
    const pauseDraft = await client.request("POST", `/campaigns/${campaignId}/pause`, {
      token: person,
    });
    assert.equal(pauseDraft.status, 409);
    const resumed = await client.request("POST", `/campaigns/${campaignId}/resume`, {
      token: person,
    });
    assert.equal(resumed.body.data.status, "active");
    const deleteActive = await client.request("DELETE", `/campaigns/${campaignId}`, {
      token: person,
    });
    assert.equal(deleteActive.status, 409);
    backend.clock.advance(3 * DAY);
    person = await signIn();
    const paused = await client.request("POST", `/campaigns/${campaignId}/pause`, {
      token: person,
    });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.data.status, "paused");
  });

  await t.step("campaign metrics: daily series and totals", async () => {
    const response = await client.request(
      "GET",
      `/campaigns/${campaignId}/metrics?from=2026-11-26&to=2026-11-29`,
      { token },
    );
    assert.equal(response.status, 200);
    const report = response.body.data;
    assert.equal(report.daily.length, 4);
    assert.equal(report.currency, "EUR");
    const spend = report.daily.reduce(
      (sum: number, d: { spend_minor: number }) => sum + d.spend_minor,
      0,
    );
    assert.equal(report.totals.spend_minor, spend);
    assert.ok(report.totals.impressions > 0);
    const inverted = await client.request(
      "GET",
      `/campaigns/${campaignId}/metrics?from=2026-11-29&to=2026-11-26`,
      { token },
    );
    assert.equal(inverted.status, 422);
    // No period: the last 7 complete days in the account's zone, as pages and the assistant.
    const week = await client.request("GET", `/campaigns/${campaignId}/metrics`, { token });
    assert.equal(week.status, 200);
    assert.equal(week.body.data.daily.length, 7);
    const today = backend.clock.now().toISOString().slice(0, 10); // the account's zone is UTC
    assert.deepEqual([week.body.data.from, week.body.data.to], [
      addDays(today, -7),
      addDays(today, -1),
    ]);
    const preset = await client.request(
      "GET",
      `/campaigns/${campaignId}/metrics?range=last_14_days`,
      { token },
    );
    assert.equal(preset.body.data.daily.length, 14);
    const half = await client.request(
      "GET",
      `/campaigns/${campaignId}/metrics?from=2026-11-26`,
      { token },
    );
    assert.equal(half.status, 422);
    assert.match(half.body.detail, /from/);
  });

  await t.step("reports summary across accounts or one account", async () => {
    const all = await client.request("GET", "/reports/summary?from=2026-11-26&to=2026-11-28", {
      token,
    });
    assert.equal(all.status, 200);
    assert.equal(all.body.data.daily.length, 3);
    const one = await client.request(
      "GET",
      `/reports/summary?from=2026-11-26&to=2026-11-28&ad_account_id=${accountId}`,
      { token },
    );
    assert.deepEqual(one.body.data.totals, all.body.data.totals);
  });

  await t.step("PUT replaces, PATCH changes some fields, null clears", async () => {
    const put = await client.request("PUT", `/campaigns/${campaignId}`, {
      token: person,
      body: {
        name: "Replaced",
        budget_type: "daily",
        budget_amount_minor: 7000,
        start_date: null,
        end_date: null,
        targeting: {},
        landing_url: null,
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.name, "Replaced");
    assert.deepEqual(put.body.data.targeting, {});
    const partialPut = await client.request("PUT", `/campaigns/${campaignId}`, {
      token: person,
      body: { name: "Only a name" },
    });
    assert.equal(partialPut.status, 422);
    const patch = await client.request("PATCH", `/campaigns/${campaignId}`, {
      token: person,
      body: { budget_amount_minor: 8000 },
    });
    assert.equal(patch.body.data.budget_amount_minor, 8000);
    assert.equal(patch.body.data.name, "Replaced");
    const unknownField = await client.request("PATCH", `/campaigns/${campaignId}`, {
      token: person,
      body: { status: "active" },
    });
    assert.equal(unknownField.status, 422);
  });

  await t.step("archive is final; delete is soft", async () => {
    const archived = await client.request("POST", `/campaigns/${campaignId}/archive`, {
      token: person,
    });
    assert.equal(archived.body.data.status, "archived");
    const again = await client.request("POST", `/campaigns/${campaignId}/resume`, {
      token: person,
    });
    assert.equal(again.status, 409);
    const deleted = await client.request("DELETE", `/campaigns/${campaignId}`, { token: person });
    assert.equal(deleted.status, 200);
    const gone = await client.request("GET", `/campaigns/${campaignId}`, { token });
    assert.equal(gone.status, 404);
    const row = await backend.db.kysely.selectFrom("campaigns").select("deleted_at")
      .where("id", "=", campaignId).executeTakeFirstOrThrow();
    assert.ok(row.deleted_at, "the row is kept with deleted_at set");
  });

  await t.step("autopilot limits change with a person's sign-in, never an API token", async () => {
    const path = `/ad-accounts/${accountId}/limits`;
    const limits = await client.request("GET", path, { token });
    assert.equal(limits.status, 200);
    const looser = { ...limits.body.data, automated_operations: ["pause", "budget_increase"] };
    const bySoftware = await client.request("PUT", path, { token, body: looser });
    assert.equal(bySoftware.status, 403);
    const byPerson = await client.request("PUT", path, { token: person, body: looser });
    assert.equal(byPerson.status, 200, byPerson.text);
    assert.deepEqual(byPerson.body.data.automated_operations, ["pause", "budget_increase"]);
  });

  await t.step("software's disconnection waits for a person; the retry runs once", async () => {
    const path = `/ad-accounts/${accountId}`;
    const headers = { "idempotency-key": "disconnect-by-software" };
    const held = await client.request("DELETE", path, { token, headers });
    assert.equal(held.status, 202, held.text);
    assert.equal(held.body.data.status, "approval_required");
    const approval = held.body.data.approval;
    assert.deepEqual(approval.rules, ["disconnect_ad_account"]);
    assert.match(approval.url, new RegExp(`/approvals/${approval.id}$`));
    assert.equal((await client.request("GET", path, { token })).status, 200, "still connected");

    // A person approves in the web app (a browser-only route); here, through the domain.
    const owner = { userId: session.userId, role: "user" } as const;
    await backend.domain.approvals.decide(owner, approval.id, "approve");
    const done = await client.request("DELETE", path, { token, headers });
    assert.equal(done.status, 200, done.text);
    // DELETE is not replayed (only POST is): once gone, the account is a 404.
    const again = await client.request("DELETE", path, { token, headers });
    assert.equal(again.status, 404);
    assert.equal((await client.request("GET", path, { token })).status, 404);
    assert.equal((await client.request("GET", "/campaigns", { token })).body.total, 0);
    const changes = await client.request("GET", `/changes?ad_account_id=${accountId}`, {
      token: person,
    });
    const disconnections = changes.body.items.filter(
      (change: { operation: string }) => change.operation === "disconnect_ad_account",
    );
    assert.equal(disconnections.length, 1);
    const [disconnected] = disconnections;
    assert.equal(disconnected.campaign_id, null);
    assert.equal(disconnected.actor_kind, "api_token");
    assert.equal(disconnected.approval_id, approval.id);
  });
});

apiTest("creatives, credits and conversations", async (t, api) => {
  const { client, backend } = api;
  const { accessToken: token } = await api.register();
  const account = await client.request("POST", "/ad-accounts", { token, body: { name: "A" } });
  const campaign = await client.request("POST", "/campaigns", {
    token,
    body: {
      ad_account_id: account.body.data.id,
      name: "C",
      objective: "leads",
      budget_type: "daily",
      budget_amount_minor: 1000,
    },
  });
  const campaignId = campaign.body.data.id;

  await t.step("creatives CRUD filtered by campaign", async () => {
    const created = await client.request("POST", "/creatives", {
      token,
      body: {
        campaign_id: campaignId,
        headline: "Spring is here",
        body: "Everything 20% off",
        call_to_action: "Shop now",
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.media_url, null);
    const id = created.body.data.id;
    const list = await client.request("GET", `/creatives?campaign_id=${campaignId}`, { token });
    assert.equal(list.body.total, 1);
    const noFilter = await client.request("GET", "/creatives", { token });
    assert.equal(noFilter.status, 422);
    const patched = await client.request("PATCH", `/creatives/${id}`, {
      token,
      body: { call_to_action: null, media_url: "https://cdn.example.com/a.png" },
    });
    assert.equal(patched.body.data.call_to_action, null);
    assert.equal(patched.body.data.media_url, "https://cdn.example.com/a.png");
    assert.equal((await client.request("GET", `/creatives/${id}`, { token })).status, 200);
    assert.equal((await client.request("DELETE", `/creatives/${id}`, { token })).status, 200);
    assert.equal((await client.request("GET", `/creatives/${id}`, { token })).status, 404);
  });

  await t.step("credit balance and ledger", async () => {
    const balance = await client.request("GET", "/credits/balance", { token });
    assert.deepEqual(balance.body.data, { balance: 100 });
    const ledger = await client.request("GET", "/credits/ledger", { token });
    assert.equal(ledger.body.total, 1);
    assert.equal(ledger.body.items[0].kind, "grant");
    assert.equal(ledger.body.items[0].balance_after, 100);
  });

  await t.step("conversations and their messages", async () => {
    const created = await client.request("POST", "/conversations", { token, body: {} });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.title, "New conversation");
    const id = created.body.data.id;
    const actor = {
      userId: created.body.data && (await client.request("GET", "/users/me", {
        token,
      })).body.data.id,
      role: "user" as const,
    };
    for (const content of ["hello", "how are my campaigns?", "fine"]) {
      await backend.domain.conversations.appendMessage(actor, id, {
        role: "user",
        content,
        metadata: { clientKey: "camelCase stays", nested: { someKey: 1 } },
      });
    }
    const messages = await client.request("GET", `/conversations/${id}/messages?skip=1&limit=5`, {
      token,
    });
    assert.equal(messages.status, 200);
    assert.deepEqual([messages.body.total, messages.body.skip], [3, 1]);
    assert.deepEqual(messages.body.items.map((m: { seq: number }) => m.seq), [2, 3]);
    assert.deepEqual(messages.body.items[0].metadata, {
      clientKey: "camelCase stays",
      nested: { someKey: 1 },
    });
    const renamed = await client.request("PATCH", `/conversations/${id}`, {
      token,
      body: { title: "Weekly review" },
    });
    assert.equal(renamed.body.data.title, "Weekly review");
    const list = await client.request("GET", "/conversations", { token });
    assert.equal(list.body.total, 1);
    assert.equal((await client.request("GET", `/conversations/${id}`, { token })).status, 200);
    assert.equal((await client.request("DELETE", `/conversations/${id}`, { token })).status, 200);
    assert.equal((await client.request("GET", `/conversations/${id}`, { token })).status, 404);
  });
});

apiTest("another user's resources are 404, never revealed", async (t, api) => {
  const { client } = api;
  const owner = await api.register("owner");
  const intruder = await api.register("intruder");
  const token = owner.accessToken;
  const account = await client.request("POST", "/ad-accounts", { token, body: { name: "A" } });
  const accountId = account.body.data.id;
  const campaign = await client.request("POST", "/campaigns", {
    token,
    body: {
      ad_account_id: accountId,
      name: "C",
      objective: "leads",
      budget_type: "daily",
      budget_amount_minor: 1000,
    },
  });
  const campaignId = campaign.body.data.id;
  const creative = await client.request("POST", "/creatives", {
    token,
    body: { campaign_id: campaignId, headline: "H", body: "B" },
  });
  const conversation = await client.request("POST", "/conversations", { token, body: {} });
  const apiToken = await client.request("POST", "/api-tokens", { token, body: { name: "t" } });

  const attempts: [string, string, unknown?][] = [
    ["GET", `/ad-accounts/${accountId}`],
    ["PATCH", `/ad-accounts/${accountId}`, { name: "mine now" }],
    ["DELETE", `/ad-accounts/${accountId}`],
    ["GET", `/campaigns/${campaignId}`],
    ["PUT", `/campaigns/${campaignId}`, {
      name: "x",
      budget_type: "daily",
      budget_amount_minor: 1,
      start_date: null,
      end_date: null,
      targeting: {},
      landing_url: null,
    }],
    ["PATCH", `/campaigns/${campaignId}`, { name: "x" }],
    ["DELETE", `/campaigns/${campaignId}`],
    ["POST", `/campaigns/${campaignId}/resume`],
    ["POST", `/campaigns/${campaignId}/pause`],
    ["POST", `/campaigns/${campaignId}/archive`],
    ["GET", `/campaigns/${campaignId}/metrics?from=2026-11-20&to=2026-11-26`],
    ["GET", `/reports/summary?from=2026-11-20&to=2026-11-26&ad_account_id=${accountId}`],
    ["POST", "/campaigns", {
      ad_account_id: accountId,
      name: "x",
      objective: "leads",
      budget_type: "daily",
      budget_amount_minor: 1,
    }],
    ["GET", `/creatives?campaign_id=${campaignId}`],
    ["POST", "/creatives", { campaign_id: campaignId, headline: "H", body: "B" }],
    ["GET", `/creatives/${creative.body.data.id}`],
    ["PATCH", `/creatives/${creative.body.data.id}`, { headline: "x" }],
    ["DELETE", `/creatives/${creative.body.data.id}`],
    ["GET", `/conversations/${conversation.body.data.id}`],
    ["PATCH", `/conversations/${conversation.body.data.id}`, { title: "x" }],
    ["DELETE", `/conversations/${conversation.body.data.id}`],
    ["GET", `/conversations/${conversation.body.data.id}/messages`],
    ["DELETE", `/api-tokens/${apiToken.body.data.token.id}`],
  ];
  for (const [method, path, body] of attempts) {
    await t.step(`${method} ${path.split("?")[0]}`, async () => {
      const response = await client.request(method, path, { token: intruder.accessToken, body });
      assert.equal(response.status, 404, response.text);
      assert.deepEqual(Object.keys(response.body), ["detail"]);
    });
  }

  await t.step("the owner's data is unchanged and lists stay separate", async () => {
    const mine = await client.request("GET", `/campaigns/${campaignId}`, { token });
    assert.equal(mine.body.data.status, "draft");
    assert.equal(mine.body.data.name, "C");
    const theirs = await client.request("GET", "/campaigns", { token: intruder.accessToken });
    assert.equal(theirs.body.total, 0);
  });

  await t.step("unknown and malformed ids are 404 too", async () => {
    for (const id of [crypto.randomUUID(), "not-a-uuid", "%27%20OR%201%3D1"]) {
      const response = await client.request("GET", `/campaigns/${id}`, { token });
      assert.equal(response.status, 404);
      const metrics = await client.request(
        "GET",
        `/campaigns/${id}/metrics?from=2026-11-20&to=2026-11-26`,
        { token },
      );
      assert.equal(metrics.status, 404);
    }
  });
});
