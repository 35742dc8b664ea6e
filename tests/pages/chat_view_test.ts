import assert from "node:assert/strict";
import fc from "fast-check";
import {
  activeRun,
  type ChatEvent,
  type ConfirmationItem,
  emptyView,
  foldEvents,
  latestRun,
} from "../../pages/chat_view.ts";

const CONVERSATION = "c0000000-0000-4000-8000-000000000000";
const RUN = "r0000000-0000-4000-8000-000000000001";

function event(
  seq: number,
  type: string,
  content: string,
  metadata: Record<string, unknown> = {},
  runId: string | null = RUN,
): ChatEvent {
  return {
    type,
    content,
    metadata: { ...metadata, seq, conversation_id: CONVERSATION, run_id: runId },
  };
}

/** The event log of "create a campaign" approved, as the offline assistant produces it. */
function approvedRun(): ChatEvent[] {
  return [
    event(1, "user", "create a $40/day traffic campaign called Winter Boots"),
    event(2, "run", "queued", { status: "queued" }),
    event(3, "run", "running", { status: "running" }),
    event(4, "step", "create_campaign running", {
      phase: "started",
      name: "create_campaign",
      tool_call_id: "t1",
      arguments: "name=Winter Boots",
      status: "running",
    }),
    event(5, "step", "create_campaign approval_required", {
      phase: "finished",
      name: "create_campaign",
      tool_call_id: "t1",
      arguments: "name=Winter Boots",
      status: "approval_required",
      duration_ms: 6,
    }),
    event(6, "confirmation", "Create campaign?", {
      confirmation_id: "k1",
      tool: "create_campaign",
      reason: "Creating a campaign",
      preview: {
        summary: 'Create traffic campaign "Winter Boots" with a daily budget of USD 40.00.',
        changes: [
          {
            resource: "campaign",
            id: null,
            name: "Winter Boots",
            field: "name",
            before: null,
            after: "Winter Boots",
          },
          {
            resource: "campaign",
            id: null,
            name: "Winter Boots",
            field: "startDate",
            before: null,
            after: null,
          },
          {
            resource: "campaign",
            id: null,
            name: "Winter Boots",
            field: "budgetAmountMinor",
            before: null,
            after: 4000,
          },
        ],
      },
      component: "confirmation",
    }),
    event(7, "run", "waiting_confirmation", {
      status: "waiting_confirmation",
      confirmation_id: "k1",
    }),
    event(8, "run", "queued", { status: "queued", confirmation_id: "k1", decision: "approve" }),
    event(9, "run", "running", { status: "running" }),
    event(10, "step", "create_campaign running", {
      name: "create_campaign",
      tool_call_id: "t1",
      status: "running",
    }),
    event(11, "step", "create_campaign succeeded", {
      name: "create_campaign",
      tool_call_id: "t1",
      status: "succeeded",
      duration_ms: 5,
    }),
    event(12, "assistant", "Created “Winter Boots”.\n", { delta: true }),
    event(13, "assistant", "Say “resume Winter Boots” to start it.", { delta: true }),
    event(14, "assistant", "Created “Winter Boots”.\nSay “resume Winter Boots” to start it.", {
      final: true,
      message_id: "m1",
      component: "card",
      data: { title: "Winter Boots", fields: [{ label: "Status", value: "draft" }] },
    }),
    event(15, "run", "completed", { status: "completed" }),
  ];
}

Deno.test("a run folds into user message, one step row, an approval card and one answer", () => {
  const view = foldEvents(emptyView(), approvedRun());
  assert.deepEqual(view.items.map((item) => item.kind), [
    "user",
    "step",
    "confirmation",
    "assistant",
  ]);
  const step = view.items[1];
  assert.equal(step.kind === "step" && step.status, "succeeded", "one row updated in place");
  const card = view.items[2] as ConfirmationItem;
  assert.equal(card.decision, "approve");
  assert.equal(card.expired, false);
  assert.deepEqual(card.changes.map((change) => change.field), ["name", "budgetAmountMinor"]);
  const answer = view.items[3];
  assert.ok(answer.kind === "assistant");
  assert.equal(answer.text, "Created “Winter Boots”.\nSay “resume Winter Boots” to start it.");
  assert.equal(answer.streaming, false);
  assert.equal(answer.component?.type, "card");
  assert.equal(latestRun(view)?.status, "completed");
  assert.equal(activeRun(view), null);
});

Deno.test("deltas stream into one item before the final message arrives", () => {
  const events = approvedRun();
  const view = foldEvents(emptyView(), events.slice(0, 13));
  const last = view.items.at(-1)!;
  assert.ok(last.kind === "assistant");
  assert.equal(last.streaming, true);
  assert.equal(last.text, "Created “Winter Boots”.\nSay “resume Winter Boots” to start it.");
  assert.equal(activeRun(view)?.status, "running");
});

Deno.test("a waiting run shows an undecided card and is the active run", () => {
  const view = foldEvents(emptyView(), approvedRun().slice(0, 7));
  const card = view.items.find((item) => item.kind === "confirmation") as ConfirmationItem;
  assert.equal(card.decision, null);
  assert.equal(activeRun(view)?.status, "waiting_confirmation");
});

