/**
 * When a rule runs, in its ad account's time zone: the latest schedule slot at or before a moment
 * (the scheduler enqueues only that one, so missed slots after downtime are caught up once), and
 * the next local midnight (when `pause_until_tomorrow` resumes).
 *
 * Slots are found on the 15-minute grid of UTC instants, which every time zone's local quarter
 * hours fall on (offsets are whole quarter hours), so daylight saving needs no special arithmetic:
 * - every 15 minutes: each grid instant;
 * - hourly: each grid instant whose local minute is 0 (in a +05:30 zone that is hh:30 UTC);
 * - daily at HH:MM: the first grid instant of the local day whose local time reaches HH:MM. On a
 *   spring-forward day whose gap swallows HH:MM, that is the first instant after the gap; on a
 *   fall-back day the repeated hour runs the rule once, because the slot's key is the local date.
 *
 * @module
 */
import type { RuleSchedule } from "./model.ts";

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** One slot of a schedule. */
export interface ScheduleSlot {
  /** The instant the slot starts. */
  at: Date;
  /** Identifies the slot across instances (part of the run's dedupe key). */
  key: string;
  /** Local wall time of the slot, `YYYY-MM-DDTHH:MM`. */
  local: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local wall time parts of `moment` in `timeZone`. */
function localParts(moment: Date, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(moment)) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const minuteOfDay = Number(parts.hour) * 60 + Number(parts.minute);
  return { date, minuteOfDay, local: `${date}T${parts.hour}:${parts.minute}` };
}

/** Whether the grid instant `at` is a slot of `schedule` in `timeZone`. */
function isSlot(schedule: RuleSchedule, at: Date, timeZone: string): boolean {
  switch (schedule.frequency) {
    case "every_15_minutes":
      return true;
    case "hourly":
      return localParts(at, timeZone).minuteOfDay % 60 === 0;
    case "daily": {
      const [hours, minutes] = schedule.at.split(":").map(Number);
      const target = hours * 60 + minutes;
      const here = localParts(at, timeZone);
      if (here.minuteOfDay < target) return false;
      const before = localParts(new Date(at.getTime() - QUARTER_MS), timeZone);
      return before.date !== here.date || before.minuteOfDay < target;
    }
  }
}

/** The latest slot of `schedule` at or before `now` in `timeZone` (within the last 2 days). */
export function latestSlot(
  schedule: RuleSchedule,
  now: Date,
  timeZone: string,
): ScheduleSlot | null {
  let at = Math.floor(now.getTime() / QUARTER_MS) * QUARTER_MS;
  const earliest = at - 2 * DAY_MS;
  for (; at >= earliest; at -= QUARTER_MS) {
    const moment = new Date(at);
    if (isSlot(schedule, moment, timeZone)) return slotAt(schedule, moment, timeZone);
  }
  return null;
}

function slotAt(schedule: RuleSchedule, at: Date, timeZone: string): ScheduleSlot {
  const { date, local } = localParts(at, timeZone);
  // A daily rule runs once per local date, even when a fall-back repeats its time.
  const key = schedule.frequency === "daily" ? `${date}@${schedule.at}` : at.toISOString();
  return { at, key, local };
}

/** The first instant of the local day after the one `moment` falls on. */
export function nextLocalMidnight(moment: Date, timeZone: string): { at: Date; date: string } {
  const today = localParts(moment, timeZone).date;
  let at = Math.floor(moment.getTime() / QUARTER_MS) * QUARTER_MS + QUARTER_MS;
  for (let steps = 0; steps < 4 * 30; steps++, at += QUARTER_MS) {
    const parts = localParts(new Date(at), timeZone);
    if (parts.date !== today) return { at: new Date(at), date: parts.date };
  }
  return { at: new Date(moment.getTime() + DAY_MS), date: today };
}

/** Local `YYYY-MM-DD` of a moment in a time zone. */
export function localDateOf(moment: Date, timeZone: string): string {
  return localParts(moment, timeZone).date;
}
