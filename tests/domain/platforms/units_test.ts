/** Money and status mappings of the real platforms, over every currency the product lists. */
import assert from "node:assert/strict";
import { PlatformValidationError } from "../../../domain/errors.ts";
import { CURRENCY_EXPONENTS, type CurrencyCode } from "../../../domain/money.ts";
import {
  fromGoogleStatus,
  fromMetaStatus,
  fromTikTokStatus,
  GOOGLE_STATUS,
  majorToMinor,
  META_STATUS,
  metaToMinor,
  microsToMinor,
  minorToMeta,
  minorToMicros,
  minorToTikTok,
  TIKTOK_STATUS,
} from "../../../domain/platforms/units.ts";

/**
 * Per currency, written out from the platforms' documentation rather than derived: a budget of
 * `minor` (domain minor units) as Meta's offset amount, Google micros and TikTok's amount.
 */
const TABLE: Record<
  CurrencyCode,
  { minor: number; meta: number; micros: number; tiktok: number; refusedByGoogle?: number }
> = {
  USD: { minor: 5_000, meta: 5_000, micros: 50_000_000, tiktok: 50 },
  EUR: { minor: 1_999, meta: 1_999, micros: 19_990_000, tiktok: 19.99 },
  GBP: { minor: 1, meta: 1, micros: 10_000, tiktok: 0.01 },
  CAD: { minor: 123_456, meta: 123_456, micros: 1_234_560_000, tiktok: 1234.56 },
  AUD: { minor: 10_050, meta: 10_050, micros: 100_500_000, tiktok: 100.5 },
  BRL: { minor: 2_500, meta: 2_500, micros: 25_000_000, tiktok: 25 },
  INR: { minor: 99_999, meta: 99_999, micros: 999_990_000, tiktok: 999.99 },
  JPY: { minor: 5_000, meta: 5_000, micros: 5_000_000_000, tiktok: 5_000 },
  KRW: {
    minor: 50_000,
    meta: 50_000,
    micros: 50_000_000_000,
    tiktok: 50_000,
    refusedByGoogle: 50_005,
  },
};

Deno.test("every listed currency maps exactly to each platform's unit", async (t) => {
  assert.deepEqual(Object.keys(TABLE).sort(), Object.keys(CURRENCY_EXPONENTS).sort());
  for (const [currency, row] of Object.entries(TABLE)) {
    await t.step(currency, () => {
      assert.equal(minorToMeta(row.minor, currency), row.meta);
      assert.equal(metaToMinor(row.meta, currency), row.minor);
      assert.equal(metaToMinor(String(row.meta), currency), row.minor);
      assert.equal(minorToMicros(row.minor, currency), row.micros);
      assert.equal(microsToMinor(String(row.micros), currency), row.minor);
      assert.equal(minorToTikTok(row.minor, currency), row.tiktok);
      assert.equal(majorToMinor(row.tiktok, currency), row.minor);
      assert.equal(majorToMinor(String(row.tiktok), currency), row.minor);
      if (row.refusedByGoogle !== undefined) {
        assert.throws(() => minorToMicros(row.refusedByGoogle!, currency), PlatformValidationError);
      }
    });
  }
});

Deno.test("Meta's offset is not always the ISO exponent", () => {
  // TWD has two ISO decimals but Meta counts whole dollars (offset 1).
  assert.throws(() => minorToMeta(12_345, "TWD"), PlatformValidationError);
  assert.equal(minorToMeta(12_300, "TWD"), 123);
  assert.equal(metaToMinor(123, "TWD"), 12_300);
  assert.throws(() => minorToMeta(100, "XXX"), /not supported/);
});

Deno.test("Google refuses amounts off the billable unit; spend rounds half up", () => {
  assert.throws(() => minorToMicros(1_234_567, "KRW"), /multiples of 10 KRW/);
  assert.equal(microsToMinor("1234999", "USD"), 123);
  assert.equal(microsToMinor("1235000", "USD"), 124);
  assert.equal(microsToMinor("499999", "JPY"), 0);
  assert.equal(microsToMinor("500000", "JPY"), 1);
});

Deno.test("reported decimal spend rounds half up to the minor unit", () => {
  assert.equal(majorToMinor("12.345", "USD"), 1235);
  assert.equal(majorToMinor("12.3449", "USD"), 1234);
  assert.equal(majorToMinor("0", "JPY"), 0);
  assert.equal(majorToMinor("1500.4", "KRW"), 1500);
  assert.equal(majorToMinor(0.1 + 0.2, "EUR"), 30);
});

Deno.test("statuses map both ways on each platform", () => {
  const cases = [
    [META_STATUS, fromMetaStatus],
    [GOOGLE_STATUS, fromGoogleStatus],
    [TIKTOK_STATUS, fromTikTokStatus],
  ] as const;
  for (const [to, from] of cases) {
    for (const status of ["active", "paused", "archived"] as const) {
      assert.equal(from(to[status]), status);
    }
    assert.equal(from(to.draft), "paused", "drafts wait paused on the platform");
    assert.throws(() => from("SOMETHING_NEW"), /unknown status/);
  }
  assert.deepEqual(
    [META_STATUS.active, GOOGLE_STATUS.active, TIKTOK_STATUS.active],
    ["ACTIVE", "ENABLED", "ENABLE"],
  );
  assert.deepEqual(
    [META_STATUS.archived, GOOGLE_STATUS.archived, TIKTOK_STATUS.archived],
    ["ARCHIVED", "REMOVED", "DELETE"],
  );
  assert.equal(fromMetaStatus("DELETED"), "archived");
});
