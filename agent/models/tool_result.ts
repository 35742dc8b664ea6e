/**
 * How a tool result travels in a `tool` message's `content` string, and how models read it back.
 *
 * The agent stores each MCP `CallToolResult` as one string. `parseToolResult` reads every form
 * in use: the agent graph's (`structuredContent` as bare JSON; `{status: "error", message}` for
 * a failed call; `{status: "rejected", message}` for a call the user rejected),
 * `formatToolResult`'s (JSON of the text, `structuredContent` and `isError`, without the `_meta`
 * component hints, which are for the chat UI and would only cost tokens), and plain text, so an
 * unknown encoding degrades to "text only" instead of failing.
 *
 * @module
 */

/** The parts of an MCP `CallToolResult` the models use. */
export interface ToolResultLike {
  content?: ReadonlyArray<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/** A tool message's content as the models read it. */
export interface ParsedToolResult {
  /** The tool reported an error (`isError`). */
  isError: boolean;
  /** The readable text (the result's text items joined). */
  text: string;
  /** `structuredContent`, when there was one. */
  structured: Record<string, unknown> | null;
}

/** Encodes a tool result as a `tool` message's content. */
export function formatToolResult(result: ToolResultLike): string {
  const text = textOf(result.content);
  return JSON.stringify({
    text,
    ...(result.structuredContent ? { structuredContent: result.structuredContent } : {}),
    ...(result.isError ? { isError: true } : {}),
  });
}

/** Decodes a `tool` message's content (see the module notes for the accepted forms). */
export function parseToolResult(content: string): ParsedToolResult {
  const parsed = parseJsonObject(content);
  if (!parsed) return { isError: false, text: content, structured: null };
  const looksLikeResult = "structuredContent" in parsed || "isError" in parsed ||
    ("text" in parsed && typeof parsed.text === "string") || Array.isArray(parsed.content);
  if (!looksLikeResult) {
    // The agent graph's encoding: `structuredContent` as JSON, an error as
    // `{status: "error", message}`, a rejected approval as `{status: "rejected", message}`.
    const message = typeof parsed.message === "string" ? parsed.message : null;
    if (parsed.status === "error" && message !== null) {
      return { isError: true, text: message, structured: null };
    }
    return { isError: false, text: message ?? "", structured: parsed };
  }
  const structured = isRecord(parsed.structuredContent) ? parsed.structuredContent : null;
  const text = typeof parsed.text === "string"
    ? parsed.text
    : Array.isArray(parsed.content)
    ? textOf(parsed.content as ToolResultLike["content"])
    : "";
  return { isError: parsed.isError === true, text, structured };
}

/** Parses `text` as JSON when it is an object; null otherwise. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textOf(content: ToolResultLike["content"]): string {
  return (content ?? [])
    .map((item) => item.type === "text" && typeof item.text === "string" ? item.text : "")
    .filter((text) => text.length > 0)
    .join("\n");
}
