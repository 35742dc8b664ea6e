/**
 * `/api/v1/runs/{id}` (+ `/confirm`, `/cancel`) through the real API, every response validated
 * against the published OpenAPI document: the owner reads, approves and cancels; others get 404.
 */
import assert from "node:assert/strict";
import { createApi } from "../../../api/app.ts";
import { ApiClient, compileDocument, openApi } from "../../api/_helpers/harness.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { openRuntime, ScriptModel, waitForRun, waiting } from "./_helpers.ts";

backendTest("REST: runs get, confirm, cancel", async (t, backend) => {
  const api = await openApi(backend);
  const owner = await api.register("owner");
  const other = await api.register("other");
  const actor = { userId: owner.userId, role: "user" as const };
  const account = await backend.domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
  const model = new ScriptModel([
    {
      toolCalls: [{
        name: "create_campaign",
        args: {
          adAccountId: account.id,
          name: "Via REST",
          objective: "traffic",
          budgetType: "daily",
          budgetAmountMinor: 3_000,
        },
      }],
    },
    { content: "Created." },
  ]);
  const runtime = await openRuntime(backend, model);
  const app = createApi({ ...api.deps, runs: runtime });
  const info = { remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 40000 } };
  const docOf = await (await app.fetch(new Request("http://localhost/api/v1/openapi.json"), info))
    .json();
  const runsClient = new ApiClient((req) => app.fetch(req, info), compileDocument(docOf));

  await t.step("the document describes the run routes", () => {
    for (const path of ["/runs/{id}", "/runs/{id}/confirm", "/runs/{id}/cancel"]) {
      assert.ok(docOf.paths[`/api/v1${path}`], path);
    }
  });

  const submitted = await runtime.submit(actor, { content: "Create a campaign" });
  await waitForRun(runtime, actor, submitted.runId, waiting);

  await t.step("GET shows the pending confirmation and steps; others get 404", async () => {
    const got = await runsClient.request("GET", `/runs/${submitted.runId}`, {
      token: owner.accessToken,
    });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.data.status, "waiting_confirmation");
    assert.ok(got.body.data.pending_confirmation.confirmation_id);
    assert.equal(got.body.data.steps.length, 3);
    const hidden = await runsClient.request("GET", `/runs/${submitted.runId}`, {
      token: other.accessToken,
    });
    assert.equal(hidden.status, 404);
    const stranger = await runsClient.request("POST", `/runs/${submitted.runId}/confirm`, {
      token: other.accessToken,
      body: {
        confirmation_id: got.body.data.pending_confirmation.confirmation_id,
        decision: "approve",
      },
    });
    assert.equal(stranger.status, 404);
    const wrong = await runsClient.request("POST", `/runs/${submitted.runId}/confirm`, {
      token: owner.accessToken,
      body: { confirmation_id: "nope", decision: "approve" },
    });
    assert.equal(wrong.status, 409);
    const invalid = await runsClient.request("POST", `/runs/${submitted.runId}/confirm`, {
      token: owner.accessToken,
      body: { confirmation_id: "nope", decision: "maybe" },
    });
    assert.equal(invalid.status, 422);
  });

  await t.step("POST confirm approves; the run completes", async () => {
    const view = await runtime.get(actor, submitted.runId);
    const confirmed = await runsClient.request("POST", `/runs/${submitted.runId}/confirm`, {
      token: owner.accessToken,
      body: { confirmation_id: view.pendingConfirmation!.confirmationId, decision: "approve" },
    });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.body.message, "Approved");
    const done = await waitForRun(runtime, actor, submitted.runId, (v) => v.status === "completed");
    assert.equal(done.status, "completed");
    const campaigns = await backend.domain.campaigns.list(actor, { search: "Via REST" });
    assert.equal(campaigns.items.length, 1);
  });

  await t.step("POST cancel on a waiting run cancels it", async () => {
    model.turns = [{
      toolCalls: [{
        name: "create_campaign",
        args: {
          adAccountId: account.id,
          name: "Never",
          objective: "traffic",
          budgetType: "daily",
          budgetAmountMinor: 3_000,
        },
      }],
    }];
    const next = await runtime.submit(actor, {
      conversationId: submitted.conversationId,
      content: "Another",
    });
    await waitForRun(runtime, actor, next.runId, waiting);
    const cancelled = await runsClient.request("POST", `/runs/${next.runId}/cancel`, {
      token: owner.accessToken,
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.data.status, "cancelled");
    const again = await runsClient.request("POST", `/runs/${next.runId}/cancel`, {
      token: owner.accessToken,
    });
    assert.equal(again.body.data.status, "cancelled");
  });
  await runtime.drain();
});
