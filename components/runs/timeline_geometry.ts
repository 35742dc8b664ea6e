/**
 * Geometry of the run timeline: every step as a bar on one shared time axis, in percent of the
 * axis width (the page draws plain positioned boxes, so the bars stretch with the layout and need
 * no script). d3-scale does the mapping and picks round tick values.
 *
 * @module
 */
import { scaleLinear } from "d3-scale";

/** What the geometry needs of a step. */
export interface TimedStep {
  /** Confirmations start a wait for the owner's answer. */
  kind?: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** A step still `running` extends to `nowMs`. */
  status: string;
}

/** What the geometry needs of the run. */
export interface TimedRun {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A step's bar, in percent of the axis width. */
export interface TimelineBar {
  offset: number;
  width: number;
  /** Still running: drawn open-ended up to now. */
  running: boolean;
}

/** A stretch spent waiting for the owner's approval, in percent of the axis width. */
export interface TimelineWait {
  offset: number;
  width: number;
  /** Index of the confirmation step that started it. */
  step: number;
}

/** An axis label, in percent of the axis width. */
export interface TimelineTick {
  offset: number;
  /** Milliseconds since the axis start. */
  ms: number;
  label: string;
}

/** The whole drawing. */
export interface TimelineGeometry {
  /** Epoch milliseconds of the axis ends. */
  startMs: number;
  endMs: number;
  /** One entry per step, in the steps' order; null for a step that never started. */
  bars: (TimelineBar | null)[];
  /** Approval waits: often most of a run's time, and otherwise an unexplained gap. */
  waits: TimelineWait[];
  ticks: TimelineTick[];
}

/**
 * Narrowest bar drawn, in percent: a 3 ms step beside a 40 s approval wait would otherwise be
 * invisible, and "it happened, and was short" is what the reader needs to see.
 */
export const MIN_BAR_WIDTH = 0.6;

/**
 * Lays out `steps` of `run`. The axis runs from the earliest moment known (run start, or its
 * creation, or an earlier step) to the latest (run finish, a step's finish, or `nowMs` while
 * anything is unfinished).
 */
export function timelineGeometry(
  run: TimedRun,
  steps: readonly TimedStep[],
  nowMs: number,
): TimelineGeometry {
  const ms = (iso: string | null) => iso === null ? null : Date.parse(iso);
  const ends = steps.map((step) => {
    const start = ms(step.startedAt);
    if (start === null) return null;
    const running = step.status === "running" && step.finishedAt === null;
    const end = ms(step.finishedAt) ?? (running ? Math.max(nowMs, start) : start);
    return { start, end: Math.max(start, end), running };
  });
  const known = ends.filter((span) => span !== null);
  const startMs = Math.min(
    ms(run.startedAt) ?? Date.parse(run.createdAt),
    ...known.map((span) => span.start),
  );
  const unfinished = run.finishedAt === null || known.some((span) => span.running);
  const endMs = Math.max(
    startMs + 1,
    ms(run.finishedAt) ?? startMs,
    unfinished ? nowMs : startMs,
    ...known.map((span) => span.end),
  );
  const x = scaleLinear().domain([startMs, endMs]).range([0, 100]).clamp(true);
  const bars = ends.map((span): TimelineBar | null => {
    if (span === null) return null;
    const width = Math.max(MIN_BAR_WIDTH, x(span.end) - x(span.start));
    // A sliver at the very end stays inside the axis.
    const offset = Math.min(x(span.start), 100 - width);
    return { offset: round(offset), width: round(width), running: span.running };
  });
  const waits = steps.flatMap((step, index): TimelineWait[] => {
    const span = ends[index];
    if (step.kind !== "confirmation" || span === null) return [];
    // An answered confirmation is closed when the answer arrives, so its own span is the wait.
    // An open one was closed at once (0 ms): its wait lasts until the next step starts (the
    // approved call, or the model told of a rejection), else until the run finished, else now.
    let until = span.end;
    if (until === span.start) {
      const next = Math.min(
        ...ends.flatMap((other, at) =>
          other !== null && at !== index && other.start >= span.end ? [other.start] : []
        ),
      );
      until = Number.isFinite(next) ? next : ms(run.finishedAt) ?? endMs;
    }
    const width = x(until) - x(span.start);
    return width > 0 ? [{ offset: round(x(span.start)), width: round(width), step: index }] : [];
  });
  const total = endMs - startMs;
  const axis = scaleLinear().domain([0, total]).range([0, 100]);
  const unit = tickUnit(total);
  const ticks = axis.ticks(5).map((tick): TimelineTick => ({
    offset: round(axis(tick)),
    ms: tick,
    label: unit(tick),
  }));
  return { startMs, endMs, bars, waits, ticks };
}

function round(percent: number): number {
  return Math.round(percent * 1000) / 1000;
}

/** One unit for every label of an axis, chosen by its length, so labels read as a scale. */
function tickUnit(totalMs: number): (ms: number) => string {
  if (totalMs < 2_000) return (ms) => `${Math.round(ms)} ms`;
  if (totalMs < 120_000) return (ms) => `${trim(ms / 1_000)} s`;
  if (totalMs < 7_200_000) return (ms) => `${trim(ms / 60_000)} min`;
  return (ms) => `${trim(ms / 3_600_000)} h`;
}

function trim(value: number): string {
  return String(Math.round(value * 10) / 10);
}
