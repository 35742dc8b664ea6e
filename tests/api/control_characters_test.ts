/**
 * Names, titles and messages refuse control characters other than tab and line breaks (422
 * naming the field) on every backend — the embedded SQLite store would otherwise cut a text at
 * its first NUL — and keep tab and line breaks intact. Also through MCP tool inputs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { connectInProcess } from "../../mcp/mod.ts";
import { connectAccount, registerUser } from "../_helpers/fixtures.ts";
import { apiTest } from "./_helpers/harness.ts";
import { call, testServices } from "./mcp/_helpers.ts";

/** Control characters a person never means to type (C0 but tab/LF/CR, DEL, C1). */
const FORBIDDEN = ["\u0000", "\u0001", "\u0007", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085"];

function fieldsOf(body: { errors?: { field: string }[] }): string[] {
  return (body.errors ?? []).map((error) => error.field);
}

apiTest("control characters in text fields are refused with 422", async (t, api) => {
  const { client } = api;
  const session = await api.register();
  const token = session.accessToken;
  const account = await client.request("POST", "/ad-accounts", {
    token,
    body: { name: "Main", currency: "USD" },
  });
  const accountId: string = account.body.data.id;
  const campaign = await client.request("POST", "/campaigns", {
    token,
    body: {
      ad_account_id: accountId,
      name: "Base",
      objective: "traffic",
      budget_type: "daily",
      budget_amount_minor: 1000,
    },
  });
  const campaignId: string = campaign.body.data.id;
  const conversation = await client.request("POST", "/conversations", {
    token,
    body: { title: "Chat" },
  });
  const conversationId: string = conversation.body.data.id;
  const profile = await client.request("GET", "/users/me", { token });

  /** Requests carrying `text` in one field, with the field name a 422 must report. */
  const cases = (text: string): [string, string, Record<string, unknown>, string][] => [
    ["POST", "/ad-accounts", { name: text, currency: "USD" }, "name"],
    ["PATCH", `/ad-accounts/${accountId}`, { name: text }, "name"],
    ["POST", "/campaigns", {
      ad_account_id: accountId,
      name: text,
      objective: "traffic",
      budget_type: "daily",
      budget_amount_minor: 1000,
    }, "name"],
    ["PATCH", `/campaigns/${campaignId}`, { name: text }, "name"],
    ["PATCH", `/campaigns/${campaignId}`, { targeting: { interests: [text] } }, "targeting"],
    ["POST", "/creatives", {
      campaign_id: campaignId,
      headline: text,
      body: "Body",
    }, "headline"],
    ["POST", "/creatives", { campaign_id: campaignId, headline: "H", body: text }, "body"],
    ["PATCH", "/users/me", { display_name: text }, "display_name"],
    ["POST", "/api-tokens", { name: text }, "name"],
    ["POST", "/conversations", { title: text }, "title"],
    ["PATCH", `/conversations/${conversationId}`, { title: text }, "title"],
    ["POST", `/conversations/${conversationId}/messages`, { content: text }, "content"],
  ];

  await t.step("every forbidden character, in every text field, is a 422 naming it", async () => {
    for (const char of FORBIDDEN) {
      for (const [method, path, body, field] of cases(`a${char}b`)) {
        const response = await client.request(method, path, { token, body });
        const context = `${method} ${path} ${JSON.stringify(char)} → ${response.text}`;
        assert.equal(response.status, 422, context);
        assert.ok(fieldsOf(response.body).some((f) => f.startsWith(field)), context);
      }
    }
  });

  await t.step("nothing was stored by the refused requests", async () => {
    const campaigns = await client.request("GET", "/campaigns", { token });
    assert.deepEqual(campaigns.body.items.map((c: { name: string }) => c.name), ["Base"]);
    const accounts = await client.request("GET", "/ad-accounts", { token });
    assert.deepEqual(accounts.body.items.map((a: { name: string }) => a.name), ["Main"]);
    const me = await client.request("GET", "/users/me", { token });
    assert.deepEqual(me.body.data, profile.body.data);
  });

  await t.step("tab and line breaks are kept intact on this backend", async () => {
    const name = "Summer\tsale\nline two\r\nthree";
    const renamed = await client.request("PATCH", `/campaigns/${campaignId}`, {
      token,
      body: { name },
    });
    assert.equal(renamed.status, 200, renamed.text);
    const read = await client.request("GET", `/campaigns/${campaignId}`, { token });
    assert.equal(read.body.data.name, name);
    const message = await client.request("POST", `/conversations/${conversationId}/messages`, {
      token,
      body: { content: "first line\n\tindented" },
    });
    assert.equal(message.status, 202, message.text);
  });
});

apiTest("MCP tool inputs refuse control characters", async (_t, api) => {
  const { backend } = api;
  const actor = await registerUser(backend.domain, "mcp-text");
  const accountId = await connectAccount(backend.domain, actor);
  const client = await connectInProcess(await testServices(backend), actor);
  try {
    for (const char of FORBIDDEN) {
      const result = await call(client, "create_campaign", {
        adAccountId: accountId,
        name: `a${char}b`,
        objective: "traffic",
        budgetType: "daily",
        budgetAmountMinor: 1000,
      });
      assert.equal(result.isError, true, JSON.stringify(char));
      assert.equal(result.structuredContent, undefined);
    }
    const page = await backend.domain.campaigns.list(actor);
    assert.equal(page.total, 0);
  } finally {
    await client.close();
  }
});