Deno.test("a rejection decided elsewhere marks the card; a run ending undecided expires it", () => {
  const events = approvedRun().slice(0, 7);
  const rejected = foldEvents(emptyView(), [
    ...events,
    event(8, "run", "queued", { status: "queued", confirmation_id: "k1", decision: "reject" }),
  ]);
  assert.equal((rejected.items[2] as ConfirmationItem).decision, "reject");
  const cancelled = foldEvents(emptyView(), [
    ...events,
    event(8, "run", "cancelled", { status: "cancelled" }),
  ]);
  const card = cancelled.items[2] as ConfirmationItem;
  assert.equal(card.decision, null);
  assert.equal(card.expired, true);
  assert.equal(latestRun(cancelled)?.status, "cancelled");
});

Deno.test("text streamed before a tool call stays; a different final message is added", () => {
  const view = foldEvents(emptyView(), [
    event(1, "user", "hi"),
    event(2, "assistant", "Let me look.", { delta: true }),
    event(3, "step", "list_campaigns running", {
      name: "list_campaigns",
      tool_call_id: "a",
      status: "running",
    }),
    event(4, "assistant", "You have 2 campaigns.", { final: true }),
  ]);
  const texts = view.items.filter((item) => item.kind === "assistant").map((item) =>
    item.kind === "assistant" && [item.text, item.streaming]
  );
  assert.deepEqual(texts, [["Let me look.", false], ["You have 2 campaigns.", false]]);
});

Deno.test("a failed run shows the error and its closing message", () => {
  const view = foldEvents(emptyView(), [
    event(1, "user", "report"),
    event(2, "error", "balance 0 < 1", { code: "insufficient_credits" }),
    event(3, "assistant", "I had to stop: your credit balance is too low.", { final: true }),
    event(4, "run", "failed", { status: "failed", code: "insufficient_credits" }),
  ]);
  const error = view.items.find((item) => item.kind === "error");
  assert.equal(error?.kind === "error" && error.code, "insufficient_credits");
  assert.deepEqual(latestRun(view), { id: RUN, status: "failed", code: "insufficient_credits" });
});

Deno.test("a repeated confirmation (run taken over) keeps one card and its decision", () => {
  const events = approvedRun();
  const view = foldEvents(emptyView(), [
    ...events.slice(0, 8),
    { ...events[5], metadata: { ...events[5].metadata, seq: 9 } },
  ]);
  const cards = view.items.filter((item) => item.kind === "confirmation") as ConfirmationItem[];
  assert.equal(cards.length, 1);
  assert.equal(cards[0].decision, "approve");
});

Deno.test("folding is idempotent: replays and split batches give the same view", () => {
  const events = approvedRun();
  const whole = foldEvents(emptyView(), events);
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: events.length }), { maxLength: 6 }),
      fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 6 }),
      (cuts, replays) => {
        // Deliver in batches, re-sending earlier events (as a resume after reconnect may).
        const points = [...new Set([0, ...cuts, events.length])].sort((a, b) => a - b);
        let view = emptyView();
        for (let index = 1; index < points.length; index++) {
          const replay = replays.filter((at) => at < points[index - 1]).map((at) => events[at]);
          view = foldEvents(view, [...replay, ...events.slice(points[index - 1], points[index])]);
        }
        assert.deepEqual(view, whole);
      },
    ),
  );
});

Deno.test("a model call streamed again after a takeover replaces the earlier attempt's text", () => {
  const start = [
    event(1, "user", "How is spend?"),
    event(2, "run", "running", { status: "running" }),
    event(3, "assistant", "Let me ", { delta: true, stream: "model:0" }),
    event(4, "assistant", "check.", { delta: true, stream: "model:0" }),
    event(5, "run", "running", { status: "running" }),
  ];
  const marker = event(6, "assistant", "", { delta: true, stream: "model:0", replaces: true });
  const texts = (events: ChatEvent[]) =>
    foldEvents(emptyView(), events).items.filter((item) => item.kind === "assistant")
      .map((item) => item.kind === "assistant" && [item.text, item.streaming]);

  // The new attempt's text takes the old text's place, and the final message replaces it.
  assert.deepEqual(
    texts([
      ...start,
      marker,
      event(7, "assistant", "Spend is fine.", { delta: true, stream: "model:0" }),
      event(8, "assistant", "Spend is fine.", { final: true }),
    ]),
    [["Spend is fine.", false]],
  );
  // The new attempt streams no text (only a tool call): the old text is gone all the same.
  assert.deepEqual(texts([...start, marker]), []);
  // Text of another model call of the run stays.
  const earlier = [
    event(7, "assistant", "Done with step one.", { delta: true, stream: "model:1" }),
    event(8, "step", "get_metrics running", { tool_call_id: "t1", status: "running" }),
    event(9, "assistant", "", { delta: true, stream: "model:2", replaces: true }),
    event(10, "assistant", "All good.", { delta: true, stream: "model:2" }),
  ];
  assert.deepEqual(texts([...start.slice(0, 2), ...earlier]), [
    ["Done with step one.", false],
    ["All good.", true],
  ]);
});
