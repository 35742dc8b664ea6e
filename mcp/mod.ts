/**
 * The MCP server: AAE's tools over the domain for the agent (in process) and for any MCP client
 * (`/mcp`, Streamable HTTP with a bearer token). See `grants.ts` for how approvals work.
 *
 * @module
 */
export {
  APPROVAL_GRANT_META_KEY,
  APPROVAL_GRANT_TTL_MS,
  type ApprovalGrantClaims,
  type ApprovalGrants,
  createApprovalGrants,
  digestOf,
  type GrantCheck,
  type GrantRejection,
  type PendingApproval,
} from "./grants.ts";
export { Client, connectInProcess, type InProcessOptions } from "./in_process.ts";
export { type ApprovalRequiredView, IDEMPOTENCY_META_KEY } from "./invoke.ts";
export {
  type CallToolResult,
  COMPONENT_META_KEY,
  type ComponentHint,
  ERROR_META_KEY,
  refusalResult,
  REPLAYED_META_KEY,
} from "./results.ts";
export { createMcpServer, type McpServerOptions, type McpServices, SERVER_INFO } from "./server.ts";
export { IDEMPOTENCY_KEY_ARGUMENT, type McpTool } from "./tool.ts";
export { TOOLS } from "./tools/mod.ts";
