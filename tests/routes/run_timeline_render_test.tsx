/**
 * The run components on a crafted running run (what a takeover leaves behind): a model call
 * replayed by the new runner reads as resumed, not approved; the running step is open-ended;
 * the header names the runner and its epoch while running, and the error once failed.
 */
import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import type { RunDetailView, RunStepDetail } from "../../agent/runs/views.ts";
import { RunOverview } from "../../components/runs/RunOverview.tsx";
import { RunTimeline } from "../../components/runs/RunTimeline.tsx";

const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

function step(seq: number, overrides: Partial<RunStepDetail>): RunStepDetail {
  return {
    id: `step-${seq}`,
    seq,
    kind: "model_call",
    name: "gemini-2.5-flash",
    status: "succeeded",
    attempt: 1,
    input: { turn: seq - 1 },
    output: null,
    startedAt: at(seq * 1_000),
    finishedAt: at(seq * 1_000 + 500),
    durationMs: 500,
    idempotencyKey: `model:${seq - 1}`,
    leaseEpoch: 1,
    credits: 1,
    tokens: { input: 1_200, output: 80 },
    ...overrides,
  };
}

const running: RunDetailView = {
  id: "run-1",
  conversationId: "conversation-1",
  status: "running",
  pendingConfirmation: null,
  inputTokens: 2_400,
  outputTokens: 160,
  error: null,
  errorCode: null,
  createdAt: at(0),
  startedAt: at(0),
  finishedAt: null,
  leaseOwner: "aae-instance-b",
  leaseEpoch: 2,
  cancelRequestedAt: null,
  creditsCharged: 2,
  summary: "Answering: how did we do?",
  steps: [
    step(1, {}),
    // Replayed by the runner that took the run over (epoch 2) after the first one died.
    step(2, { attempt: 2, leaseEpoch: 2, startedAt: at(6_000), finishedAt: at(6_400) }),
    step(3, {
      kind: "tool_call",
      name: "list_campaigns",
      status: "running",
      startedAt: at(7_000),
      finishedAt: null,
      durationMs: null,
      idempotencyKey: "tool:t1c0",
      leaseEpoch: 2,
      credits: null,
      tokens: null,
    }),
  ],
};

Deno.test("run components", async (t) => {
  await t.step("a takeover replay reads as resumed; the running step is open-ended", () => {
    const html = render(<RunTimeline run={running} nowMs={T0 + 10_000} />);
    assert.match(html, /data-step-attempt="2"/);
    assert.match(html, /data-retry-reason[^>]*>resumed after a crash or takeover</);
    assert.doesNotMatch(html, /after approval/);
    // 7 s → 10 s (now) of a 0 → 10 s axis, pulsing.
    assert.match(html, /animate-pulse[^"]*" style="left:70%;width:30%;?"/);
    assert.match(html, /data-step-duration[^>]*>3\.0 s</, "a running step's time so far");
    assert.match(html, /<code data-idempotency-key[^>]*>tool:t1c0<\/code>/);
    assert.match(html, /data-step-tokens[^>]*>1,200 in · 80 out</);
  });

  await t.step("the header shows the runner while running, and the error once failed", () => {
    const html = render(<RunOverview run={running} nowMs={T0 + 10_000} />);
    assert.match(html, /data-lease-owner[^>]*>aae-instance-b</);
    assert.match(html, /epoch 2/);
    assert.match(html, /data-run-duration[^>]*>10 s<span[^>]*>so far</);
    assert.match(html, /href="\/assistant\/conversation-1"/);
    const failed = render(
      <RunOverview
        run={{
          ...running,
          status: "failed",
          finishedAt: at(8_000),
          error: "Not enough credits for the next step",
          errorCode: "insufficient_credits",
        }}
        nowMs={T0 + 10_000}
      />,
    );
    assert.match(failed, /data-run-error[^>]*>.*Not enough credits for the next step/);
    assert.match(failed, /insufficient_credits/);
    assert.doesNotMatch(failed, /data-lease-owner/, "no runner once finished");
    assert.match(failed, /data-run-duration[^>]*>8\.0 s</);
  });
});
