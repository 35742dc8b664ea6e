/**
 * The one interface every chat model sits behind — Gemini, the offline assistant, and the
 * scripted models of tests and benchmarks — so the agent graph never knows which it drives.
 *
 * @module
 */

/** A JSON Schema object describing a tool's arguments (as MCP `tools/list` returns it). */
export type JsonSchemaObject = Record<string, unknown>;

/** A tool the model may call. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchemaObject;
}

/** A tool call the model asked for. */
export interface ModelToolCall {
  /** Unique within the run; part of the call's idempotency key. */
  id: string;
  name: string;
  args: Record<string, unknown>;
  /**
   * The provider's own id of the call (Gemini's `functionCall.id`), sent back with the call and
   * its response. Kept apart from `id`, which must stay stable when a call is replayed.
   */
  providerId?: string;
  /**
   * Opaque signature of the model's reasoning (Gemini's `thoughtSignature`), sent back unchanged
   * with the call: Gemini 3 refuses a tool-using turn whose calls come back without it.
   */
  signature?: string;
}

/** One message of the conversation as the model sees it. */
export type ModelMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ModelToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

/** Tokens a call consumed, for `agent_runs` accounting and credit charges. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** What one model call produced: text, tool calls, or both. */
export interface ModelTurn {
  content: string;
  toolCalls: ModelToolCall[];
  usage: TokenUsage;
}

/** One model call. */
export interface ModelRequest {
  messages: ModelMessage[];
  tools: ToolSpec[];
  /** IANA zone of the user's "today" and "last week" (the runner's choice); UTC when absent. */
  timeZone?: string;
  /** Called with each piece of text as it streams, before `generate` resolves. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
  /**
   * Time spent waiting between retries so far in this run (ms), shared by its model calls so
   * rate-limit waits stay within one budget per run; the model adds its waits.
   */
  retryWait?: { spentMs: number };
}

/** A chat model. */
export interface ChatModel {
  /** For logs and step records, e.g. `gemini-3.8-flash` or `offline`. */
  readonly name: string;
  generate(request: ModelRequest): Promise<ModelTurn>;
}
