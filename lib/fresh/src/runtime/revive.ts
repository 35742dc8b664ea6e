/**
 * Reading a devalue document of island props back, for the server-side `deserialize` and the
 * browser. The browser imports this module only for pages whose props need devalue, and the
 * signals library only when they hold a signal.
 *
 * @module
 */
import { parse } from "devalue";

/** The devalue type name under which signals travel. */
export const SIGNAL_TYPE = "Signal";

/** True unless the document certainly holds no signal (a string may also mention the tag). */
export function mayHoldSignal(text: string): boolean {
  return text.includes(`["${SIGNAL_TYPE}",`);
}

/** Revives a serialized document; `makeSignal` turns each signal's value back into a signal. */
export function revive(text: string, makeSignal?: (value: unknown) => unknown): unknown {
  return parse(
    text,
    makeSignal ? { [SIGNAL_TYPE]: ([value]: [unknown]) => makeSignal(value) } : {},
  );
}
