/**
 * Property: whatever moments a client's connection drops during a streamed run, the client
 * (`api/chat/client.ts`: reconnect with backoff, resume from its last seq) ends with exactly the
 * server's event sequence for the conversation: no gap, no duplicate, same order, same content.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { EventMessage } from "../../../api/chat/protocol.ts";
import { chatTest, eventually } from "./_helpers/chat_server.ts";

chatTest("random disconnects + resume lose and double nothing", async (t, server) => {
  const user = await server.register();

  await t.step("property", async () => {
    /** Reconnections over all runs: proves the drops really happened mid-stream. */
    let reconnects = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          deltas: fc.integer({ min: 5, max: 60 }),
          pauseMs: fc.integer({ min: 0, max: 4 }),
          /** Moments (ms after sending) at which the connection drops. */
          drops: fc.array(fc.integer({ min: 0, max: 250 }), { maxLength: 5 }),
          /** Continue in the same conversation (resume of an existing one) or a new one. */
          followUp: fc.boolean(),
        }),
        async ({ deltas, pauseMs, drops, followUp }) => {
          const client = server.client(user);
          const received: EventMessage[] = [];
          client.onEvent((event) => received.push(event));
          await client.connect();
          const timers = drops.map((at) => setTimeout(() => client.drop(), at));
          try {
            const content = `slow:${pauseMs} deltas:${deltas}`;
            const first = await client.sendUser(content);
            const conversationId = String(first.metadata.conversation_id);
            const completedRuns = () =>
              received.filter((event) =>
                event.type === "run" && event.metadata.status === "completed"
              )
                .length;
            await eventually(() => completedRuns() === 1, 20_000, "the first run to complete");
            if (followUp) {
              await client.sendUser(content, { conversationId });
              await eventually(() => completedRuns() === 2, 20_000, "the second run to complete");
            }
            const stored = await server.backend.domain.conversationEvents.after(
              user.actor,
              conversationId,
              0,
            );
            assert.deepEqual(received, JSON.parse(JSON.stringify(stored)));
            assert.equal(client.stats.duplicates, 0);
            assert.equal(client.stats.gaps, 0);
          } finally {
            timers.forEach(clearTimeout);
            reconnects += client.stats.connections - 1;
            client.close();
          }
        },
      ),
      { numRuns: 25, interruptAfterTimeLimit: 40_000 },
    );
    assert.ok(reconnects > 10, `only ${reconnects} reconnects`);
  });
});
