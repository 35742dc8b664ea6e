/**
 * `/mcp` over Streamable HTTP, stateless: every POST is authenticated, gets a fresh per-actor
 * server and transport, and is answered with JSON. Stateless because the tools need nothing
 * server-initiated (no sampling, elicitation or subscriptions; approval travels in results), and
 * it scales across instances behind a load balancer with no session affinity or shared session
 * store. GET (a standalone SSE stream) and DELETE (session end) are answered 405.
 *
 * Order of checks: DNS-rebinding protection (the Host header — and Origin, when a browser sends
 * one — must name an allowed host, else 403), then `Authorization: Bearer <API token or access
 * JWT>` (else 401 `{"detail"}` with `WWW-Authenticate: Bearer`), then the MCP transport.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Actor } from "../domain/actor.ts";
import type { Clock } from "../domain/clock.ts";
import { type AuthDependencies, authenticateRequest } from "../auth/authenticate.ts";
import type { Config } from "../lib/config.ts";
import type { ApprovalGrants } from "../mcp/grants.ts";
import { createMcpServer, type McpServices } from "../mcp/server.ts";

/** Hostnames always allowed: the local machine. */
export const LOCAL_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/** Largest JSON-RPC body accepted. */
const MAX_BODY_BYTES = 1_048_576;

/** Options of `createMcpHandler`. */
export interface McpHandlerOptions {
  /**
   * Hostnames (without port) the `Host` and `Origin` headers may name, e.g. the public domain
   * the app is served on. Default: `LOCAL_HOSTS`, the host of `PUBLIC_URL`, and `HOSTNAME` when
   * it names a specific host.
   */
  allowedHosts?: readonly string[];
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: `services.approvals`. */
  approvals?: ApprovalGrants;
  /**
   * TEST ONLY — requests without credentials act as this actor, for third-party suites whose
   * clients cannot send a token. Never set from configuration; production code must not pass it.
   */
  testOnlyUnauthenticatedActor?: Actor;
}

/** What the `/mcp` endpoint needs: the tool layer's services and bearer authentication. */
export type McpHttpServices = McpServices & AuthDependencies & { readonly config: Config };

/** Builds the `/mcp` request handler. */
export function createMcpHandler(
  services: McpHttpServices,
  options: McpHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const allowedHosts = new Set(
    (options.allowedHosts ?? defaultAllowedHosts(services)).map((host) => host.toLowerCase()),
  );
  return async (req) => {
    const hostProblem = checkHosts(req, allowedHosts);
    if (hostProblem) return problem(403, hostProblem);
    let actor: Actor;
    let clientId: string | null;
    try {
      const found = await authenticate(services, req, options.testOnlyUnauthenticatedActor);
      if ("error" in found) return unauthorized(found.error, found.presented);
      actor = found.actor;
      clientId = found.clientId;
    } catch (error) {
      services.log.error("MCP authentication failed", { error: String(error) });
      return problem(500, "internal error");
    }
    if (req.method !== "POST") {
      return problem(405, "only POST is supported (stateless server)", { Allow: "POST" });
    }
    const server = createMcpServer(services.domain, actor, {
      approvals: options.approvals ?? services.approvals,
      clock: options.clock,
      log: services.log,
      // Every MCP client is software, whatever credential it holds: subject to approvals.
      source: { kind: "mcp_client", clientId },
      publicUrl: services.config.PUBLIC_URL ?? new URL(req.url).origin,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(req);
    } finally {
      await server.close();
    }
  };
}

function defaultAllowedHosts(services: McpHttpServices): string[] {
  const hosts = [...LOCAL_HOSTS];
  const { HOSTNAME, PUBLIC_URL } = services.config;
  if (PUBLIC_URL) hosts.push(hostnameOf(new URL(PUBLIC_URL).host));
  if (HOSTNAME !== "0.0.0.0" && HOSTNAME !== "::" && HOSTNAME !== "") hosts.push(HOSTNAME);
  return hosts;
}

/** The hostname of a `host[:port]` header value, IPv6 keeping its brackets. */
function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  return value.split(":")[0];
}

/** A reason to refuse, or null when Host (and Origin, if any) are allowed. */
function checkHosts(req: Request, allowed: ReadonlySet<string>): string | null {
  const host = req.headers.get("host") ?? new URL(req.url).host;
  if (!allowed.has(hostnameOf(host))) return "host not allowed";
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "origin not allowed";
    }
    if (!allowed.has(hostnameOf(originHost))) return "origin not allowed";
  }
  return null;
}

type Authentication =
  | { actor: Actor; clientId: string | null }
  | { error: string; presented: boolean };

/**
 * Bearer credentials only (API token or access JWT, via the API's shared authenticator): MCP is
 * for programs, so session cookies are ignored and a browser cannot ride on them.
 */
async function authenticate(
  services: McpHttpServices,
  req: Request,
  testActor: Actor | undefined,
): Promise<Authentication> {
  const authorization = req.headers.get("authorization");
  if (authorization === null) {
    return testActor
      ? { actor: testActor, clientId: null }
      : { error: "missing bearer token", presented: false };
  }
  if (!/^Bearer\s/i.test(authorization)) {
    return { error: "expected Authorization: Bearer <token>", presented: false };
  }
  const bearerOnly = new Request(req.url, { headers: { authorization } });
  const auth = await authenticateRequest(bearerOnly, services);
  return auth
    ? { actor: auth.actor, clientId: auth.apiTokenId ?? auth.sessionId }
    : { error: "invalid or expired token", presented: true };
}

function unauthorized(detail: string, presented: boolean): Response {
  const challenge = presented ? 'Bearer realm="aae", error="invalid_token"' : 'Bearer realm="aae"';
  return problem(401, detail, { "WWW-Authenticate": challenge });
}

function problem(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return Response.json({ detail }, { status, headers });
}
