/**
 * `ScriptedModel`: a `ChatModel` that plays back prepared turns — a list, or a function of the
 * request — for tests and benchmarks of the agent (crash/recovery tests, step benchmarks). Text
 * is streamed through `onDelta` in the given chunks, optionally with a delay per chunk, and the
 * abort signal is honoured between chunks.
 *
 * @module
 */
import type { ChatModel, ModelRequest, ModelToolCall, ModelTurn, TokenUsage } from "./types.ts";

/** One prepared turn. */
export interface ScriptedTurn {
  /** Text, streamed as one delta; or `chunks`, streamed one delta each. */
  content?: string;
  chunks?: string[];
  /** Tool calls; an id is generated when omitted. */
  toolCalls?: Array<Omit<ModelToolCall, "id"> & { id?: string }>;
  usage?: Partial<TokenUsage>;
  /** Throw this instead of answering (after streaming any chunks). */
  error?: Error;
}

/** A script: turns in order, or a function choosing the turn from the request. */
export type Script =
  | readonly ScriptedTurn[]
  | ((request: ModelRequest, callIndex: number) => ScriptedTurn | Promise<ScriptedTurn>);

/** Options of `ScriptedModel`. */
export interface ScriptedModelOptions {
  /** Reported as `name`; default `scripted`. */
  name?: string;
  /** Wait this long before each delta (and before answering), to simulate latency. */
  delayMs?: number;
}

/** Thrown when a list script has no turn left. */
export class ScriptExhaustedError extends Error {
  override name = "ScriptExhaustedError";
}

/** Plays back a script. `requests` records every request it received, in order. */
export class ScriptedModel implements ChatModel {
  readonly name: string;
  /** Every request received (the messages array is copied at call time). */
  readonly requests: ModelRequest[] = [];
  readonly #script: Script;
  readonly #delayMs: number;

  constructor(script: Script, options: ScriptedModelOptions = {}) {
    this.#script = script;
    this.name = options.name ?? "scripted";
    this.#delayMs = options.delayMs ?? 0;
  }

  /** How many calls were made. */
  get calls(): number {
    return this.requests.length;
  }

  async generate(request: ModelRequest): Promise<ModelTurn> {
    const callIndex = this.requests.length;
    this.requests.push({ ...request, messages: [...request.messages] });
    request.signal?.throwIfAborted();
    const turn = await this.#turnFor(request, callIndex);
    const chunks = turn.chunks ?? (turn.content ? [turn.content] : []);
    for (const chunk of chunks) {
      await this.#pause(request.signal);
      request.onDelta?.(chunk);
    }
    await this.#pause(request.signal);
    if (turn.error) throw turn.error;
    const content = turn.chunks ? turn.chunks.join("") : turn.content ?? "";
    return {
      content,
      toolCalls: (turn.toolCalls ?? []).map((call, index) => ({
        id: call.id ?? `scripted_${callIndex}_${index}`,
        name: call.name,
        args: call.args,
      })),
      usage: {
        inputTokens: turn.usage?.inputTokens ?? 0,
        outputTokens: turn.usage?.outputTokens ?? 0,
      },
    };
  }

  #turnFor(request: ModelRequest, callIndex: number): ScriptedTurn | Promise<ScriptedTurn> {
    if (typeof this.#script === "function") return this.#script(request, callIndex);
    const turn = this.#script[callIndex];
    if (!turn) {
      throw new ScriptExhaustedError(
        `scripted model: no turn ${callIndex + 1} (script has ${this.#script.length})`,
      );
    }
    return turn;
  }

  async #pause(signal: AbortSignal | undefined): Promise<void> {
    if (this.#delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, this.#delayMs);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    signal?.throwIfAborted();
  }
}
