/**
 * The chat models behind `ChatModel`, and `createModel`, which picks one from configuration:
 * Gemini when GEMINI_API_KEY is set, otherwise the offline assistant.
 *
 * @module
 */
import type { Config } from "../../lib/config.ts";
import { GeminiModel, type GeminiModelOptions } from "./gemini.ts";
import { OfflineModel, type OfflineModelOptions } from "./offline.ts";
import type { ChatModel } from "./types.ts";

export type * from "./types.ts";
export {
  GeminiError,
  type GeminiErrorKind,
  GeminiModel,
  type GeminiModelOptions,
} from "./gemini.ts";
export { type ExplainedModelError, explainModelError } from "./gemini_errors.ts";
export { OfflineModel, type OfflineModelOptions } from "./offline.ts";
export {
  type Script,
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedTurn,
  ScriptExhaustedError,
} from "./scripted.ts";
export {
  formatToolResult,
  type ParsedToolResult,
  parseToolResult,
  type ToolResultLike,
} from "./tool_result.ts";

/** Extra options for the model `createModel` builds (tests: clocks, retry timing). */
export interface CreateModelOptions {
  gemini?: Partial<Omit<GeminiModelOptions, "apiKey" | "model" | "baseUrl" | "apiVersion">>;
  offline?: OfflineModelOptions;
}

/** The configuration `createModel` reads (the Gemini tuning variables may be left out). */
export type ModelConfig =
  & Pick<Config, "GEMINI_API_KEY" | "GEMINI_MODEL">
  & Partial<
    Pick<
      Config,
      "GEMINI_BASE_URL" | "GEMINI_API_VERSION" | "GEMINI_RETRY_BUDGET_MS" | "GEMINI_IDLE_TIMEOUT_MS"
    >
  >;

/** Gemini when `GEMINI_API_KEY` is set, else the offline assistant. */
export function createModel(config: ModelConfig, options: CreateModelOptions = {}): ChatModel {
  if (config.GEMINI_API_KEY) {
    return new GeminiModel({
      retryBudgetMs: config.GEMINI_RETRY_BUDGET_MS,
      idleTimeoutMs: config.GEMINI_IDLE_TIMEOUT_MS,
      ...options.gemini,
      apiKey: config.GEMINI_API_KEY,
      model: config.GEMINI_MODEL,
      baseUrl: config.GEMINI_BASE_URL,
      apiVersion: config.GEMINI_API_VERSION,
    });
  }
  return new OfflineModel(options.offline);
}
