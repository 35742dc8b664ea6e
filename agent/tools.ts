/**
 * The agent's tools, taken from the MCP server — never a hand-written copy: `tools/list` gives
 * names, descriptions and JSON Schemas for the model, `tools/call` runs them. By default the
 * server runs in process for the acting user; with `MCP_SERVER_URL` the agent talks Streamable
 * HTTP to a remote server, authenticated as the user by a short-lived access token (the remote
 * server must share this instance's JWT secret, which also keys approval grants).
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { AccessTokens } from "../auth/access_tokens.ts";
import {
  APPROVAL_GRANT_META_KEY,
  type ApprovalGrants,
  type CallToolResult,
  Client,
  connectInProcess,
  IDEMPOTENCY_META_KEY,
  refusalResult,
} from "../mcp/mod.ts";
import type { Actor } from "../domain/actor.ts";
import type { Domain } from "../domain/mod.ts";
import type { Config } from "../lib/config.ts";
import type { Logger } from "../lib/log.ts";
import type { ToolSpec } from "./models/types.ts";
import type { TestHooks } from "./runs/test_hooks.ts";

export type { CallToolResult };

/** How one tool call is made. */
export interface ToolCallOptions {
  /** `runId:toolCallId`: a replay returns the stored result instead of applying again. */
  idempotencyKey?: string;
  /** A grant issued by the approval gate for exactly this call. */
  approvalGrant?: string;
}

/** A connected tool source for one actor. */
export interface Toolbox {
  /** The tools as the model sees them. */
  readonly specs: readonly ToolSpec[];
  /** Whether `name` may change state (write tools carry `readOnlyHint: false`). */
  isWrite(name: string): boolean;
  call(
    name: string,
    args: Record<string, unknown>,
    options?: ToolCallOptions,
  ): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** What opening a toolbox needs. */
export interface ToolboxDependencies {
  readonly config: Config;
  readonly domain: Domain;
  readonly log: Logger;
  readonly approvals: ApprovalGrants;
  readonly accessTokens: AccessTokens;
  /** TEST ONLY: lets the crash tests pause the in-process server's tool calls. */
  readonly testHooks?: Pick<TestHooks, "pause">;
}

/**
 * Connects to the MCP server (in process, or `MCP_SERVER_URL`) as `actor` for run `runId` and
 * lists its tools. In process, the run is the changes' recorded source; a remote server sees an
 * MCP client.
 */
export async function openToolbox(
  deps: ToolboxDependencies,
  actor: Actor,
  runId: string,
): Promise<Toolbox> {
  const { client, end } = deps.config.MCP_SERVER_URL
    ? await connectRemote(deps, actor, deps.config.MCP_SERVER_URL)
    : await connectLocal(deps, actor, runId);
  const listed = await client.listTools();
  const writes = new Set<string>();
  const specs: ToolSpec[] = listed.tools.map((tool) => {
    if (tool.annotations?.readOnlyHint !== true) writes.add(tool.name);
    return {
      name: tool.name,
      description: tool.description ?? tool.title ?? tool.name,
      parameters: withoutRunnerArguments(tool.inputSchema as Record<string, unknown>),
    };
  });
  return {
    specs,
    isWrite: (name) => writes.has(name),
    async call(name, args, options = {}) {
      // A name the model made up is its mistake to correct, not a protocol failure: answer it
      // as a tool error here (the server would reject the call with JSON-RPC -32602).
      if (!specs.some((spec) => spec.name === name)) {
        return refusalResult(
          "unknown_tool",
          404,
          `Unknown tool ${name}; use one of the listed tools.`,
        );
      }
      const meta: Record<string, unknown> = {};
      if (options.idempotencyKey) meta[IDEMPOTENCY_META_KEY] = options.idempotencyKey;
      if (options.approvalGrant) meta[APPROVAL_GRANT_META_KEY] = options.approvalGrant;
      // The model must not smuggle its own key (or anything else) past the runner's.
      const { idempotencyKey: _key, approvalId: _approval, ...clean } = args;
      return await client.callTool({ name, arguments: clean, _meta: meta }) as CallToolResult;
    },
    close: end,
  };
}

/** A connected client and how to end its connection. */
interface Connection {
  client: Client;
  end(): Promise<void>;
}

async function connectLocal(
  deps: ToolboxDependencies,
  actor: Actor,
  runId: string,
): Promise<Connection> {
  const client = await connectInProcess(deps, actor, {
    clientName: "aae-agent",
    source: { kind: "assistant", runId },
    publicUrl: deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`,
    pause: deps.testHooks?.pause,
  });
  return { client, end: () => client.close() };
}

async function connectRemote(
  deps: ToolboxDependencies,
  actor: Actor,
  url: string,
): Promise<Connection> {
  // A sign-in of this connection's own (an access token works only while its sign-in lasts),
  // ended when the connection closes; its refresh token is never used.
  const { session } = await deps.domain.sessions.create(actor, { userAgent: "aae-agent" });
  const { token } = await deps.accessTokens.issue({
    userId: actor.userId,
    role: actor.role,
    sessionId: session.id,
  });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "aae-agent", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    async end() {
      await client.close();
      await deps.domain.sessions.revoke(actor, session.id).catch(() => {
        // Already ended, or the database is gone: the access token expires on its own.
      });
    },
  };
}

/**
 * The runner sets idempotency keys itself and approvals come only from the person's own decision:
 * the model is not shown either argument.
 */
function withoutRunnerArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (!properties) return schema;
  const { idempotencyKey: _key, approvalId: _approval, ...rest } = properties;
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name) => name !== "idempotencyKey" && name !== "approvalId")
    : schema.required;
  return { ...schema, properties: rest, ...(required ? { required } : {}) };
}
