/**
 * Gemini behind `ChatModel`, through the official `@google/genai` SDK: streamed generation
 * (`generateContentStream`, one `onDelta` per text chunk), function calling over the MCP tools,
 * token usage, the caller's abort signal, and typed errors. Transient failures (429, 408, 5xx,
 * network) are retried a bounded number of times with exponential backoff and jitter — but only
 * while no text has been streamed, so a retry never repeats deltas the user already saw.
 *
 * @module
 */
import { ApiError, type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { generatedCallId, toContents, toFunctionDeclarations } from "./gemini_convert.ts";
import type { ChatModel, ModelRequest, ModelToolCall, ModelTurn, TokenUsage } from "./types.ts";

/** Default model when GEMINI_MODEL is not set. */
export const DEFAULT_GEMINI_MODEL = "gemini-2.5-flash";

/** Options of `GeminiModel`. */
export interface GeminiModelOptions {
  apiKey: string;
  /** Default `gemini-2.5-flash`. */
  model?: string;
  /** Another endpoint (a proxy, or a local fake in tests). */
  baseUrl?: string;
  /** API version path segment; default: the SDK's. */
  apiVersion?: string;
  /** Attempts per call, the first included; default 3. */
  maxAttempts?: number;
  /** First backoff; doubles per retry (with jitter) up to `maxBackoffMs`. Default 500 ms. */
  initialBackoffMs?: number;
  /** Default 8000 ms; also caps a server-requested retry delay. */
  maxBackoffMs?: number;
  /** Per-attempt timeout in ms (SDK `httpOptions.timeout`); default none. */
  timeoutMs?: number;
  /** Sampling temperature; default: the model's. */
  temperature?: number;
  /** Jitter source in [0, 1); default `Math.random` (tests pin it). */
  random?: () => number;
}

/** Why a Gemini call failed. */
export type GeminiErrorKind =
  | "auth"
  | "rate_limited"
  | "unavailable"
  | "bad_request"
  | "not_found"
  | "network"
  | "blocked"
  | "bad_response";

/** A failed Gemini call, with a message fit to show an operator. */
export class GeminiError extends Error {
  override name = "GeminiError";
  /** What went wrong. */
  readonly kind: GeminiErrorKind;
  /** HTTP status, when there was a response. */
  readonly status: number | null;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(
    message: string,
    details: { kind: GeminiErrorKind; status: number | null; retryable: boolean; attempts: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.attempts = details.attempts;
  }
}

/** Gemini 3 rejects a replayed call without its thought signature; this documented value
 * tells it to skip the check when the original signature is gone (e.g. after a restart). */
const SKIP_SIGNATURE = "skip_thought_signature_validator";
/** Thought signatures kept in memory (by tool-call id) to send back with the history. */
const SIGNATURE_CACHE_SIZE = 2_000;
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Gemini via `@google/genai`. */
export class GeminiModel implements ChatModel {
  readonly name: string;
  readonly #client: GoogleGenAI;
  readonly #options:
    & Required<
      Pick<GeminiModelOptions, "maxAttempts" | "initialBackoffMs" | "maxBackoffMs" | "random">
    >
    & { temperature?: number };
  readonly #signatures = new Map<string, string>();

  constructor(options: GeminiModelOptions) {
    if (!options.apiKey) throw new Error("GeminiModel needs an API key (GEMINI_API_KEY)");
    this.name = options.model ?? DEFAULT_GEMINI_MODEL;
    this.#client = new GoogleGenAI({
      apiKey: options.apiKey,
      ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
      httpOptions: {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      },
    });
    this.#options = {
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 8_000,
      random: options.random ?? Math.random,
      temperature: options.temperature,
    };
  }

  async generate(request: ModelRequest): Promise<ModelTurn> {
    const { maxAttempts } = this.#options;
    for (let attempt = 1;; attempt++) {
      request.signal?.throwIfAborted();
      const progress = { streamed: false };
      try {
        return await this.#attempt(request, progress);
      } catch (error) {
        // An abort is the caller's decision, not a failure: surface its reason unchanged.
        if (request.signal?.aborted) throw request.signal.reason;
        const failure = toGeminiError(error, attempt);
        if (!failure.retryable || progress.streamed || attempt >= maxAttempts) throw failure;
        await sleep(this.#backoff(attempt, error), request.signal);
      }
    }
  }

  async #attempt(request: ModelRequest, progress: { streamed: boolean }): Promise<ModelTurn> {
    const { systemInstruction, contents } = toContents(request.messages, {
      signatureOf: (id) => this.#signatures.get(id),
      fallbackSignature: /gemini-3/i.test(this.name) ? SKIP_SIGNATURE : undefined,
    });
    const stream = await this.#client.models.generateContentStream({
      model: this.name,
      contents,
      config: {
        ...(systemInstruction ? { systemInstruction } : {}),
        ...(request.tools.length > 0
          ? { tools: [{ functionDeclarations: toFunctionDeclarations(request.tools) }] }
          : {}),
        ...(this.#options.temperature !== undefined
          ? { temperature: this.#options.temperature }
          : {}),
        // We run the tools ourselves (through the agent and the approval gate).
        automaticFunctionCalling: { disable: true },
        abortSignal: request.signal,
      },
    });
    let content = "";
    const toolCalls: ModelToolCall[] = [];
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    let finishReason: string | undefined;
    let blockReason: string | undefined;
    for await (const chunk of stream) {
      usage = usageOf(chunk) ?? usage;
      blockReason = chunk.promptFeedback?.blockReason ?? blockReason;
      const candidate = chunk.candidates?.[0];
      finishReason = candidate?.finishReason ?? finishReason;
      for (const part of candidate?.content?.parts ?? []) {
        if (part.functionCall?.name) {
          const index = toolCalls.length;
          const id = part.functionCall.id ||
            generatedCallId(request.messages.length, index, part.functionCall.name);
          toolCalls.push({ id, name: part.functionCall.name, args: part.functionCall.args ?? {} });
          if (part.thoughtSignature) this.#remember(id, part.thoughtSignature);
        } else if (typeof part.text === "string" && part.text && !part.thought) {
          content += part.text;
          progress.streamed = true;
          request.onDelta?.(part.text);
        }
      }
    }
    if (!content && toolCalls.length === 0) {
      if (blockReason || /SAFETY|PROHIBITED|BLOCKLIST|SPII|RECITATION/.test(finishReason ?? "")) {
        throw new GeminiError(
          `Gemini declined to answer (${blockReason ?? finishReason}).`,
          { kind: "blocked", status: null, retryable: false, attempts: 1 },
        );
      }
      if (finishReason === "MALFORMED_FUNCTION_CALL") {
        // The model produced an unusable call; a fresh attempt usually fixes it.
        throw new GeminiError("Gemini produced a malformed function call.", {
          kind: "bad_response",
          status: null,
          retryable: true,
          attempts: 1,
        });
      }
    }
    return { content, toolCalls, usage };
  }

  #remember(id: string, signature: string): void {
    this.#signatures.set(id, signature);
    if (this.#signatures.size > SIGNATURE_CACHE_SIZE) {
      const oldest = this.#signatures.keys().next().value;
      if (oldest !== undefined) this.#signatures.delete(oldest);
    }
  }

  /** Exponential backoff with jitter; a server-given retry delay wins when longer. */
  #backoff(attempt: number, error: unknown): number {
    const { initialBackoffMs, maxBackoffMs, random } = this.#options;
    const exponential = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (exponential / 2) * random();
    const requested = retryDelayOf(error);
    return Math.min(maxBackoffMs, Math.max(jittered, requested ?? 0));
  }
}

