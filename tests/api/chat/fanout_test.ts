/**
 * The same conversation open on two sockets (two tabs) receives the same events in the same
 * order — on one instance, and on two chat servers sharing the database and coordination (two
 * instances in one process; the subprocess test does it with real processes).
 */
import assert from "node:assert/strict";
import { CHAT_PATH, type EventMessage } from "../../../api/chat/protocol.ts";
import { createChatServer } from "../../../api/chat/server.ts";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import { ChatClient } from "../../../api/chat/client.ts";
import { memoryLogger, TEST_JWT_SECRET, testConfig } from "../_helpers/harness.ts";
import { chatTest, eventually } from "./_helpers/chat_server.ts";

const completed = (events: EventMessage[]) =>
  events.filter((event) => event.type === "run" && event.metadata.status === "completed").length;

chatTest("two sockets on one conversation see one stream", async (t, server) => {
  const user = await server.register();

  await t.step("one instance: a second tab joins mid-run", async () => {
    const tabA = server.client(user);
    const tabB = server.client(user);
    const seenA: EventMessage[] = [];
    const seenB: EventMessage[] = [];
    tabA.onEvent((event) => seenA.push(event));
    tabB.onEvent((event) => seenB.push(event));
    const ack = await tabA.sendUser("slow:3 deltas:40");
    const conversationId = String(ack.metadata.conversation_id);
    await eventually(() => seenA.length > 10, 5_000, "the run to be under way");
    await tabB.resume(conversationId, 0);
    await eventually(() => completed(seenA) === 1 && completed(seenB) === 1);
    // A second turn, sent from tab B this time.
    await tabB.sendUser("slow:1 deltas:20", { conversationId });
    await eventually(() => completed(seenA) === 2 && completed(seenB) === 2);
    assert.deepEqual(seenB, seenA);
    assert.deepEqual(seenA.map((event) => event.metadata.seq), seenA.map((_, i) => i + 1));
  });

  await t.step("two instances: the tab on B sees the run driven from A, live", async () => {
    const other = server.backend.domainWith({});
    const chatB = createChatServer({
      domain: other,
      accessTokens: await AccessTokens.create(TEST_JWT_SECRET),
      config: testConfig(),
      log: memoryLogger(),
      agentRuns: server.runs,
    });
    const instanceB = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) =>
        new URL(req.url).pathname === CHAT_PATH
          ? chatB.handle(req)
          : new Response(null, { status: 404 }),
    );
    const onB = new ChatClient({
      url: `ws://127.0.0.1:${instanceB.addr.port}${CHAT_PATH}`,
      token: user.accessToken,
    });
    try {
      const onA = server.client(user);
      const seenA: EventMessage[] = [];
      const seenB: EventMessage[] = [];
      const arrivals: number[] = [];
      onA.onEvent((event) => seenA.push(event));
      onB.onEvent((event) => {
        seenB.push(event);
        arrivals.push(Date.now());
      });
      const conversation = await server.backend.domain.conversations.create(user.actor);
      await onB.resume(conversation.id, 0);
      await onA.sendUser("slow:5 deltas:30", { conversationId: conversation.id });
      await eventually(() => completed(seenA) === 1 && completed(seenB) === 1);
      assert.deepEqual(seenB, seenA);
      // Live, not one batch at the end: arrivals spread over the run's duration.
      assert.ok(arrivals.at(-1)! - arrivals[0] > 50, "events arrived as they happened");
    } finally {
      onB.close();
      await chatB.close();
      await instanceB.shutdown();
    }
  });
});
