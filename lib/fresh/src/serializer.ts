/**
 * Island props travel from server to browser as one document per page: plain JSON when JSON
 * carries them exactly, otherwise devalue, so Dates, Maps, Sets, BigInts, `undefined` and shared
 * references survive, and a Signal handed to two islands is revived as one Signal.
 *
 * @module
 */
import { stringify } from "devalue";
import { type Signal, signal } from "@preact/signals";
import { unwrapJson, wrapJson } from "./runtime/props.ts";
import { revive, SIGNAL_TYPE } from "./runtime/revive.ts";

/** True for Preact signals (including computed ones), which are revived as plain signals. */
export function isSignal(value: unknown): value is Signal<unknown> {
  // The brand, unlike `instanceof`, also recognises signals from a second copy of the library.
  return typeof value === "object" && value !== null &&
    (value as { brand?: unknown }).brand === Symbol.for("preact-signals");
}

/**
 * True when `JSON.parse(JSON.stringify(value))` gives back an equal value: strings, finite
 * numbers other than -0, booleans, null, and arrays without holes and ordinary objects, each met
 * once (JSON would duplicate a shared object). An own `__proto__` key is left to devalue, which
 * refuses it.
 */
function isPlainJson(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], seen)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (key === "__proto__" || !isPlainJson((value as Record<string, unknown>)[key], seen)) {
      return false;
    }
  }
  return true;
}

/** Serializes `value` to a string safe to embed inside a `<script>` element. */
export function serialize(value: unknown): string {
  const text = isPlainJson(value, new Set()) ? wrapJson(JSON.stringify(value)) : stringify(value, {
    // devalue ignores a reducer returning a falsy value, so wrap the payload: `0` must survive.
    [SIGNAL_TYPE]: (v: unknown) => isSignal(v) && [v.peek()],
  });
  // In both formats `<` only occurs inside JSON strings, where `\u003c` is an equivalent escape.
  return text.replaceAll("<", "\\u003c");
}

/** Revives a value produced by `serialize`. */
export function deserialize(text: string): unknown {
  return (unwrapJson(text) ?? { value: revive(text, signal) }).value;
}
