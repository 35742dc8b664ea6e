/**
 * Report periods in user text ("last week", "past 2 weeks", "yesterday", "this month", "since
 * Nov 1", "from Oct 3 to Oct 9") resolved against today's UTC date into inclusive
 * `YYYY-MM-DD` ranges for the reporting tools.
 *
 * @module
 */
import { addDays, weekdayOf } from "../../domain/dates.ts";
import { DEFAULT_PRESET, lastCompleteDays, presetDates } from "../../domain/report_range.ts";

/** An inclusive date range and how to name it. */
export interface Period {
  from: string;
  to: string;
  label: string;
  /** Where the phrase was found (to cut it out before looking for names). */
  start: number;
  end: number;
}

const MONTHS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];
const MONTH = String
  .raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const ORDINAL = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
/** A written date: ISO, "Nov 1", "November 1st, 2026", "1 Nov", "1st of November", "11/1". */
const DATE = String
  .raw`(?:\d{4}-\d{2}-\d{2}|${MONTH}\.?\s+${ORDINAL}(?:,?\s+\d{4})?|${ORDINAL}\s+(?:of\s+)?${MONTH}(?:,?\s+\d{4})?|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?)`;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  thirty: 30,
  ninety: 90,
  couple: 2,
  "couple of": 2,
  few: 3,
};
const COUNT = String
  .raw`(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty|ninety|couple(?: of)?|few)`;

interface Rule {
  regex: RegExp;
  resolve(match: RegExpExecArray, today: string): Omit<Period, "start" | "end"> | null;
}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
/** A weekday, in full or in its usual short forms (not "sat"/"sun", which are also words). */
const WEEKDAY = String
  .raw`(sunday|monday|tuesday|wednesday|thursday|friday|saturday|mon|tues?|wed|thu(?:rs?)?|fri)\b`;

/** The latest `written` weekday strictly before `today` ("since Monday" on a Monday: a week). */
function weekdayBefore(written: string, today: string): string {
  const target = WEEKDAYS.findIndex((day) => day.startsWith(written.slice(0, 3).toLowerCase()));
  const back = (weekdayOf(today) - target + 7) % 7 || 7;
  return addDays(today, -back);
}

const capitalised = (word: string) => `${word[0].toUpperCase()}${word.slice(1).toLowerCase()}`;

