import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MIN_BAR_WIDTH,
  type TimedStep,
  timelineGeometry,
} from "../../components/runs/timeline_geometry.ts";
import { formatDuration } from "../../pages/format.ts";

const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const done = (from: number, to: number): TimedStep => ({
  startedAt: at(from),
  finishedAt: at(to),
  status: "succeeded",
});

Deno.test("run timeline geometry", async (t) => {
  await t.step("bars sit where their step ran on the run's own axis", () => {
    const run = { createdAt: at(-500), startedAt: at(0), finishedAt: at(10_000) };
    const geometry = timelineGeometry(run, [
      done(0, 2_000),
      done(2_000, 2_500),
      done(9_000, 10_000),
    ], T0 + 60_000);
    assert.equal(geometry.startMs, T0);
    assert.equal(geometry.endMs, T0 + 10_000, "a finished run ends at its finish, not now");
    assert.deepEqual(geometry.bars, [
      { offset: 0, width: 20, running: false },
      { offset: 20, width: 5, running: false },
      { offset: 90, width: 10, running: false },
    ]);
    assert.deepEqual(geometry.ticks.map((tick) => [tick.offset, tick.label]), [
      [0, "0 s"],
      [20, "2 s"],
      [40, "4 s"],
      [60, "6 s"],
      [80, "8 s"],
      [100, "10 s"],
    ]);
  });

  await t.step("an instant step still shows, inside the axis", () => {
    const run = { createdAt: at(0), startedAt: at(0), finishedAt: at(1_000) };
    const { bars, ticks } = timelineGeometry(run, [done(500, 500), done(1_000, 1_000)], T0);
    assert.deepEqual(bars[0], { offset: 50, width: MIN_BAR_WIDTH, running: false });
    assert.deepEqual(bars[1], {
      offset: 100 - MIN_BAR_WIDTH,
      width: MIN_BAR_WIDTH,
      running: false,
    });
    assert.equal(ticks.at(-1)?.label, "1000 ms", "short runs are labelled in milliseconds");
  });

  await t.step("an unfinished run reaches now; a running step is open-ended", () => {
    const run = { createdAt: at(0), startedAt: at(1_000), finishedAt: null };
    const geometry = timelineGeometry(run, [
      done(1_000, 3_000),
      { startedAt: at(3_000), finishedAt: null, status: "running" },
      { startedAt: null, finishedAt: null, status: "pending" },
    ], T0 + 5_000);
    assert.equal(geometry.startMs, T0 + 1_000);
    assert.equal(geometry.endMs, T0 + 5_000);
    assert.deepEqual(geometry.bars, [
      { offset: 0, width: 50, running: false },
      { offset: 50, width: 50, running: true },
      null,
    ]);
  });

  await t.step("a step before the recorded run start widens the axis (takeover restamps)", () => {
    const run = { createdAt: at(0), startedAt: at(2_000), finishedAt: at(4_000) };
    const geometry = timelineGeometry(run, [done(0, 1_000), done(3_000, 4_000)], T0);
    assert.equal(geometry.startMs, T0);
    assert.deepEqual(geometry.bars.map((bar) => bar?.offset), [0, 75]);
  });

  await t.step("an approval wait spans from the confirmation to the next step, or to now", () => {
    const confirm: TimedStep = { ...done(1_000, 1_000), kind: "confirmation" };
    const finishedRun = { createdAt: at(0), startedAt: at(0), finishedAt: at(10_000) };
    const approved = timelineGeometry(
      finishedRun,
      [done(0, 1_000), confirm, done(9_000, 10_000)],
      T0 + 60_000,
    );
    assert.deepEqual(approved.waits, [{ offset: 10, width: 80, step: 1 }]);
    // Once answered, the runner closes the confirmation at the answer: its span is the wait.
    const answered = timelineGeometry(finishedRun, [
      done(0, 1_000),
      { ...done(1_000, 8_000), kind: "confirmation" },
      done(9_000, 10_000),
    ], T0 + 60_000);
    assert.deepEqual(answered.waits, [{ offset: 10, width: 70, step: 1 }]);
    const waitingRun = { createdAt: at(0), startedAt: at(0), finishedAt: null };
    const waiting = timelineGeometry(waitingRun, [done(0, 1_000), confirm], T0 + 4_000);
    assert.deepEqual(waiting.waits, [{ offset: 25, width: 75, step: 1 }]);
    assert.deepEqual(timelineGeometry(finishedRun, [done(0, 1_000)], T0).waits, []);
  });

  await t.step("every bar stays on the axis and keeps its steps' time order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 600_000 }), fc.nat({ max: 120_000 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.nat({ max: 1_000_000 }),
        (spans, finish) => {
          const steps = spans.map(([start, length]) => done(start, start + length));
          const run = { createdAt: at(0), startedAt: at(0), finishedAt: at(finish) };
          const { bars, ticks } = timelineGeometry(run, steps, T0 + 2_000_000);
          for (const bar of bars) {
            assert.ok(bar, "started steps have bars");
            assert.ok(bar.offset >= 0, `offset ${bar.offset}`);
            assert.ok(bar.width >= MIN_BAR_WIDTH - 1e-9, `width ${bar.width}`);
            assert.ok(bar.offset + bar.width <= 100 + 1e-6, `end ${bar.offset + bar.width}`);
          }
          const order = (index: number) => spans[index][0];
          for (let i = 0; i < spans.length; i++) {
            for (let j = 0; j < spans.length; j++) {
              // Only when neither bar was pushed left to fit (an instant step at the very end).
              if (order(i) < order(j) && bars[j]!.offset + bars[j]!.width < 100 - 1e-6) {
                assert.ok(bars[i]!.offset <= bars[j]!.offset);
              }
            }
          }
          assert.ok(ticks.length >= 2 && ticks[0].offset === 0);
          assert.ok(ticks.every((tick) => tick.offset >= 0 && tick.offset <= 100 + 1e-9));
        },
      ),
    );
  });

  await t.step("durations read in the largest sensible unit", () => {
    assert.deepEqual([0, 840, 2_449, 12_400, 185_000, 3_900_000].map(formatDuration), [
      "0 ms",
      "840 ms",
      "2.4 s",
      "12 s",
      "3 min 5 s",
      "1 h 5 min",
    ]);
  });
});
