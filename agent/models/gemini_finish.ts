/**
 * What each Gemini finish reason means for a model turn. Every reason has a defined outcome, so
 * a turn that produced nothing usable never passes for a finished answer (the run would end with
 * an empty or "Done." reply):
 * - `complete`: the turn stands as produced;
 * - `truncated`: the text stands, with a note that it was cut off (the user sees it is partial);
 * - `retry`: try the call once more while nothing was streamed, else fail with `message`;
 * - `fail`: fail with `message` (retrying the same request cannot help).
 *
 * @module
 */
import type { GeminiErrorKind } from "./gemini_errors.ts";

/** The outcome of a turn, from its finish reason and what it produced. */
export type FinishOutcome =
  | { action: "complete" }
  | { action: "truncated"; note: string }
  | { action: "retry" | "fail"; kind: GeminiErrorKind; message: string };

/** Appended to text cut off by the output limit. */
export const TRUNCATED_NOTE =
  "[The answer was cut off: the model reached its output length limit. Ask me to continue.]";

const EMPTY: FinishOutcome = {
  action: "retry",
  kind: "bad_response",
  message: "Gemini returned an empty answer twice. Please try again or rephrase the request.",
};

const BAD_TOOL_CALL = (what: string): FinishOutcome => ({
  action: "retry",
  kind: "bad_response",
  message: `Gemini ${what}, so I stopped before doing anything with it. Please try again, ` +
    "perhaps asking for one thing at a time.",
});

const BLOCKED: FinishOutcome = {
  action: "fail",
  kind: "blocked",
  message: "Gemini declined to answer this request for safety reasons. Try rephrasing it.",
};

/** Reasons whose outcome does not depend on what was produced. */
const BY_REASON: Record<string, FinishOutcome> = {
  MALFORMED_FUNCTION_CALL: BAD_TOOL_CALL("produced a tool call it could not format"),
  UNEXPECTED_TOOL_CALL: BAD_TOOL_CALL("tried a tool call that was not offered"),
  TOO_MANY_TOOL_CALLS: BAD_TOOL_CALL("asked for too many tool calls at once"),
  MISSING_THOUGHT_SIGNATURE: {
    action: "fail",
    kind: "bad_response",
    message: "Gemini refused to continue because part of this conversation's tool history was " +
      "lost. Please start the request again.",
  },
  SAFETY: BLOCKED,
  PROHIBITED_CONTENT: BLOCKED,
  BLOCKLIST: BLOCKED,
  SPII: BLOCKED,
  RECITATION: BLOCKED,
  IMAGE_SAFETY: BLOCKED,
  IMAGE_PROHIBITED_CONTENT: BLOCKED,
};

/**
 * The outcome of a turn that ended with `reason` (undefined when the stream gave none) after
 * producing text and/or tool calls. A prompt blocked before generation (`promptFeedback`) counts
 * as `SAFETY`.
 */
export function finishOutcome(
  reason: string | undefined,
  produced: { text: boolean; toolCalls: boolean },
): FinishOutcome {
  const fixed = reason ? BY_REASON[reason] : undefined;
  if (fixed) return fixed;
  const nothing = !produced.text && !produced.toolCalls;
  if (nothing) return EMPTY;
  if (reason === "MAX_TOKENS" && produced.text) {
    return { action: "truncated", note: TRUNCATED_NOTE };
  }
  // STOP, OTHER, LANGUAGE, unknown reasons: what was produced stands.
  return { action: "complete" };
}
