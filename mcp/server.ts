/**
 * The MCP server of one authenticated actor: every tool of `tools/mod.ts` registered through one
 * helper, each call running on the domain as that actor (tenant isolation comes from the domain's
 * actor-scoped queries). Servers are cheap; HTTP builds one per request, in-process clients one
 * per connection.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Actor } from "../domain/actor.ts";
import { type Clock, systemClock } from "../domain/clock.ts";
import type { Domain } from "../domain/mod.ts";
import type { Logger } from "../lib/log.ts";
import type { ApprovalGrants } from "./grants.ts";
import { type InvokeDependencies, invokeTool } from "./invoke.ts";
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
  /** TEST ONLY: pause points of the crash tests (see `InvokeDependencies.pause`). */
  pause?: (point: string) => Promise<void>;
}

/** Builds an MCP server whose tools act as `actor`. */
export function createMcpServer(
  domain: Domain,
  actor: Actor,
  options: McpServerOptions,
): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: INSTRUCTIONS,
  });
  const deps: InvokeDependencies = {
    domain,
    actor,
    clock: options.clock ?? systemClock,
    approvals: options.approvals,
    log: options.log,
    pause: options.pause,
  };
  for (const tool of options.tools ?? TOOLS) registerTool(server, tool, deps);
  return server;
}

/** The one registration helper: schema, annotations, and the shared call pipeline. */
function registerTool(server: McpServer, tool: McpTool, deps: InvokeDependencies): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    (args: Record<string, unknown>, extra) => invokeTool(deps, tool, args, extra._meta),
  );
}
