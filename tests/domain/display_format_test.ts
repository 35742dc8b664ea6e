/**
 * The one formatting path follows a person's locale and time zone: money, metrics, dates and
 * moments in de-DE, en-US and ja-JP, and moments in the reader's zone.
 */
import assert from "node:assert/strict";
import {
  formatDate,
  formatDateTime,
  formatMomentDate,
  supportedTimeZoneOr,
} from "../../domain/dates.ts";
import { formatMoney, formatMoneyDecimal } from "../../domain/money.ts";
import { formatCount } from "../../domain/counts.ts";
import { formatPercent, formatRoas } from "../../domain/metric_format.ts";

/** Intl separates amount and unit with a no-break space; tests spell it as a plain one. */
const plain = (text: string) => text.replaceAll("\u00a0", " ").replaceAll("\u202f", " ");

Deno.test("money and metrics in the reader's locale", () => {
  assert.equal(plain(formatMoney(123_456, "EUR", "de-DE")), "1.234,56 €");
  assert.equal(formatMoney(123_456, "USD", "en-US"), "$1,234.56");
  assert.equal(formatMoney(123_456, "JPY", "ja-JP"), "￥123,456");
  assert.equal(plain(formatMoneyDecimal("21.4283", "EUR", "de-DE")), "21,43 €");
  assert.equal(formatRoas("4.2214", "de-DE"), "4,22×");
  assert.equal(formatRoas("4.2214", "ja-JP"), "4.22×");
  assert.equal(plain(formatPercent("0.012345", "de-DE")), "1,23 %");
  assert.equal(formatPercent("0.012345", "en-US"), "1.23%");
  assert.equal(formatCount(1_234_567, "de-DE"), "1.234.567");
  assert.equal(formatCount(1_234_567, "ja-JP"), "1,234,567");
  assert.equal(formatCount(1_234_567), "1,234,567", "en-US when no locale is known");
});

Deno.test("calendar dates in the reader's locale never shift with a zone", () => {
  assert.equal(formatDate("2026-11-03", "en-US"), "Nov 3, 2026");
  assert.equal(formatDate("2026-11-03", "de-DE"), "3. Nov. 2026");
  assert.equal(formatDate("2026-11-03", "ja-JP"), "2026年11月3日");
  assert.equal(formatDate("2026-11-03T23:59:59Z", "en-US"), "Nov 3, 2026", "the date part");
  assert.equal(formatDate("2026-11-03", "en-US", { withYear: false }), "Nov 3");
  assert.equal(formatDate("2026-11-03", "de-DE", { withYear: false }), "3. Nov.");
});

Deno.test("moments in the reader's locale and time zone", () => {
  const lateEvening = "2026-12-07T23:30:05Z";
  assert.equal(
    plain(formatDateTime(lateEvening, { locale: "de-DE", timeZone: "Europe/Berlin" })),
    "8. Dez. 2026, 00:30 MEZ",
  );
  assert.equal(
    plain(formatDateTime(lateEvening, { locale: "en-US", timeZone: "America/New_York" })),
    "Dec 7, 2026, 18:30 EST",
  );
  assert.equal(
    plain(formatDateTime(lateEvening, { locale: "ja-JP", timeZone: "Asia/Tokyo" })),
    "2026年12月8日 08:30 JST",
  );
  assert.equal(formatDateTime(lateEvening), "Dec 7, 2026, 23:30 UTC", "UTC when unknown");
  assert.equal(
    formatDateTime(lateEvening, { locale: "en-US", timeZone: "UTC" }, { seconds: true }),
    "Dec 7, 2026, 23:30:05 UTC",
  );
  // The same moment falls on different days for readers in different zones.
  assert.equal(formatMomentDate(lateEvening, { locale: "en-US", timeZone: "UTC" }), "Dec 7, 2026");
  assert.equal(
    formatMomentDate(lateEvening, { locale: "de-DE", timeZone: "Europe/Berlin" }),
    "8. Dez. 2026",
  );
  assert.equal(
    formatMomentDate(lateEvening, { locale: "en-US", timeZone: "America/Los_Angeles" }),
    "Dec 7, 2026",
  );
});

Deno.test("a browser's time zone is kept only when the runtime knows it", () => {
  assert.equal(supportedTimeZoneOr("Europe/Berlin"), "Europe/Berlin");
  assert.equal(supportedTimeZoneOr("UTC"), "UTC");
  assert.equal(supportedTimeZoneOr(""), "UTC");
  assert.equal(supportedTimeZoneOr("Mars/Olympus_Mons"), "UTC");
  assert.equal(supportedTimeZoneOr("+02:00"), "UTC");
  assert.equal(supportedTimeZoneOr("<script>"), "UTC");
});
