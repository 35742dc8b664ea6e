/**
 * What outside MCP clients rely on beyond the happy path: calling an unknown tool is a JSON-RPC
 * error (-32602, as the MCP tools spec lists it), not a tool result; every tool's input schema
 * refuses unknown properties, and a call carrying one is refused (a validation tool error, no
 * effect); `list_campaigns` says its default page size.
 *
 * @module
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { openToolbox } from "../../../agent/tools.ts";
import { connectInProcess, ERROR_META_KEY } from "../../../mcp/mod.ts";
import { DEFAULT_PAGE_SIZE } from "../../../domain/pagination.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, serveMcp, testServices } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Posts JSON-RPC messages to a stateless `/mcp` and returns the parsed answer. */
async function rpc(url: string, token: string, body: unknown): Promise<Json> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      Authorization: `Bearer ${token}`,
      "MCP-Protocol-Version": "2025-06-18",
    },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  return await response.json();
}

backendTest("MCP protocol errors and input schemas", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "owner");
  const adAccountId = await connectAccount(domain, actor);
  const campaign = await createCampaign(domain, actor, adAccountId, { name: "Strict" });
  const { secret: token } = await domain.apiTokens.create(actor, { name: "mcp" });
  const served = serveMcp(services);
  const client = await connectInProcess(services, actor);

  try {
    await t.step("an unknown tool is JSON-RPC error -32602 on the wire", async () => {
      const answer = await rpc(served.url, token, {
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "no_such_tool", arguments: {} },
      });
      assert.equal(answer.id, 7);
      assert.equal(answer.result, undefined, JSON.stringify(answer));
      assert.equal(answer.error?.code, -32602, JSON.stringify(answer));
      assert.equal(answer.error?.message, "Unknown tool: no_such_tool");
    });

    await t.step("…and a rejected promise (McpError) for an SDK client", async () => {
      await assert.rejects(
        client.callTool({ name: "no_such_tool", arguments: {} }),
        (error: unknown) => error instanceof McpError && error.code === ErrorCode.InvalidParams,
      );
    });

    await t.step("every input schema forbids unknown properties", async () => {
      const { tools } = await client.listTools();
      assert.ok(tools.length > 0);
      for (const tool of tools) {
        assert.equal(
          (tool.inputSchema as Json).additionalProperties,
          false,
          `${tool.name}: ${JSON.stringify(tool.inputSchema)}`,
        );
      }
    });

    await t.step("a call with an unknown property is a validation error, no effect", async () => {
      const read = await call(client, "get_campaign", { campaignId: campaign.id, verbose: true });
      assert.equal(read.isError, true);
      assert.deepEqual(read._meta?.[ERROR_META_KEY], { code: "validation", status: 422 });
      const write = await call(client, "pause_campaign", {
        campaignId: campaign.id,
        force: true,
      });
      assert.equal(write.isError, true);
      assert.deepEqual(write._meta?.[ERROR_META_KEY], { code: "validation", status: 422 });
      const renamed = await call(client, "update_campaign", {
        campaignId: campaign.id,
        name: "Changed",
        colour: "red",
      });
      assert.equal(renamed.isError, true);
      assert.equal((await domain.campaigns.get(actor, campaign.id)).name, "Strict");
    });

    await t.step("known tools with valid arguments still work", async () => {
      const read = await call(client, "get_campaign", { campaignId: campaign.id });
      assert.equal(read.isError, undefined);
      assert.equal((read.structuredContent as Json).name, "Strict");
    });

    await t.step("the agent's toolbox answers a made-up tool name as a tool error", async () => {
      const toolbox = await openToolbox(
        {
          ...services,
          approvals: services.approvals,
        },
        actor,
        crypto.randomUUID(),
      );
      try {
        const result = await toolbox.call("no_such_tool", {});
        assert.equal(result.isError, true);
        assert.deepEqual(result._meta?.[ERROR_META_KEY], { code: "unknown_tool", status: 404 });
      } finally {
        await toolbox.close();
      }
    });

    await t.step("list_campaigns states its default page size", async () => {
      const { tools } = await client.listTools();
      const list = tools.find((tool) => tool.name === "list_campaigns");
      assert.ok(list);
      assert.match(list.description ?? "", new RegExp(`\\b${DEFAULT_PAGE_SIZE}\\b`));
      const limit = (list.inputSchema as Json).properties.limit;
      assert.match(limit.description ?? "", new RegExp(`default ${DEFAULT_PAGE_SIZE}\\b`));
      for (let i = 0; i < DEFAULT_PAGE_SIZE + 1; i++) {
        await createCampaign(domain, actor, adAccountId, { name: `Bulk ${i}` });
      }
      const page = await call(client, "list_campaigns", {});
      assert.equal((page.structuredContent as Json).limit, DEFAULT_PAGE_SIZE);
      assert.equal((page.structuredContent as Json).items.length, DEFAULT_PAGE_SIZE);
    });
  } finally {
    await client.close();
    await served.close();
  }
});
