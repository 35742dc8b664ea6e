/**
 * Approvals for an outside MCP client, end to end on the real app: the SDK's client over HTTP
 * with an API token asks for +100% on a budget and is held with the approval's URL; the client
 * cannot approve it, nor can another user; the owner approves in a real browser; the client's
 * retry with the same idempotency key applies it once, and a second retry replays.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { IDEMPOTENCY_META_KEY, REPLAYED_META_KEY } from "../../../mcp/mod.ts";
import { startApp } from "../../_helpers/app_process.ts";
import { browserOrSkip, launchBrowser } from "../../_helpers/browser.ts";
import { cookieHeader, signInCookies } from "../../_helpers/signed_in.ts";
import { call, connectHttp, structured, textOf } from "./_helpers.ts";

const NAME = "outside MCP client: held, approved by the owner in a browser, applied once";
const chromium = browserOrSkip(NAME);

Deno.test({ name: NAME, ignore: !chromium }, async (t) => {
  const server = await startApp({ cwd: fileURLToPath(new URL("../../../", import.meta.url)) });
  const browser = await launchBrowser(chromium!);
  const api = async (path: string, init: RequestInit & { token?: string; cookie?: string }) => {
    const headers = new Headers(init.headers);
    headers.set("content-type", "application/json");
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.cookie) {
      headers.set("cookie", init.cookie);
      headers.set("origin", server.url);
    }
    const response = await fetch(`${server.url}/api/v1${path}`, { ...init, headers });
    return { status: response.status, body: await response.json() };
  };
  const register = async (email: string) => {
    const password = "outside client password";
    const created = await api("/auth/register", {
      method: "POST",
      body: JSON.stringify({ email, password, display_name: email.split("@")[0] }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { email, password, token: created.body.data.access_token as string };
  };
  try {
    const owner = await register(`owner-${Date.now()}@example.com`);
    const stranger = await register(`stranger-${Date.now()}@example.com`);
    const account = await api("/ad-accounts", {
      method: "POST",
      token: owner.token,
      body: JSON.stringify({ name: "Outside Shop" }),
    });
    const campaign = await api("/campaigns", {
      method: "POST",
      token: owner.token,
      body: JSON.stringify({
        ad_account_id: account.body.data.id,
        name: "Spring Sale",
        objective: "sales",
        budget_type: "daily",
        budget_amount_minor: 10_000,
      }),
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    const campaignId = campaign.body.data.id as string;
    const created = await api("/api-tokens", {
      method: "POST",
      token: owner.token,
      body: JSON.stringify({ name: "outside agent" }),
    });
    const apiToken = created.body.data.secret as string;
    const client = await connectHttp(`${server.url}/mcp`, apiToken);
    const args = { campaignId, budgetAmountMinor: 20_000 };
    const meta = { [IDEMPOTENCY_META_KEY]: "outside-agent-call-1" };

    let approvalId = "";
    let approvalUrl = "";
    await t.step("the call is held, naming where to approve it", async () => {
      const held = await call(client, "update_campaign", args, meta);
      assert.equal(structured(held).status, "approval_required", textOf(held));
      const approval = structured(held).approval as { approvalId: string; approvalUrl: string };
      approvalId = approval.approvalId;
      approvalUrl = approval.approvalUrl;
      assert.equal(approvalUrl, `${server.url}/approvals/${approvalId}`);
      assert.match(textOf(held), new RegExp(`Approve at ${approvalUrl}`));
      const again = await call(client, "update_campaign", args, meta);
      assert.equal((structured(again).approval as { approvalId: string }).approvalId, approvalId);
    });

    await t.step("nothing the client or another user sends approves it", async () => {
      const byToken = await api(`/approvals/${approvalId}/approve`, {
        method: "POST",
        token: apiToken,
      });
      assert.equal(byToken.status, 403);
      const byOwnerBearer = await api(`/approvals/${approvalId}/approve`, {
        method: "POST",
        token: owner.token,
      });
      assert.equal(byOwnerBearer.status, 403, "an access token is software's credential too");
      const strangerCookies = await signInCookies(server.url, stranger.email, stranger.password);
      const byStranger = await api(`/approvals/${approvalId}/approve`, {
        method: "POST",
        cookie: cookieHeader(strangerCookies),
      });
      assert.equal(byStranger.status, 404);
      const stillHeld = await call(client, "update_campaign", args, meta);
      assert.equal(structured(stillHeld).status, "approval_required");
    });

    await t.step("the owner approves it in a browser", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(approvalUrl);
      await page.fill("#field-email", owner.email);
      await page.fill("#field-password", owner.password);
      await page.click("button:has-text('Sign in')");
      await page.waitForURL(approvalUrl);
      await page.click("button:has-text('Approve')");
      await page.waitForSelector("text=Approved");
      await context.close();
    });

    await t.step("the client's retry applies it once; another retry replays", async () => {
      const applied = await call(client, "update_campaign", args, meta);
      assert.equal(structured(applied).status, "applied", textOf(applied));
      const replay = await call(client, "update_campaign", args, meta);
      assert.equal(replay._meta?.[REPLAYED_META_KEY], true);
      assert.deepEqual(replay.structuredContent, applied.structuredContent);
      const now = await api(`/campaigns/${campaignId}`, { method: "GET", token: owner.token });
      assert.equal(now.body.data.budget_amount_minor, 20_000);
      const changes = await api(`/changes?campaign_id=${campaignId}&actor_kind=mcp_client`, {
        method: "GET",
        token: owner.token,
      });
      assert.equal(changes.body.total, 1);
      assert.equal(changes.body.items[0].approval_id, approvalId);
      const approval = await api(`/approvals/${approvalId}`, { method: "GET", token: owner.token });
      assert.equal(approval.body.data.status, "used");
    });
    await client.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
