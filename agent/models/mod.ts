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
  gemini?: Partial<Omit<GeminiModelOptions, "apiKey" | "model" | "baseUrl">>;
  offline?: OfflineModelOptions;
}

/** Gemini when `GEMINI_API_KEY` is set, else the offline assistant. */
export function createModel(
  config: Pick<Config, "GEMINI_API_KEY" | "GEMINI_MODEL" | "GEMINI_BASE_URL">,
  options: CreateModelOptions = {},
): ChatModel {
  if (config.GEMINI_API_KEY) {
    return new GeminiModel({
      ...options.gemini,
      apiKey: config.GEMINI_API_KEY,
      model: config.GEMINI_MODEL,
      baseUrl: config.GEMINI_BASE_URL,
    });
  }
  return new OfflineModel(options.offline);
}
