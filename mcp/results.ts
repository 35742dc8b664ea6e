/**
 * Tool results: data as `structuredContent`, a readable text summary, and an embedded-component
 * hint in `_meta["aae/component"]` that the chat renders (lists → table, series → chart, single
 * objects → card, held-back calls → confirmation). Errors become `isError` results with the
 * domain's code in `_meta["aae/error"]`; nothing a tool throws crashes the server.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/types"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DomainError } from "../domain/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { Presentation } from "./tool.ts";

export type { CallToolResult };

/** `_meta` key of the component hint on a tool result. */
export const COMPONENT_META_KEY = "aae/component";
/** `_meta` key of `{code, status}` on an error result. */
export const ERROR_META_KEY = "aae/error";
/** `_meta` key set to true on a result replayed for a repeated idempotency key. */
export const REPLAYED_META_KEY = "aae/replayed";

/** A column of a table component. */
export interface TableColumn {
  key: string;
  label: string;
}

/** A labelled value of a card component. */
export interface CardField {
  label: string;
  value: string;
}

/** What the chat should render for a result. */
export type ComponentHint =
  | {
    type: "table";
    data: { title: string; columns: TableColumn[]; rows: Record<string, unknown>[]; total: number };
  }
  | {
    type: "chart";
    data: {
      title: string;
      kind: "line";
      x: string;
      series: TableColumn[];
      points: Record<string, unknown>[];
      currency: string | null;
    };
  }
  | { type: "card"; data: { title: string; fields: CardField[] } }
  | { type: "confirmation"; data: Record<string, unknown> };

/** A successful result. */
export function presentationResult(presentation: Presentation): CallToolResult {
  return {
    content: [{ type: "text", text: presentation.text }],
    structuredContent: presentation.structured,
    _meta: { [COMPONENT_META_KEY]: presentation.component },
  };
}

/** A failed call: the domain's message (or a generic one for unexpected errors). */
export function errorResult(error: unknown, log?: Logger, tool?: string): CallToolResult {
  if (error instanceof DomainError) {
    return {
      content: [{ type: "text", text: error.message }],
      isError: true,
      _meta: { [ERROR_META_KEY]: { code: error.code, status: error.status } },
    };
  }
  log?.error("MCP tool failed unexpectedly", { tool, error: String(error) });
  return {
    content: [{ type: "text", text: "internal error; the operation did not complete" }],
    isError: true,
    _meta: { [ERROR_META_KEY]: { code: "internal", status: 500 } },
  };
}

/** A refusal that is not a domain error (e.g. a rejected approval grant). */
export function refusalResult(code: string, status: number, message: string): CallToolResult {
  return {
    content: [{ type: "text", text: message }],
    isError: true,
    _meta: { [ERROR_META_KEY]: { code, status } },
  };
}

/** Marks a stored result as a replay. */
export function asReplay(result: CallToolResult): CallToolResult {
  return { ...result, _meta: { ...result._meta, [REPLAYED_META_KEY]: true } };
}
