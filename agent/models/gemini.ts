/**
 * Gemini behind `ChatModel`, through the official `@google/genai` SDK: streamed generation
 * (`generateContentStream`, one `onDelta` per text chunk), function calling over the MCP tools
 * (Gemini's call ids and thought signatures kept on the calls and sent back unchanged), token
 * usage, the caller's abort signal, an idle timeout, and typed errors. Transient failures (429,
 * 408, 5xx, network, a stalled stream) are retried with exponential backoff and jitter, waiting at
 * least the server's `retryDelay`, within a per-run wait budget — but only while no text has been
 * streamed, so a retry never repeats deltas the user already saw. Each finish reason has a defined
 * outcome (`gemini_finish.ts`).
 *
 * @module
 */
import { type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { generatedCallId, toContents, toFunctionDeclarations } from "./gemini_convert.ts";
import { GeminiError, toGeminiError } from "./gemini_errors.ts";
import { finishOutcome } from "./gemini_finish.ts";
import type { ChatModel, ModelRequest, ModelToolCall, ModelTurn, TokenUsage } from "./types.ts";

export { GeminiError, type GeminiErrorKind, toGeminiError } from "./gemini_errors.ts";

/** Default model when GEMINI_MODEL is not set (keep in step with `lib/config.ts`). */
export const DEFAULT_GEMINI_MODEL = "gemini-3.8-flash";

/** The endpoint of the Gemini Developer API. */
const GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com";

/** Options of `GeminiModel`. */
export interface GeminiModelOptions {
  apiKey: string;
  /** Default `DEFAULT_GEMINI_MODEL`. */
  model?: string;
  /** Another endpoint (a proxy, or a local fake in tests), without a version path. */
  baseUrl?: string;
  /** API version path segment; default `v1beta` (v1 has no function-call ids). */
  apiVersion?: string;
  /** Attempts per call, the first included; default 3. */
  maxAttempts?: number;
  /** First backoff; doubles per retry (with jitter) up to `maxBackoffMs`. Default 500 ms. */
  initialBackoffMs?: number;
  /** Cap of our own backoff (a longer server-requested delay is honoured). Default 8000 ms. */
  maxBackoffMs?: number;
  /** Longest total wait between retries in one run (`ModelRequest.retryWait`); default 90 s. */
  retryBudgetMs?: number;
  /** A request or stream silent this long is abandoned as a transient failure; default 60 s. */
  idleTimeoutMs?: number;
  /** Sampling temperature; default: the model's. */
  temperature?: number;
  /** Jitter source in [0, 1); default `Math.random` (tests pin it). */
  random?: () => number;
  /** Waits between attempts; default a timer (tests record the delays instead). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** Gemini 3 rejects a replayed call without its thought signature; this documented value
 * tells it to skip the check for history that never had one. */
const SKIP_SIGNATURE = "skip_thought_signature_validator";
/** Models that sign their function calls and require the signatures back (Gemini 3 and later). */
const SIGNING_MODEL = /^gemini-([3-9]|[1-9]\d)(\.|-|$)/;
/** Finish-reason retries per call ("retry once"). */
const FINISH_RETRIES = 1;

/** Gemini via `@google/genai`. */
export class GeminiModel implements ChatModel {
  readonly name: string;
  readonly #client: GoogleGenAI;
  readonly #callIds: boolean;
  readonly #options:
    & Required<
      Pick<
        GeminiModelOptions,
        | "maxAttempts"
        | "initialBackoffMs"
        | "maxBackoffMs"
        | "retryBudgetMs"
        | "idleTimeoutMs"
        | "random"
        | "sleep"
      >
    >
    & { temperature?: number };

  constructor(options: GeminiModelOptions) {
    if (!options.apiKey) throw new Error("GeminiModel needs an API key (GEMINI_API_KEY)");
    this.name = options.model ?? DEFAULT_GEMINI_MODEL;
    const apiVersion = options.apiVersion ?? "v1beta";
    this.#callIds = apiVersion !== "v1";
    // Every option explicit: the SDK would otherwise read GOOGLE_GENAI_USE_VERTEXAI,
    // GOOGLE_GEMINI_BASE_URL, GOOGLE_GENAI_API_VERSION or GOOGLE_API_KEY from the environment.
    this.#client = new GoogleGenAI({
      vertexai: false,
      apiKey: options.apiKey,
      apiVersion,
      httpOptions: { baseUrl: options.baseUrl ?? GOOGLE_BASE_URL },
    });
    this.#options = {
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 8_000,
      retryBudgetMs: options.retryBudgetMs ?? 90_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? sleep,
      temperature: options.temperature,
    };
  }

  async generate(request: ModelRequest): Promise<ModelTurn> {
    const { maxAttempts, retryBudgetMs } = this.#options;
    const budget = request.retryWait ?? { spentMs: 0 };
    let finishRetries = 0;
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
        if (failure.kind === "bad_response" && finishRetries++ >= FINISH_RETRIES) throw failure;
        const wait = this.#backoff(attempt, failure);
        // Past the run's budget, waiting only delays the same answer: fail now.
        if (budget.spentMs + wait > retryBudgetMs) {
          throw failure.after(attempt, { retryable: false });
        }
        budget.spentMs += wait;
        await this.#options.sleep(wait, request.signal);
      }
    }
  }

  async #attempt(request: ModelRequest, progress: { streamed: boolean }): Promise<ModelTurn> {
    const { systemInstruction, contents } = toContents(request.messages, {
      callIds: this.#callIds,
      fallbackSignature: SIGNING_MODEL.test(this.name) ? SKIP_SIGNATURE : undefined,
    });
    const idle = new IdleWatch(this.#options.idleTimeoutMs, request.signal);
    try {
      const stream = await idle.race(this.#client.models.generateContentStream({
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
          abortSignal: idle.signal,
        },
      }));
      let content = "";
      const toolCalls: ModelToolCall[] = [];
      let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
      let finishReason: string | undefined;
      const emit = (text: string) => {
        content += text;
        progress.streamed = true;
        request.onDelta?.(text);
      };
      const chunks = stream[Symbol.asyncIterator]();
      for (
        let next = await idle.race(chunks.next());
        !next.done;
        next = await idle.race(chunks.next())
      ) {
        const chunk = next.value;
        usage = usageOf(chunk) ?? usage;
        if (chunk.promptFeedback?.blockReason) finishReason = "SAFETY";
        const candidate = chunk.candidates?.[0];
        finishReason = candidate?.finishReason ?? finishReason;
        for (const part of candidate?.content?.parts ?? []) {
          if (part.functionCall?.name) {
            const providerId = part.functionCall.id || undefined;
            toolCalls.push({
              id: providerId ??
                generatedCallId(request.messages.length, toolCalls.length, part.functionCall.name),
              name: part.functionCall.name,
              args: part.functionCall.args ?? {},
              ...(providerId ? { providerId } : {}),
              ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
            });
          } else if (typeof part.text === "string" && part.text && !part.thought) {
            emit(part.text);
          }
        }
      }
      const outcome = finishOutcome(finishReason, {
        text: content.trim().length > 0,
        toolCalls: toolCalls.length > 0,
      });
      if (outcome.action === "truncated") emit(`\n\n${outcome.note}`);
      if (outcome.action === "retry" || outcome.action === "fail") {
        throw new GeminiError(`Gemini ended the turn with ${finishReason ?? "no finish reason"}.`, {
          kind: outcome.kind,
          status: null,
          retryable: outcome.action === "retry",
          attempts: 1,
          userMessage: outcome.message,
        });
      }
      return { content, toolCalls, usage };
    } finally {
      idle.stop();
    }
  }

  /** Exponential backoff with jitter; a server-given retry delay wins when longer. */
  #backoff(attempt: number, failure: GeminiError): number {
    const { initialBackoffMs, maxBackoffMs, random } = this.#options;
    const exponential = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (exponential / 2) * random();
    return Math.max(jittered, failure.retryDelayMs ?? 0);
  }
}

/**
 * Abandons a request whose response (or next stream chunk) takes longer than `ms`: `race`
 * rejects with a retryable timeout `GeminiError` and `signal` aborts the SDK's fetch. Each
 * `race` restarts the clock, so only silence counts, not a long answer.
 */
class IdleWatch {
  readonly #controller = new AbortController();
  readonly #ms: number;
  readonly signal: AbortSignal;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, caller: AbortSignal | undefined) {
    this.#ms = ms;
    this.signal = caller
      ? AbortSignal.any([caller, this.#controller.signal])
      : this.#controller.signal;
  }

  race<T>(promise: Promise<T>): Promise<T> {
    this.stop();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const timeout = new GeminiError(`Gemini sent nothing for ${this.#ms} ms.`, {
          kind: "timeout",
          status: null,
          retryable: true,
          attempts: 1,
        });
        this.#controller.abort(timeout);
        reject(timeout);
      }, this.#ms);
      this.#timer = timer;
      promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
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
