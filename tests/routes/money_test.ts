import assert from "node:assert/strict";
import fc from "fast-check";
import { minorToDecimal, parseMoney } from "../../domain/money.ts";

Deno.test("money typed in major units becomes exact minor units", async (t) => {
  await t.step("known amounts, including ones binary floats get wrong", () => {
    const cases: [string, number][] = [
      ["19.99", 1999],
      ["0.1", 10],
      ["0.29", 29], // 0.29 * 100 === 28.999999999999996 in floats
      ["1.15", 115], // 1.15 * 100 === 114.99999999999999
      ["4.35", 435],
      ["50", 5000],
      ["50.", 5000],
      [".5", 50],
      [" 1,250.10 ", 125010],
      ["0", 0],
      ["90071992547409.91", 9007199254740991],
    ];
    for (const [text, minor] of cases) {
      assert.deepEqual(parseMoney(text, 2), { ok: true, minor }, text);
    }
    assert.deepEqual(parseMoney("1234", 0), { ok: true, minor: 1234 });
  });

  await t.step("what is not an amount is rejected with a reason", () => {
    for (const text of ["", ".", "-1", "+1", "1e3", "1.234", "12,34", "1,2345", "abc", "1 000"]) {
      const result = parseMoney(text, 2);
      assert.equal(result.ok, false, text);
    }
    assert.deepEqual(parseMoney("1.5", 0), {
      ok: false,
      message: "must be a whole amount in this currency",
    });
    assert.equal(parseMoney("90071992547409.92", 2).ok, false, "beyond safe integers");
  });

  await t.step("property: printing then parsing any amount gives it back exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 3 }),
        (minor, exponent) => {
          const text = minorToDecimal(minor, exponent);
          assert.deepEqual(parseMoney(text, exponent), { ok: true, minor });
        },
      ),
    );
  });

  await t.step(
    "property: any decimal string with ≤ 2 decimals parses to whole × 100 + cents",
    () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[1-9][0-9]{0,11}$|^0$/),
          fc.stringMatching(/^[0-9]{0,2}$/),
          (whole, fraction) => {
            const text = fraction === "" ? whole : `${whole}.${fraction}`;
            const expected = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
            assert.deepEqual(parseMoney(text, 2), { ok: true, minor: expected });
          },
        ),
      );
    },
  );
});
