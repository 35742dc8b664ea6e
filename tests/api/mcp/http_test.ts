/**
 * `/mcp` over real HTTP (`Deno.serve` on a free port) with the SDK's Streamable HTTP client:
 * bearer authentication by API token or access JWT, 401s, DNS-rebinding protection, stateless
 * method handling, tools and approvals end to end, and the test-only unauthenticated mode.
 */
import assert from "node:assert/strict";
import { TOOLS } from "../../../mcp/tools/mod.ts";
import { createMcpHandler } from "../../../api/mcp_http.ts";
import { APPROVAL_GRANT_META_KEY, type PendingApproval } from "../../../mcp/mod.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, connectHttp, serveMcp, structured, testServices, textOf } from "./_helpers.ts";

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
};

function post(url: string, headers: Record<string, string> = {}, body: unknown = INITIALIZE) {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

backendTest("MCP over Streamable HTTP", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "owner");
  const other = await registerUser(domain, "other");
  const adAccountId = await connectAccount(domain, actor);
  const campaign = await createCampaign(domain, actor, adAccountId, { name: "Over HTTP" });
  const { secret: apiToken } = await domain.apiTokens.create(actor, { name: "mcp" });
  const { secret: otherToken } = await domain.apiTokens.create(other, { name: "mcp" });
  const { session } = await domain.sessions.create(actor);
  const { token: jwt } = await services.accessTokens.issue({
    userId: actor.userId,
    sessionId: session.id,
    role: actor.role,
  });
  const served = serveMcp(services);

  try {
    await t.step("missing or invalid credentials: 401 JSON with WWW-Authenticate", async () => {
      const { token: expiredJwt } = await services.accessTokens.issue(
        { userId: actor.userId, sessionId: session.id, role: actor.role },
        new Date(Date.now() - 3_600_000),
      );
      const { token: revoked } = await domain.apiTokens.create(actor, { name: "revoked" })
        .then(async ({ token, secret }) => {
          await domain.apiTokens.revoke(actor, token.id);
          return { token: secret };
        });
      const cases: [Record<string, string>, boolean][] = [
        [{}, false],
        [{ Authorization: "Basic dXNlcjpwYXNz" }, false],
        [{ Authorization: "Bearer aae_not-a-real-token" }, true],
        [{ Authorization: `Bearer ${revoked}` }, true],
        [{ Authorization: "Bearer not.a.jwt" }, true],
        [{ Authorization: `Bearer ${expiredJwt}` }, true],
        [{ Authorization: `Bearer ${jwt}x` }, true],
      ];
      for (const [headers, presented] of cases) {
        const response = await post(served.url, headers);
        assert.equal(response.status, 401, JSON.stringify(headers));
        assert.equal(response.headers.get("content-type"), "application/json");
        const body = await response.json();
        assert.equal(typeof body.detail, "string");
        const challenge = response.headers.get("www-authenticate") ?? "";
        assert.match(challenge, /^Bearer realm="aae"/);
        assert.equal(challenge.includes('error="invalid_token"'), presented);
      }
      await assert.rejects(connectHttp(served.url));
    });

    await t.step("an API token: tools/list and tools/call through the SDK client", async () => {
      const client = await connectHttp(served.url, apiToken);
      try {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS.map((t) => t.name).sort());
        assert.equal(
          tools.find((tool) => tool.name === "get_campaign")?.annotations?.readOnlyHint,
          true,
        );
        const result = await call(client, "get_campaign", { campaignId: campaign.id });
        assert.equal(structured(result).name, "Over HTTP");
      } finally {
        await client.close();
      }
    });

    await t.step("an access JWT works too", async () => {
      const client = await connectHttp(served.url, jwt);
      try {
        assert.deepEqual(structured(await call(client, "credit_balance")), { balance: 100 });
      } finally {
        await client.close();
      }
    });

    await t.step("an access JWT stops working once its sign-in ends", async () => {
      const { session: ending } = await domain.sessions.create(actor);
      const { token } = await services.accessTokens.issue({
        userId: actor.userId,
        sessionId: ending.id,
        role: actor.role,
      });
      const accepted = await post(served.url, { Authorization: `Bearer ${token}` });
      assert.equal(accepted.status, 200);
      await accepted.body?.cancel();
      await domain.sessions.revoke(actor, ending.id);
      const refused = await post(served.url, { Authorization: `Bearer ${token}` });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      await refused.body?.cancel();
    });

    await t.step("approval over HTTP: held, then applied with a grant in _meta", async () => {
      const approvals = services.approvals;
      const client = await connectHttp(served.url, apiToken);
      try {
        const held = await call(client, "resume_campaign", { campaignId: campaign.id });
        assert.equal(structured(held).status, "approval_required");
        assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "draft");
        const grant = await approvals.issue(actor, structured(held).approval as PendingApproval);
        const applied = await call(client, "resume_campaign", { campaignId: campaign.id }, {
          [APPROVAL_GRANT_META_KEY]: grant,
        });
        assert.equal(structured(applied).status, "applied", textOf(applied));
        assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "active");
      } finally {
        await client.close();
      }
    });

    await t.step("another user's token sees none of it", async () => {
      const client = await connectHttp(served.url, otherToken);
      try {
        const result = await call(client, "get_campaign", { campaignId: campaign.id });
        assert.equal(result.isError, true);
        assert.equal(textOf(result), "campaign not found");
        const paused = await call(client, "pause_campaign", { campaignId: campaign.id });
        assert.equal(paused.isError, true);
        assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "active");
      } finally {
        await client.close();
      }
    });

    await t.step("stateless: GET and DELETE are 405, no session id is issued", async () => {
      for (const method of ["GET", "DELETE"]) {
        const response = await fetch(served.url, {
          method,
          headers: { Authorization: `Bearer ${apiToken}`, Accept: "text/event-stream" },
        });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get("allow"), "POST");
        await response.body?.cancel();
      }
      const response = await post(served.url, { Authorization: `Bearer ${apiToken}` });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("mcp-session-id"), null);
      const body = await response.json();
      assert.equal(body.result.serverInfo.name, "aae");
    });

    await t.step("DNS-rebinding protection: foreign Host or Origin is 403", async () => {
      const handler = createMcpHandler(services);
      const foreign = await handler(
        new Request("http://attacker.example/mcp", {
          method: "POST",
          headers: { Authorization: `Bearer ${apiToken}` },
        }),
      );
      assert.equal(foreign.status, 403);
      assert.deepEqual(await foreign.json(), { detail: "host not allowed" });
      const origin = await post(served.url, {
        Authorization: `Bearer ${apiToken}`,
        Origin: "http://attacker.example",
      });
      assert.equal(origin.status, 403);
      assert.deepEqual(await origin.json(), { detail: "origin not allowed" });
      const local = await post(served.url, {
        Authorization: `Bearer ${apiToken}`,
        Origin: `http://localhost:${served.port}`,
      });
      assert.equal(local.status, 200);
      await local.body?.cancel();
      const configured = createMcpHandler(services, { allowedHosts: ["ads.example.com"] });
      const allowed = await configured(
        new Request("https://ads.example.com/mcp", {
          method: "POST",
          headers: {
            Authorization: `Bearer ${apiToken}`,
            "Content-Type": "application/json",
            Accept: "application/json, text/event-stream",
          },
          body: JSON.stringify(INITIALIZE),
        }),
      );
      assert.equal(allowed.status, 200);
      await allowed.body?.cancel();
    });

    await t.step("test-only mode: no credentials act as the configured actor", async () => {
      const open = serveMcp(services, { testOnlyUnauthenticatedActor: actor });
      try {
        const client = await connectHttp(open.url);
        try {
          const result = await call(client, "get_campaign", { campaignId: campaign.id });
          assert.equal(structured(result).name, "Over HTTP");
        } finally {
          await client.close();
        }
        const bad = await post(open.url, { Authorization: "Bearer aae_wrong" });
        assert.equal(bad.status, 401, "a presented token is still checked");
        await bad.body?.cancel();
      } finally {
        await open.close();
      }
    });
  } finally {
    await served.close();
  }
});
