/**
 * The gapless feed against a hostile pub/sub: live events dropped, duplicated, delayed and
 * reordered, the feed started while events are being appended, small pages and a tiny bound on
 * held events. Whatever happens, the reader gets exactly the log after `fromSeq`, in order.
 * Also: the slow-consumer policy of a session (close with "resume" code, run unaffected).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { startFeed } from "../../../api/chat/feed.ts";
import { CLOSE_CODES } from "../../../api/chat/protocol.ts";
import { ChatSession, DEFAULT_SESSION_LIMITS } from "../../../api/chat/session.ts";
import type { ConversationEvent } from "../../../domain/conversation_events.ts";
import { memoryLogger } from "../_helpers/harness.ts";
import { FakeRuns } from "./_helpers/fake_runs.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { eventually } from "./_helpers/chat_server.ts";

function eventAt(seq: number): ConversationEvent {
  return {
    type: "assistant",
    content: `e${seq}`,
    metadata: { seq, conversation_id: "c", run_id: null },
    created_at: new Date(0).toISOString(),
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("feed: exactly the log after fromSeq, whatever pub/sub does", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        before: fc.integer({ min: 0, max: 30 }),
        fromFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        live: fc.array(
          fc.record({
            fate: fc.constantFrom("deliver", "deliver", "drop", "duplicate"),
            delayMs: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 60 },
        ),
        pageSize: fc.integer({ min: 1, max: 8 }),
        maxHeld: fc.integer({ min: 1, max: 6 }),
        slowReads: fc.boolean(),
      }),
      async ({ before, fromFraction, live, pageSize, maxHeld, slowReads }) => {
        const log: ConversationEvent[] = [];
        const listeners = new Set<(event: ConversationEvent) => void>();
        const pending: Promise<unknown>[] = [];
        const append = (fate: string, delayMs: number) => {
          const event = eventAt(log.length + 1);
          log.push(event);
          if (fate === "drop") return;
          const copies = fate === "duplicate" ? 2 : 1;
          for (let i = 0; i < copies; i++) {
            pending.push(
              delay(delayMs * (i + 1)).then(() => {
                for (const listener of listeners) listener(event);
              }),
            );
          }
        };
        for (let i = 0; i < before; i++) append("drop", 0);
        const fromSeq = Math.floor(before * fromFraction);
        const delivered: ConversationEvent[] = [];
        const started = startFeed({
          async after(afterSeq, limit) {
            if (slowReads) await delay(1);
            return log.filter((event) => event.metadata.seq > afterSeq).slice(0, limit);
          },
          subscribe(listener) {
            listeners.add(listener);
            return Promise.resolve({
              unsubscribe: () => Promise.resolve(void listeners.delete(listener)),
            });
          },
        }, { fromSeq, deliver: (event) => delivered.push(event), pageSize, maxHeld });
        // Appends race the feed's start (subscribe, replay).
        for (const { fate, delayMs } of live) {
          append(fate, delayMs);
          if (delayMs === 0) await Promise.resolve();
        }
        const feed = await started;
        await Promise.all(pending);
        // A dropped last event leaves no gap to notice: the periodic repair reads it.
        await feed.repair();
        await feed.stop();
        assert.deepEqual(
          delivered.map((event) => event.metadata.seq),
          log.slice(fromSeq).map((event) => event.metadata.seq),
        );
      },
    ),
    { numRuns: 300 },
  );
});

backendTest("session: a slow consumer is closed with the resume code", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  const conversation = await backend.domain.conversations.create(actor);
  const sent: string[] = [];
  const closes: [number | undefined, string | undefined][] = [];
  const socket = {
    readyState: 1,
    /** Pretends the network stopped taking data: everything sent stays buffered. */
    get bufferedAmount() {
      return sent.reduce((total, text) => total + text.length, 0);
    },
    send: (text: string) => void sent.push(text),
    close(code?: number, reason?: string) {
      closes.push([code, reason]);
      this.readyState = 3;
    },
  };
  const session = new ChatSession(socket, actor, {
    events: backend.domain.conversationEvents,
    runs: new FakeRuns(backend.domain),
    log: memoryLogger(),
  }, { ...DEFAULT_SESSION_LIMITS, maxBufferedBytes: 8 * 1024 });
  session.receive(JSON.stringify({
    type: "resume",
    metadata: { conversation_id: conversation.id },
  }));
  await eventually(() => session.following.length === 1);
  // The writer appends far more than the socket may buffer; appends never wait for the reader.
  const started = Date.now();
  for (let i = 0; i < 40; i++) {
    await backend.domain.conversationEvents.append(actor, conversation.id, {
      type: "assistant",
      content: "x".repeat(500),
      runId: null,
      metadata: { delta: true },
    });
  }
  assert.ok(Date.now() - started < 5_000);
  await eventually(() => closes.length === 1, 5_000, "the close");
  assert.equal(closes[0][0], CLOSE_CODES.slowConsumer);
  assert.match(String(closes[0][1]), /resume/);
  await eventually(() => session.following.length === 0, 5_000, "the feeds to stop");
  // What was sent is a gapless prefix: the client resumes from its last seq.
  const seqs = sent.map((text) => JSON.parse(text)).filter((m) => m.metadata?.seq).map((m) =>
    m.metadata.seq
  );
  assert.deepEqual(seqs, seqs.map((_: number, i: number) => i + 1));
  await session.dispose();
});
