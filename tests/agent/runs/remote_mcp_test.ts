/**
 * `MCP_SERVER_URL`: the agent lists and calls the tools of a remote MCP server over Streamable
 * HTTP (authenticated as the run's owner), approval included — the grant the gate issues is
 * verified by the remote server, which shares the JWT secret.
 */
import assert from "node:assert/strict";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import { createApprovalGrants } from "../../../mcp/grants.ts";
import { createAgentRuntime } from "../../../agent/runs/mod.ts";
import { loadConfig } from "../../../lib/config.ts";
import { createLogger } from "../../../lib/log.ts";
import { serveMcp, TEST_JWT_SECRET, testServices } from "../../api/mcp/_helpers.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, registerUser } from "../../_helpers/fixtures.ts";
import { finished, ScriptModel, waitForRun, waiting } from "./_helpers.ts";

backendTest("agent tools from a remote MCP server (MCP_SERVER_URL)", async (t, backend) => {
  const services = await testServices(backend);
  const served = serveMcp(services);
  try {
    const actor = await registerUser(backend.domain, "remote");
    const adAccountId = await connectAccount(backend.domain, actor);
    const model = new ScriptModel([
      {
        toolCalls: [{
          name: "create_campaign",
          args: {
            adAccountId,
            name: "Remote one",
            objective: "traffic",
            budgetType: "daily",
            budgetAmountMinor: 4_000,
          },
        }],
      },
      { content: "Created remotely." },
    ]);
    const runtime = createAgentRuntime({
      db: backend.db,
      coordination: backend.coordination,
      domain: backend.domain,
      log: createLogger("error"),
      config: loadConfig({
        JWT_SECRET_KEY: TEST_JWT_SECRET,
        LOG_LEVEL: "error",
        MCP_SERVER_URL: served.url,
      }),
      accessTokens: await AccessTokens.create(TEST_JWT_SECRET),
      approvals: await createApprovalGrants(TEST_JWT_SECRET),
      model,
    });

    await t.step("held over HTTP, approved, executed once by the remote server", async () => {
      const submitted = await runtime.submit(actor, { content: "Create it" });
      const held = await waitForRun(runtime, actor, submitted.runId, waiting);
      assert.ok(model.requests[0].tools.some((tool) => tool.name === "create_campaign"));
      await runtime.confirm(actor, submitted.runId, {
        confirmationId: held.pendingConfirmation!.confirmationId,
        decision: "approve",
      });
      const view = await waitForRun(runtime, actor, submitted.runId, finished);
      assert.equal(view.status, "completed", JSON.stringify(view.steps.at(-2)?.output));
      const found = await backend.domain.campaigns.list(actor, { search: "Remote one" });
      assert.equal(found.items.length, 1);
    });
    await runtime.drain();
  } finally {
    await served.close();
  }
});
