/**
 * A TCP proxy a test can cut and restore, to take a server away from the app without touching
 * the server itself: `cut()` closes every proxied connection and stops listening (new
 * connections are refused), `restore()` listens again on the same port.
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  /** The port the app should connect to. */
  readonly port: number;
  cut(): Promise<void>;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy from a free local port to `target`. */
export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  const open = new Set<Deno.Conn>();
  let listener: Deno.Listener | undefined;
  let accepting: Promise<void> = Promise.resolve();
  let port = 0;

  async function pipe(from: Deno.Conn, to: Deno.Conn) {
    try {
      await from.readable.pipeTo(to.writable);
    } catch {
      // Either side went away (or was cut).
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  function closeQuietly(conn: Deno.Conn) {
    open.delete(conn);
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }

  async function accept(current: Deno.Listener) {
    for await (const client of current) {
      open.add(client);
      try {
        const server = await Deno.connect(target);
        open.add(server);
        void pipe(client, server);
        void pipe(server, client);
      } catch {
        closeQuietly(client);
      }
    }
  }

  function listen() {
    listener = Deno.listen({ hostname: "127.0.0.1", port });
    port = (listener.addr as Deno.NetAddr).port;
    accepting = accept(listener).catch(() => {});
  }

  async function cut() {
    listener?.close();
    listener = undefined;
    await accepting;
    for (const conn of [...open]) closeQuietly(conn);
  }

  listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    close: cut,
  };
}
