/**
 * Runs an app's `main.ts` as a real server process on a free port, for tests that need a
 * socket (a browser, or a production build started from scratch).
 *
 * @module
 */

/** A running server process. */
export interface RunningServer {
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function collect(stream: ReadableStream<Uint8Array>, sink: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) sink.push(decoder.decode(bytes, { stream: true }));
}

/**
 * Starts `deno run -A main.ts` in `cwd` and waits until `/healthz` answers; the readiness loop
 * has no deadline of its own, the test runner's is enough, and it fails as soon as the process
 * exits.
 */
export async function startServer(
  cwd: string,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const port = freePort();
  // A data directory of its own, so an embedded database never lands in the checkout.
  const dataDir = await Deno.makeTempDir({ prefix: "aae-server-test-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd,
    env: {
      DATA_DIR: dataDir,
      ...env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: string[] = [];
  const done = Promise.all([collect(child.stdout, chunks), collect(child.stderr, chunks)]);
  let exited = false;
  child.status.then(() => exited = true);
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    output: () => chunks.join(""),
    stop: async () => {
      if (!exited) child.kill("SIGTERM");
      await child.status;
      await done;
      await Deno.remove(dataDir, { recursive: true });
    },
  };
  while (true) {
    if (exited) {
      await done;
      throw new Error(`server exited before answering:\n${server.output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
