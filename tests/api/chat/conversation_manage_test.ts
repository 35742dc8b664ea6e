/**
 * Renaming and deleting conversations over REST (`PATCH`/`DELETE /conversations/{id}`), with the
 * real agent runtime: deleting a conversation whose answer is still waiting for approval cancels
 * that answer first (its change is never made). Responses are checked against the OpenAPI
 * document by the test client.
 */
import assert from "node:assert/strict";
import { OfflineModel } from "../../../agent/models/offline.ts";
import { ConflictError } from "../../../domain/errors.ts";
import { connectAccount } from "../../_helpers/fixtures.ts";
import { openRuntime, waitForRun, waiting } from "../../agent/runs/_helpers.ts";
import { chatTest } from "./_helpers/chat_server.ts";

chatTest("rename and delete conversations over REST", async (t, server) => {
  const user = await server.register("owner");
  const stranger = await server.register("stranger");
  const { domain } = server.backend;
  const request = (method: string, path: string, body?: unknown, token = user.accessToken) =>
    server.api.request(method, path, { token, body });
  const created = await request("POST", "/conversations", { title: "Weekly check" });
  assert.equal(created.status, 201, created.text);
  const id: string = created.body.data.id;

  await t.step("PATCH renames it; the list shows the new title", async () => {
    const renamed = await request("PATCH", `/conversations/${id}`, { title: "Q4 budgets" });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.data.title, "Q4 budgets");
    const list = await request("GET", "/conversations");
    assert.deepEqual(list.body.items.map((item: { title: string }) => item.title), ["Q4 budgets"]);
  });

  await t.step("an empty title is refused; another user's conversation is not found", async () => {
    const empty = await request("PATCH", `/conversations/${id}`, { title: "   " });
    assert.equal(empty.status, 422, empty.text);
    const foreign = await request(
      "PATCH",
      `/conversations/${id}`,
      { title: "mine now" },
      stranger.accessToken,
    );
    assert.equal(foreign.status, 404);
    const foreignDelete = await request(
      "DELETE",
      `/conversations/${id}`,
      undefined,
      stranger.accessToken,
    );
    assert.equal(foreignDelete.status, 404);
    assert.equal((await domain.conversations.get(user.actor, id)).title, "Q4 budgets");
  });

  await t.step("DELETE removes it: gone from the list and 404 afterwards", async () => {
    const deleted = await request("DELETE", `/conversations/${id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await request("GET", `/conversations/${id}`)).status, 404);
    assert.equal((await request("DELETE", `/conversations/${id}`)).status, 404);
    assert.equal((await request("GET", "/conversations")).body.total, 0);
  });

  await t.step("deleting while an answer waits for approval cancels it first", async () => {
    await connectAccount(domain, user.actor);
    const conversation = await domain.conversations.create(user.actor, { title: "Held" });
    const submitted = await server.runs.submit(user.actor, {
      conversationId: conversation.id,
      content: "create a $50/day sales campaign called Never Made",
    });
    await waitForRun(server.runs as never, user.actor, submitted.runId, waiting);
    // The domain alone refuses while the answer is going: nothing deletes it under a run.
    await assert.rejects(
      domain.conversations.delete(user.actor, conversation.id),
      (error) => error instanceof ConflictError && /still answering/.test(error.message),
    );
    const deleted = await request("DELETE", `/conversations/${conversation.id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await server.runs.get(user.actor, submitted.runId)).status, "cancelled");
    assert.equal((await domain.campaigns.list(user.actor, { search: "Never Made" })).total, 0);
    assert.equal((await request("GET", `/conversations/${conversation.id}`)).status, 404);
  });
}, {
  runs: (backend) => openRuntime(backend, new OfflineModel({ now: () => backend.clock.now() })),
});
