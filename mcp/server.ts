/**
 * The MCP server of one authenticated actor: every tool of `tools/mod.ts`, each call running on
 * the domain as that actor (tenant isolation comes from the domain's actor-scoped queries).
 * Servers are cheap; HTTP builds one per request, in-process clients one per connection.
 *
 * `tools/list` and `tools/call` are handled here on the SDK's low-level `Server` rather than by
 * its `McpServer`, which answers a call of an unknown tool with an `isError` result: the MCP
 * tools spec makes that a protocol error (JSON-RPC -32602), so clients can tell "no such tool"
 * from a tool that ran and failed. Input schemas are strict objects (unknown properties are
 * refused, `additionalProperties: false` in the listing); invalid arguments are a tool error
 * (`aae/error` code `validation`), which the model reading it can correct.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/index"
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Actor } from "../domain/actor.ts";
import { type Clock, systemClock } from "../domain/clock.ts";
import type { Domain } from "../domain/mod.ts";
import { parseInput } from "../domain/validation.ts";
import type { ChangeSource } from "../domain/write_gateway.ts";
import type { Logger } from "../lib/log.ts";
import type { ApprovalGrants } from "./grants.ts";
import { type InvokeDependencies, invokeTool } from "./invoke.ts";
import { errorResult } from "./results.ts";
import type { McpTool } from "./tool.ts";
import { TOOLS } from "./tools/mod.ts";

/** Name and version the server reports in `initialize`. */
export const SERVER_INFO = { name: "aae", title: "AAE — Automated Ad Engine", version: "1.0.0" };

const INSTRUCTIONS = "Tools over the user's AAE ad accounts, campaigns, performance and credits. " +
  "Money is in minor units of the account currency (cents for USD). Tools that spend money or are " +
  'hard to undo return {status: "approval_required", approval} instead of acting; only the ' +
  "signed-in user can approve. Side-effecting tools accept an idempotency key " +
  '(`_meta["aae/idempotencyKey"]` or the `idempotencyKey` argument).';

/** What the tool layer needs of the app: the domain the tools act on, and the grants key. */
export interface McpServices {
  readonly domain: Domain;
  /** The instance's approval grants, built once in the composition root. */
  readonly approvals: ApprovalGrants;
  readonly log: Logger;
}

/** Options of `createMcpServer`. */
export interface McpServerOptions {
  /** Verifies approval grants (see `grants.ts`). */
  approvals: ApprovalGrants;
  /** Default: the system clock (drives default report ranges). */
  clock?: Clock;
  log?: Logger;
  /** Default: every tool. */
  tools?: readonly McpTool[];
  /** Who calls, as the change history records it (default: an unnamed MCP client). */
  source?: ChangeSource;
  /** Where approval links point (default: `http://localhost:8000`). */
  publicUrl?: string;
  /** TEST ONLY: pause points of the crash tests (see `InvokeDependencies.pause`). */
  pause?: (point: string) => Promise<void>;
}

/** Where approval links point when no public URL is known. */
const DEFAULT_PUBLIC_URL = "http://localhost:8000";

/**
 * A JSON-RPC error answered as is: the SDK sends any thrown error's `code` and `message`, and
 * `McpError` would put "MCP error <code>: " in front of the message, which clients prefix again.
 */
class ProtocolError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** A tool with its argument and result schemas built once. */
interface ServedTool {
  tool: McpTool;
  input: z.ZodObject;
  output: z.ZodObject;
  listing: Tool;
}

/** Builds an MCP server whose tools act as `actor`. */
export function createMcpServer(
  domain: Domain,
  actor: Actor,
  options: McpServerOptions,
): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: INSTRUCTIONS,
  });
  const deps: InvokeDependencies = {
    domain,
    actor,
    clock: options.clock ?? systemClock,
    approvals: options.approvals,
    source: options.source ?? { kind: "mcp_client", clientId: null },
    publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL,
    log: options.log,
    pause: options.pause,
  };
  const served = new Map((options.tools ?? TOOLS).map((tool) => [tool.name, serve(tool)]));
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...served.values()].map((entry) => entry.listing),
  }));
  server.setRequestHandler(
    CallToolRequestSchema,
    ({ params }) => callTool(deps, served.get(params.name), params),
  );
  return server;
}

function serve(tool: McpTool): ServedTool {
  const input = z.strictObject(tool.input);
  const output = z.object(tool.output);
  return {
    tool,
    input,
    output,
    listing: {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchema(input, "input"),
      outputSchema: jsonSchema(output, "output"),
      annotations: { title: tool.title, ...tool.annotations },
    },
  };
}

/** JSON Schema (draft-07, as the SDK lists zod schemas) of an object schema. */
function jsonSchema(schema: z.ZodObject, io: "input" | "output") {
  return z.toJSONSchema(schema, { target: "draft-7", io }) as Tool["inputSchema"];
}

/** One `tools/call`: unknown tool → protocol error; bad arguments → tool error; else invoke. */
async function callTool(
  deps: InvokeDependencies,
  entry: ServedTool | undefined,
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
): Promise<CallToolResult> {
  if (!entry) throw new ProtocolError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`);
  let args: Record<string, unknown>;
  try {
    args = parseInput(entry.input, params.arguments ?? {});
  } catch (error) {
    return errorResult(error, deps.log, entry.tool.name);
  }
  const result = await invokeTool(deps, entry.tool, args, params._meta);
  if (!result.isError && !entry.output.safeParse(result.structuredContent).success) {
    // A result that breaks its own published schema is our bug, not the caller's.
    deps.log?.error("MCP tool result does not match its output schema", {
      tool: entry.tool.name,
    });
    throw new ProtocolError(ErrorCode.InternalError, "internal error: invalid tool result");
  }
  return result;
}
