/**
 * An MCP client connected to a per-actor server in the same process (no network, no token):
 * how the agent lists and calls the tools by default.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Actor } from "../domain/actor.ts";
import type { Clock } from "../domain/clock.ts";
import type { ChangeSource } from "../domain/write_gateway.ts";
import type { ApprovalGrants } from "./grants.ts";
import { createMcpServer, type McpServices } from "./server.ts";

export { Client };

/** Options of `connectInProcess`. */
export interface InProcessOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: `services.approvals`. */
  approvals?: ApprovalGrants;
  /** Client name reported in `initialize`. */
  clientName?: string;
  /** Who calls, as the change history records it (see `McpServerOptions.source`). */
  source?: ChangeSource;
  /** Where approval links point. */
  publicUrl?: string;
  /** TEST ONLY: pause points of the crash tests (see `InvokeDependencies.pause`). */
  pause?: (point: string) => Promise<void>;
}

/** Connects a client to a fresh server acting as `actor`; `client.close()` closes both ends. */
export async function connectInProcess(
  services: McpServices,
  actor: Actor,
  options: InProcessOptions = {},
): Promise<Client> {
  const approvals = options.approvals ?? services.approvals;
  const server = createMcpServer(services.domain, actor, {
    approvals,
    clock: options.clock,
    log: services.log,
    source: options.source,
    publicUrl: options.publicUrl,
    pause: options.pause,
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: options.clientName ?? "aae-in-process", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}
