/**
 * Shared pieces of the MCP tests: `Services` over a test backend, a served `/mcp` endpoint on a
 * free port, clients (in process and over HTTP) and a typed `tools/call`.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { AccessTokens } from "../../../auth/access_tokens.ts";
import {
  APPROVAL_GRANT_META_KEY,
  type ApprovalGrants,
  type CallToolResult,
  Client,
  createApprovalGrants,
  type PendingApproval,
} from "../../../mcp/mod.ts";
import {
  createMcpHandler,
  type McpHandlerOptions,
  type McpHttpServices,
} from "../../../api/mcp_http.ts";
import type { Actor } from "../../../domain/actor.ts";
import { loadConfig } from "../../../lib/config.ts";
import { createLogger } from "../../../lib/log.ts";
import type { Services } from "../../../app/services.ts";
import type { TestBackend } from "../../_helpers/backend.ts";

/** JWT secret of the test services. */
export const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdef";

/** `Services` built on a test backend (no files, no network). */
export async function testServices(backend: TestBackend): Promise<Omit<Services, "runs">> {
  const config = loadConfig({ JWT_SECRET_KEY: TEST_JWT_SECRET, LOG_LEVEL: "error" });
  return {
    config,
    log: createLogger("error"),
    db: backend.db,
    coordination: backend.coordination,
    domain: backend.domain,
    accessTokens: await AccessTokens.create(TEST_JWT_SECRET),
    approvals: await createApprovalGrants(TEST_JWT_SECRET),
    checkReadiness: () => Promise.resolve({}),
    close: () => Promise.resolve(),
  };
}

/** A served `/mcp` endpoint. */
export interface ServedMcp {
  /** `http://127.0.0.1:PORT/mcp` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `createMcpHandler(services, options)` at `/mcp` on a free local port. */
export function serveMcp(services: McpHttpServices, options: McpHandlerOptions = {}): ServedMcp {
  const mcp = createMcpHandler(services, options);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname === "/mcp") return mcp(req);
    return new Response("not found", { status: 404 });
  });
  const port = server.addr.port;
  return { url: `http://127.0.0.1:${port}/mcp`, port, close: () => server.shutdown() };
}

/** An MCP client over Streamable HTTP sending `Authorization: Bearer <token>`. */
export async function connectHttp(url: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  const client = new Client({ name: "aae-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** `tools/call`, typed as a plain tool result. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  meta?: Record<string, unknown>,
): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args, _meta: meta }) as CallToolResult;
}

/** The text of a result's first content item. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** `structuredContent` as a record (throws when missing). */
export function structured(result: CallToolResult): Record<string, unknown> {
  if (!result.structuredContent) throw new Error(`no structuredContent: ${textOf(result)}`);
  return result.structuredContent;
}

/**
 * Calls a tool that needs approval: asserts it is held back, issues a grant for the pending call
 * as the approval gate would, and calls again with it. Returns both results and the grant.
 */
export async function callApproved(
  client: Client,
  approvals: ApprovalGrants,
  actor: Actor,
  name: string,
  args: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): Promise<{ pending: PendingApproval; grant: string; result: CallToolResult }> {
  const held = await call(client, name, args, meta);
  const content = structured(held);
  if (content.status !== "approval_required") {
    throw new Error(`expected approval_required from ${name}: ${textOf(held)}`);
  }
  const pending = content.approval as PendingApproval;
  const grant = await approvals.issue(actor, pending);
  const result = await call(client, name, args, { ...meta, [APPROVAL_GRANT_META_KEY]: grant });
  return { pending, grant, result };
}
