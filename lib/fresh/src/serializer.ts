/**
 * Island props travel from server to browser as one devalue document per page, so Dates, Maps,
 * Sets, BigInts, `undefined` and shared references survive, and a Signal handed to two islands
 * is revived as one Signal.
 *
 * @module
 */
import { parse, stringify } from "devalue";
import { type Signal, signal } from "@preact/signals";

/** True for Preact signals (including computed ones), which are revived as plain signals. */
export function isSignal(value: unknown): value is Signal<unknown> {
  // The brand, unlike `instanceof`, also recognises signals from a second copy of the library.
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === Symbol.for("preact-signals");
}

/** Serializes `value` to a string safe to embed inside a `<script>` element. */
export function serialize(value: unknown): string {
  const text = stringify(value, {
    // devalue ignores a reducer returning a falsy value, so wrap the payload: `0` must survive.
    Signal: (v: unknown) => isSignal(v) && [v.peek()],
  });
  // `<` only occurs inside JSON strings, where `\u003c` is an equivalent escape.
  return text.replaceAll("<", "\\u003c");
}

/** Revives a value produced by `serialize`. */
export function deserialize(text: string): unknown {
  return parse(text, { Signal: ([value]: [unknown]) => signal(value) });
}