/** Rules from most to least specific; the first that matches wins. */
const RULES: Rule[] = [
  {
    regex: new RegExp(
      String.raw`\b(?:from|between)\s+(${DATE})\s+(?:to|until|till|through|thru|and|-)\s+(${DATE})`,
      "iu",
    ),
    resolve: (match, today) => {
      const dates = [...match[0].matchAll(new RegExp(DATE, "giu"))].map((found) =>
        parseDate(found[0], today)
      );
      const [from, to] = dates;
      if (!from || !to || from > to) return null;
      return { from, to, label: `${from} to ${to}` };
    },
  },
  {
    regex: new RegExp(String.raw`\bsince\s+(${DATE})`, "iu"),
    resolve: (match, today) => {
      const from = parseDate(match[1], today);
      return from ? { from, to: today, label: `since ${from}` } : null;
    },
  },
  {
    regex: new RegExp(String.raw`\bsince\s+(?:last\s+)?${WEEKDAY}`, "iu"),
    resolve: (match, today) => {
      const from = weekdayBefore(match[1], today);
      return { from, to: today, label: `since ${capitalised(match[1])} ${from}` };
    },
  },
  {
    regex: /\bsince\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b/iu,
    resolve: (match, today) => {
      // The latest such day of a month, not after today.
      const day = Number(match[1]);
      const from = withYear(Number(today.slice(5, 7)), day, Number(today.slice(0, 4)), today);
      const earlier = from && from <= today ? from : previousMonthDay(today, day);
      return earlier ? { from: earlier, to: today, label: `since ${earlier}` } : null;
    },
  },
  {
    regex: /\b(?:the\s+)?week\s+before\s+last(?:\s+week)?\b/iu,
    resolve: (_match, today) => {
      const monday = addDays(mondayOf(today), -14);
      return { from: monday, to: addDays(monday, 6), label: "the week before last" };
    },
  },
  {
    regex: /\bweekend\b/iu,
    resolve: (_match, today) => {
      // The latest weekend that has begun: Saturday strictly before today, or today.
      const saturday = weekdayOf(today) === 6 ? today : weekdayBefore("saturday", today);
      const sunday = addDays(saturday, 1) < today ? addDays(saturday, 1) : today;
      return { from: saturday, to: sunday, label: "the weekend" };
    },
  },
  {
    regex: /\byesterday\b/iu,
    resolve: (_match, today) => ({ ...presetDates("yesterday", today), label: "yesterday" }),
  },
  {
    regex: /\btoday(?:'s)?\b|\bso far today\b/iu,
    resolve: (_match, today) => ({ from: today, to: today, label: "today (so far)" }),
  },
  {
    regex: new RegExp(
      String.raw`\b(?:last|past|previous|prior|trailing)\s+${COUNT}\s+(day|week|month)s?\b`,
      "iu",
    ),
    resolve: (match, today) => {
      const count = countOf(match[1]);
      if (!count) return null;
      const unit = match[2].toLowerCase();
      const days = unit === "day" ? count : unit === "week" ? count * 7 : count * 30;
      return { ...lastCompleteDays(days, today), label: `the last ${days} days` };
    },
  },
  {
    regex: /\b(?:last|previous|prior)\s+week\b|\bweek before this\b/iu,
    resolve: (_match, today) => {
      // Weeks run Monday to Sunday: last week ends on the Sunday before this week's Monday.
      const monday = mondayOf(today);
      return { from: addDays(monday, -7), to: addDays(monday, -1), label: "last week" };
    },
  },
  {
    regex: /\b(?:past|this past)\s+week\b/iu,
    resolve: (_match, today) => ({
      ...presetDates("last_7_days", today),
      label: "the last 7 days",
    }),
  },
  {
    regex: /\bthis\s+week\b|\bweek\s+to\s+date\b|\bwtd\b/iu,
    resolve: (_match, today) => ({ from: mondayOf(today), to: today, label: "this week" }),
  },
  {
    regex: /\b(?:last|previous|prior)\s+month\b/iu,
    resolve: (_match, today) => ({ ...presetDates("last_month", today), label: "last month" }),
  },
  {
    regex: /\b(?:past|this past)\s+month\b/iu,
    resolve: (_match, today) => ({
      ...presetDates("last_30_days", today),
      label: "the last 30 days",
    }),
  },
  {
    regex: /\b(?:this|current)\s+month\b|\bmonth\s+to\s+date\b|\bmtd\b|\bso far this month\b/iu,
    resolve: (_match, today) => ({ ...presetDates("this_month", today), label: "this month" }),
  },
  {
    regex: /\b(?:this|current)\s+year\b|\byear\s+to\s+date\b|\bytd\b/iu,
    resolve: (_match, today) => ({
      from: `${today.slice(0, 5)}01-01`,
      to: today,
      label: "this year",
    }),
  },
  {
    regex: /\b(?:last|previous)\s+year\b/iu,
    resolve: (_match, today) => {
      const year = Number(today.slice(0, 4)) - 1;
      return { from: `${year}-01-01`, to: `${year}-12-31`, label: `${year}` };
    },
  },
  {
    // A whole month: "in October", "for Oct 2025" — not "Oct 3". The preposition is required
    // because "may" and "march" are also ordinary words.
    regex: new RegExp(
      String.raw`\b(?:in|for|during|of|over|throughout)\s+${MONTH}(?:\s+(\d{4}))?` +
        String.raw`\b(?!\.?\s*\d{1,2}\b)`,
      "iu",
    ),
    resolve: (match, today) => {
      const month = monthIndex(match[1]);
      const thisYear = Number(today.slice(0, 4));
      const year = match[2]
        ? Number(match[2])
        : month <= Number(today.slice(5, 7))
        ? thisYear
        : thisYear - 1;
      const from = `${year}-${String(month).padStart(2, "0")}-01`;
      if (from > today) return null;
      const end = addDays(
        `${month === 12 ? year + 1 : year}-${String(month % 12 + 1).padStart(2, "0")}-01`,
        -1,
      );
      const to = end < today ? end : today;
      return {
        from,
        to,
        label: `${match[1][0].toUpperCase()}${match[1].slice(1).toLowerCase()} ${year}`,
      };
    },
  },
  {
    regex: new RegExp(String.raw`\b(?:on|for)\s+(${DATE})`, "iu"),
    resolve: (match, today) => {
      const day = parseDate(match[1], today);
      return day ? { from: day, to: day, label: day } : null;
    },
  },
  {
    // Last: "Black Friday" in a name is not a date; a weekday needs "last", "on" or "past".
    regex: new RegExp(
      String.raw`\b(?:last|this\s+past|past|previous|on)\s+${WEEKDAY}`,
      "iu",
    ),
    resolve: (match, today) => {
      const day = weekdayBefore(match[1], today);
      return { from: day, to: day, label: `${capitalised(match[1])} ${day}` };
    },
  },
];

/** The first report period named in `text`, resolved against `today` (YYYY-MM-DD); or null. */
export function findPeriod(text: string, today: string): Period | null {
  for (const rule of RULES) {
    const match = rule.regex.exec(text);
    if (!match) continue;
    const period = rule.resolve(match, today);
    if (period) return { ...period, start: match.index, end: match.index + match[0].length };
  }
  return null;
}

/** The default period of the reporting tools (`DEFAULT_PRESET`: the last 7 complete days). */
export function defaultPeriod(today: string): Omit<Period, "start" | "end"> {
  return { ...presetDates(DEFAULT_PRESET, today), label: "the last 7 days" };
}

/**
 * A written date as `YYYY-MM-DD`; without a year, the latest such date not after `today`.
 * Null for dates that do not exist.
 */
export function parseDate(written: string, today: string): string | null {
  const text = written.trim().toLowerCase();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const slash = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?$/.exec(text);
  if (slash) {
    // Month first, as US users write it; the product's default locale is en-US.
    const year = slash[3] ? expandYear(slash[3]) : undefined;
    return withYear(Number(slash[1]), Number(slash[2]), year, today);
  }
  const monthFirst = new RegExp(String.raw`^${MONTH}\.?\s+${ORDINAL}(?:,?\s+(\d{4}))?$`, "u")
    .exec(text);
  if (monthFirst) {
    const year = monthFirst[3] ? Number(monthFirst[3]) : undefined;
    return withYear(monthIndex(monthFirst[1]), Number(monthFirst[2]), year, today);
  }
  const dayFirst = new RegExp(String.raw`^${ORDINAL}\s+(?:of\s+)?${MONTH}(?:,?\s+(\d{4}))?$`, "u")
    .exec(text);
  if (dayFirst) {
    const year = dayFirst[3] ? Number(dayFirst[3]) : undefined;
    return withYear(monthIndex(dayFirst[2]), Number(dayFirst[1]), year, today);
  }
  return null;
}

function withYear(
  month: number,
  day: number,
  year: number | undefined,
  today: string,
): string | null {
  if (year !== undefined) return validDate(year, month, day);
  const thisYear = Number(today.slice(0, 4));
  const candidate = validDate(thisYear, month, day);
  if (candidate && candidate <= today) return candidate;
  return validDate(thisYear - 1, month, day);
}

/** Day `day` of the month before `today`'s, or null when that month has no such day. */
function previousMonthDay(today: string, day: number): string | null {
  const lastMonth = addDays(`${today.slice(0, 8)}01`, -1);
  return validDate(Number(lastMonth.slice(0, 4)), Number(lastMonth.slice(5, 7)), day);
}

function validDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) return null;
  if (date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function expandYear(written: string): number {
  return written.length === 2 ? 2000 + Number(written) : Number(written);
}

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function mondayOf(date: string): string {
  // weekdayOf: 0 = Sunday; Monday-based offset.
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

function countOf(written: string): number | null {
  const word = written.toLowerCase();
  const count = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word];
  return count && count > 0 && count <= 3660 ? count : null;
}
