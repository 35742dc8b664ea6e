/**
 * REST parity: `POST /conversations/{id}/messages` (202 with the run) and
 * `GET /runs/{id}/events` as Server-Sent Events honouring `Last-Event-ID`, ending after the
 * terminal status (204 once nothing is left). JSON responses are validated against the OpenAPI
 * document by the API test client.
 */
import assert from "node:assert/strict";
import { chatTest, type ChatUser } from "./_helpers/chat_server.ts";

interface SseEvent {
  id: number;
  event: string;
  data: { type: string; content: string; metadata: Record<string, unknown> };
}

/** Reads an SSE response to its end and parses its events (comments and `retry` skipped). */
async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  const events: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
    }
    if (!fields.has("data")) continue;
    events.push({
      id: Number(fields.get("id")),
      event: fields.get("event")!,
      data: JSON.parse(fields.get("data")!),
    });
  }
  return events;
}

chatTest("chat over REST and SSE", async (t, server) => {
  const user = await server.register();
  const conversation = await server.backend.domain.conversations.create(user.actor);
  const post = (body: unknown, who: ChatUser = user, id = conversation.id) =>
    server.api.request("POST", `/conversations/${id}/messages`, { token: who.accessToken, body });
  const stream = (runId: string, headers: Record<string, string> = {}, query = "") =>
    fetch(`${server.origin}/api/v1/runs/${runId}/events${query}`, {
      headers: { authorization: `Bearer ${user.accessToken}`, ...headers },
    });

  let runId = "";

  await t.step("POST a message: 202 with run, message and conversation ids", async () => {
    const response = await post({ content: "slow:5 deltas:20", client_message_id: "rest-1" });
    assert.equal(response.status, 202, response.text);
    assert.equal(response.body.data.conversation_id, conversation.id);
    assert.equal(response.body.data.duplicate, false);
    runId = response.body.data.run_id;
    assert.match(runId, /^[0-9a-f-]{36}$/);
  });

  await t.step("while it runs, another message is a 409", async () => {
    const response = await post({ content: "and now?" });
    assert.equal(response.status, 409);
  });

  await t.step("SSE streams the run live and ends after its terminal status", async () => {
    const response = await stream(runId);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    const events = await readSse(response);
    assert.equal(events[0].data.type, "user");
    assert.equal(events.at(-1)?.event, "run");
    assert.equal(events.at(-1)?.data.metadata.status, "completed");
    assert.equal(events.filter((event) => event.event === "assistant").length, 21);
    assert.deepEqual(events.map((event) => event.id), events.map((_, i) => i + 1));
    for (const event of events) {
      assert.equal(event.data.metadata.seq, event.id);
      assert.equal(event.data.metadata.run_id, runId);
    }
  });

  await t.step("Last-Event-ID (or ?last_event_id) resumes after that seq", async () => {
    const all = await readSse(await stream(runId));
    const rest = await readSse(await stream(runId, { "last-event-id": "10" }));
    assert.deepEqual(rest, all.slice(10));
    const byQuery = await readSse(await stream(runId, {}, "?last_event_id=20"));
    assert.deepEqual(byQuery, all.slice(20));
  });

  await t.step("a finished run with nothing after Last-Event-ID answers 204", async () => {
    const all = await readSse(await stream(runId));
    const response = await stream(runId, { "last-event-id": String(all.at(-1)!.id) });
    assert.equal(response.status, 204);
    await response.body?.cancel();
  });

  await t.step("a second run's stream has only its own events, resuming mid-way", async () => {
    const response = await post({ content: "slow:2 deltas:10" });
    assert.equal(response.status, 202, response.text);
    const second = response.body.data.run_id;
    const events = await readSse(await stream(second, { "last-event-id": "3" }));
    assert.ok(events.length > 0);
    assert.ok(events.every((event) => event.data.metadata.run_id === second && event.id > 3));
    assert.equal(events.at(-1)?.data.metadata.status, "completed");
  });

  await t.step("a retried message id is a duplicate, not a new run", async () => {
    const response = await post({ content: "slow:5 deltas:20", client_message_id: "rest-1" });
    assert.equal(response.status, 202);
    assert.equal(response.body.data.duplicate, true);
    assert.equal(response.body.data.run_id, runId);
  });

  await t.step("errors: 404 not yours / unknown run, 422 empty, 401 anonymous", async () => {
    const stranger = await server.register("stranger");
    assert.equal((await post({ content: "hi" }, stranger)).status, 404);
    assert.equal((await post({ content: "" })).status, 422);
    assert.equal(
      (await server.api.request("GET", `/runs/${crypto.randomUUID()}/events`, {
        token: user.accessToken,
      })).status,
      404,
    );
    assert.equal(
      (await server.api.request("GET", `/runs/${runId}/events`, {
        token: stranger.accessToken,
      })).status,
      404,
    );
    assert.equal((await server.api.request("GET", `/runs/${runId}/events`)).status, 401);
  });

  await t.step("the document describes the stream as text/event-stream", async () => {
    const doc = await (await fetch(`${server.origin}/api/v1/openapi.json`)).json();
    const operation = doc.paths["/api/v1/runs/{id}/events"].get;
    assert.ok(operation.responses["200"].content["text/event-stream"]);
    assert.ok(operation.responses["204"]);
    assert.ok(doc.paths["/api/v1/conversations/{id}/messages"].post.responses["202"]);
  });
});
