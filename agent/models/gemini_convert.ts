/**
 * Translation between our model interface and Gemini's `generateContent` JSON: `ToolSpec`s to
 * function declarations (with a JSON Schema cleaned to what Gemini accepts), the `ModelMessage`
 * history to `contents` (with `functionCall` / `functionResponse` parts, Gemini's call ids and
 * thought signatures as they were received), and the tool-call ids Gemini does not always give.
 *
 * @module
 */
import type { Content, FunctionDeclaration, Part } from "@google/genai";
import { parseToolResult } from "./tool_result.ts";
import type { JsonSchemaObject, ModelMessage, ToolSpec } from "./types.ts";

/**
 * Arguments hidden from the model: the agent sets idempotency keys itself (one per tool call),
 * and a model-invented key would conflict with it.
 */
const HIDDEN_ARGUMENTS = new Set(["idempotencyKey"]);

/** JSON Schema keywords Gemini's `parametersJsonSchema` understands; others are dropped. */
const KEPT_KEYWORDS = new Set([
  "type",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "nullable",
  "propertyOrdering",
  "$ref",
  "$defs",
  "$id",
  "$anchor",
]);

/** String formats Gemini documents; others move into the description as a hint. */
const KEPT_FORMATS = new Set(["date", "date-time", "time"]);

/** Function declarations for `tools`. */
export function toFunctionDeclarations(tools: readonly ToolSpec[]): FunctionDeclaration[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parametersJsonSchema: cleanSchema(tool.parameters, true),
  }));
}

/**
 * A copy of `schema` with only the keywords Gemini accepts: drops `$schema`, `pattern` (zod's
 * UUID and date regexes are long and Gemini rejects some regex syntax), `default`,
 * `exclusiveMinimum` and the like; the server validates arguments anyway.
 */
export function cleanSchema(schema: JsonSchemaObject, topLevel = false): JsonSchemaObject {
  const cleaned: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "format") {
      if (typeof value === "string" && KEPT_FORMATS.has(value)) cleaned.format = value;
      continue;
    }
    if (!KEPT_KEYWORDS.has(key)) continue;
    if (key === "properties" && isObject(value)) {
      cleaned.properties = Object.fromEntries(
        Object.entries(value)
          .filter(([name]) => !(topLevel && HIDDEN_ARGUMENTS.has(name)))
          .map(([name, property]) => [name, isObject(property) ? cleanSchema(property) : property]),
      );
    } else if (key === "required" && Array.isArray(value)) {
      cleaned.required = value.filter((name) => !(topLevel && HIDDEN_ARGUMENTS.has(String(name))));
    } else if ((key === "items" || key === "additionalProperties") && isObject(value)) {
      cleaned[key] = cleanSchema(value);
    } else if (
      (key === "anyOf" || key === "oneOf" || key === "prefixItems") && Array.isArray(value)
    ) {
      cleaned[key] = value.map((item) => isObject(item) ? cleanSchema(item) : item);
    } else if (key === "$defs" && isObject(value)) {
      cleaned.$defs = Object.fromEntries(
        Object.entries(value).map((
          [name, item],
        ) => [name, isObject(item) ? cleanSchema(item) : item]),
      );
    } else {
      cleaned[key] = value;
    }
  }
  const format = schema.format;
  if (typeof format === "string" && !KEPT_FORMATS.has(format)) {
    const description = typeof cleaned.description === "string" ? `${cleaned.description} ` : "";
    cleaned.description = `${description}(${format})`;
  }
  if (topLevel) {
    cleaned.type ??= "object";
    cleaned.properties ??= {};
  }
  return cleaned;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Prefix of the tool-call ids we make up when Gemini gives none (never sent back to Gemini). */
const GENERATED_ID_PREFIX = "gc_";

/**
 * A stable id for the `index`-th call of the model turn that follows `messageCount` messages:
 * the same history always yields the same ids, so a replayed step keeps its idempotency keys.
 */
export function generatedCallId(messageCount: number, index: number, name: string): string {
  return `${GENERATED_ID_PREFIX}${messageCount}_${index}_${
    fnv1a(`${messageCount}:${index}:${name}`)
  }`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** What `toContents` needs besides the messages. */
export interface HistoryOptions {
  /** Send Gemini's call ids (`functionCall.id`, `functionResponse.id`); v1 has no such field. */
  callIds?: boolean;
  /**
   * For a model turn whose calls carry no signature at all (history from before signatures were
   * kept, or from another model): Gemini 3 rejects such calls unless given this placeholder.
   */
  fallbackSignature?: string;
}

/** The request's system text and `contents`. */
export function toContents(
  messages: readonly ModelMessage[],
  options: HistoryOptions = {},
): { systemInstruction: string | undefined; contents: Content[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  /** Gemini's id of each call, by our id, for the function response that answers it. */
  const providerIds = new Map<string, string>();
  const withId = (id: string | undefined) => options.callIds && id ? { id } : {};
  for (const message of messages) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        contents.push({ role: "user", parts: [{ text: message.content }] });
        break;
      case "assistant": {
        const parts: Part[] = [];
        if (message.content) parts.push({ text: message.content });
        const calls = message.toolCalls ?? [];
        const unsigned = calls.every((call) => !call.signature);
        calls.forEach((call, index) => {
          if (call.providerId) providerIds.set(call.id, call.providerId);
          const part: Part = {
            functionCall: { ...withId(call.providerId), name: call.name, args: call.args },
          };
          // Exactly as received: Gemini signs only the first call of a turn.
          const signature = call.signature ??
            (unsigned && index === 0 ? options.fallbackSignature : undefined);
          if (signature) part.thoughtSignature = signature;
          parts.push(part);
        });
        if (parts.length > 0) contents.push({ role: "model", parts });
        break;
      }
      case "tool": {
        const part: Part = {
          functionResponse: {
            ...withId(providerIds.get(message.toolCallId)),
            name: message.name,
            response: functionResponseOf(message.content),
          },
        };
        // Responses to one turn's parallel calls travel together in one user content.
        const previous = contents[contents.length - 1];
        if (previous?.role === "user" && previous.parts?.every((item) => item.functionResponse)) {
          previous.parts.push(part);
        } else {
          contents.push({ role: "user", parts: [part] });
        }
        break;
      }
    }
  }
  return { systemInstruction: system.length > 0 ? system.join("\n\n") : undefined, contents };
}

/** The `response` object of a function response: `{output}` or `{error}`, as Gemini documents. */
export function functionResponseOf(content: string): Record<string, unknown> {
  const result = parseToolResult(content);
  if (result.isError) return { error: result.text || "the tool failed" };
  // The readable summary helps the model, unless it only repeats the structured message.
  if (result.structured && result.text && result.text !== result.structured.message) {
    return { output: result.structured, summary: result.text };
  }
  return { output: result.structured ?? result.text };
}
