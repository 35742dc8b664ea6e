/**
 * The `/ws/chat` endpoint: authenticates the upgrade request (refusing with a plain HTTP error
 * before upgrading), upgrades with `Deno.upgradeWebSocket`, and runs a `ChatSession` per socket.
 * Mount `handle` beside the other handlers in `main.ts`, outside Hono: its response handling
 * would copy the 101 response's headers and break the upgrade.
 *
 * Heartbeat: Deno pings every `idleTimeoutSeconds / 2` and closes a socket whose pong does not
 * come within `idleTimeoutSeconds`; the close handler then stops its subscriptions.
 *
 * Credentials: each socket is closed with `CLOSE_CODES.credentialsExpired` when the credentials
 * of its upgrade lapse — an access JWT at its `exp`, an API token or a cookie sign-in when a
 * re-check every `revalidateIntervalMs` (`CHAT_REVALIDATE_INTERVAL_MS`, 60 s) refuses it.
 *
 * @module
 */
import type { AgentRuns } from "../../agent/runs/types.ts";
import type { Config } from "../../lib/config.ts";
import type { Coordination } from "../../lib/coordination/types.ts";
import type { Logger } from "../../lib/log.ts";
import type { AuthDependencies } from "../../auth/authenticate.ts";
import { authenticateUpgrade } from "./authenticate.ts";
import { CLOSE_CODES } from "./protocol.ts";
import { ChatSession, type ChatSessionLimits, DEFAULT_SESSION_LIMITS } from "./session.ts";

/** What the chat endpoint is built from; `Services` plus `agentRuns` satisfies it. */
export interface ChatDependencies extends AuthDependencies {
  agentRuns: AgentRuns;
  log: Logger;
  /** Watched so open sockets hear when live fan-out stops and resumes (a `status` message). */
  coordination?: Pick<Coordination, "watchAvailability">;
  /** `CHAT_REVALIDATE_INTERVAL_MS` is read when given (the full `Config` has it). */
  config: Pick<Config, "PUBLIC_URL"> & Partial<Pick<Config, "CHAT_REVALIDATE_INTERVAL_MS">>;
}

/** Default of how often API-token and cookie sockets re-check their credentials. */
export const DEFAULT_REVALIDATE_INTERVAL_MS = 60_000;

/** Tuning of the chat endpoint. */
export interface ChatServerOptions {
  /** Seconds without a pong before a socket is closed as dead (pings every half of it). */
  idleTimeoutSeconds?: number;
  /** How often recently active feeds are re-read for events pub/sub dropped. */
  repairIntervalMs?: number;
  /**
   * How often sockets opened with an API token or session cookies re-check them (default:
   * `config.CHAT_REVALIDATE_INTERVAL_MS`, else 60 s); a revoked one is closed within this.
   */
  revalidateIntervalMs?: number;
  limits?: Partial<ChatSessionLimits>;
}

/** The chat endpoint of one instance. */
export interface ChatServer {
  /** Handles a request to `/ws/chat`. */
  handle(req: Request): Promise<Response>;
  /** Open sockets. */
  readonly connections: number;
  /** Conversations followed, summed over open sockets (each is one live subscription). */
  readonly followed: number;
  /** Closes every socket with `goingAway` (clients reconnect, possibly elsewhere, and resume). */
  close(): Promise<void>;
}

function problem(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return Response.json({ detail }, { status, headers });
}

/** Builds the chat endpoint. */
export function createChatServer(
  deps: ChatDependencies,
  options: ChatServerOptions = {},
): ChatServer {
  const limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
  const idleTimeout = options.idleTimeoutSeconds ?? 30;
  const repairIntervalMs = options.repairIntervalMs ?? 5_000;
  const revalidateIntervalMs = options.revalidateIntervalMs ??
    deps.config.CHAT_REVALIDATE_INTERVAL_MS ?? DEFAULT_REVALIDATE_INTERVAL_MS;
  const log = deps.log.child({ component: "chat" });
  const sessionDeps = {
    events: deps.domain.conversationEvents,
    runs: deps.agentRuns,
    log,
  };
  const sockets = new Map<ChatSession, WebSocket>();
  let repairTimer: ReturnType<typeof setInterval> | undefined;
  let closing = false;

  function track(session: ChatSession, socket: WebSocket): void {
    sockets.set(session, socket);
    if (repairTimer === undefined) {
      // One timer for the whole instance, only while sockets are open.
      const timer = setInterval(() => {
        for (const each of sockets.keys()) {
          each.repair().catch((error) => log.warn("chat repair failed", { error }));
        }
      }, repairIntervalMs);
      Deno.unrefTimer(timer);
      repairTimer = timer;
    }
  }

  // While coordination is down nothing is fanned out live: say so on every socket, and once it
  // is back catch each one up from the database at once rather than at the next repair.
  const stopWatching = deps.coordination?.watchAvailability((live) => {
    log.warn(live ? "live fan-out resumed" : "live fan-out stopped: coordination unreachable");
    const content = live
      ? "Live updates are back."
      : "Live updates are paused: a service the server needs is down. Nothing is lost; " +
        "new messages appear once it is back.";
    for (const session of sockets.keys()) {
      session.send({ type: "status", content, metadata: { live } });
      if (live) session.repair().catch((error) => log.warn("chat repair failed", { error }));
    }
  });

  function untrack(session: ChatSession): void {
    if (!sockets.delete(session)) return;
    void session.dispose();
    if (sockets.size === 0 && repairTimer !== undefined) {
      clearInterval(repairTimer);
      repairTimer = undefined;
    }
  }

  return {
    async handle(req) {
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return problem(426, "This endpoint speaks WebSocket only", { upgrade: "websocket" });
      }
      if (closing) return problem(503, "Server is shutting down; reconnect");
      const check = await authenticateUpgrade(req, deps);
      if (!check.ok) {
        const headers: Record<string, string> = check.status === 401
          ? { "www-authenticate": 'Bearer realm="aae"' }
          : {};
        return problem(check.status, check.detail, headers);
      }
      const { socket, response } = Deno.upgradeWebSocket(req, {
        protocol: check.protocol,
        idleTimeout,
      });
      for (const cookie of check.auth.setCookies) response.headers.append("set-cookie", cookie);
      const session = new ChatSession(socket, check.auth.actor, sessionDeps, limits, {
        validity: check.validity,
        revalidateIntervalMs,
      });
      track(session, socket);
      socket.onopen = () => session.opened();
      socket.onmessage = (event) => session.receive(event.data);
      // Deno may report `close` twice (and `error` before it); untrack is idempotent.
      socket.onclose = () => untrack(session);
      socket.onerror = () => untrack(session);
      return response;
    },

    get connections() {
      return sockets.size;
    },

    get followed() {
      let count = 0;
      for (const session of sockets.keys()) count += session.following.length;
      return count;
    },

    async close() {
      closing = true;
      stopWatching?.();
      const open = [...sockets.entries()];
      for (const [session, socket] of open) {
        try {
          socket.close(CLOSE_CODES.goingAway, "server restarting: reconnect and resume");
        } catch {
          // already closing
        }
        untrack(session);
      }
      await Promise.all(open.map(([session]) => session.dispose()));
    },
  };
}