/** Tokens from a chunk's usage metadata (cumulative; the last chunk has the totals). */
function usageOf(chunk: GenerateContentResponse): TokenUsage | null {
  const meta = chunk.usageMetadata;
  if (!meta) return null;
  return {
    inputTokens: (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0),
    // Thinking tokens are billed as output.
    outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
  };
}

/** The `RetryInfo.retryDelay` ("7s") Gemini may send with a 429, in ms. */
function retryDelayOf(error: unknown): number | null {
  if (!(error instanceof ApiError)) return null;
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(error.message);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

/** The API's own error message from the SDK's JSON-encoded `ApiError.message`. */
function apiMessageOf(error: ApiError): string {
  const json = error.message.slice(error.message.indexOf("{"));
  try {
    const body = JSON.parse(json) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string" && body.error.message) return body.error.message;
  } catch {
    // Not JSON: fall through to the raw message.
  }
  return error.message;
}

/** Classifies any failure of an attempt as a `GeminiError`. */
export function toGeminiError(error: unknown, attempts: number): GeminiError {
  if (error instanceof GeminiError) {
    return new GeminiError(error.message, {
      kind: error.kind,
      status: error.status,
      retryable: error.retryable,
      attempts,
    }, { cause: error.cause });
  }
  if (error instanceof ApiError) {
    const status = error.status;
    const detail = apiMessageOf(error);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const details = (kind: GeminiErrorKind) => ({
      kind,
      status,
      retryable: RETRYABLE_STATUSES.has(status),
      attempts,
    });
    if (status === 401 || status === 403 || /API key not valid|API_KEY_INVALID/i.test(detail)) {
      return new GeminiError(
        `Gemini rejected the API key (HTTP ${status}): ${detail}. Check GEMINI_API_KEY.`,
        { ...details("auth"), retryable: false },
        { cause: error },
      );
    }
    if (status === 429) {
      return new GeminiError(
        `Gemini rate limit or quota exceeded (HTTP 429)${tries}: ${detail}`,
        details("rate_limited"),
        { cause: error },
      );
    }
    if (status === 404) {
      return new GeminiError(
        `Gemini model or endpoint not found (HTTP 404): ${detail}. Check GEMINI_MODEL.`,
        details("not_found"),
        { cause: error },
      );
    }
    if (status >= 500 || status === 408) {
      return new GeminiError(
        `Gemini is unavailable (HTTP ${status})${tries}: ${detail}`,
        details("unavailable"),
        { cause: error },
      );
    }
    return new GeminiError(
      `Gemini rejected the request (HTTP ${status}): ${detail}`,
      details("bad_request"),
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GeminiError(`Could not reach Gemini: ${message}`, {
    kind: "network",
    status: null,
    retryable: true,
    attempts,
  }, { cause: error });
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
