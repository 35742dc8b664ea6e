/**
 * The real app (`deno run -A main.ts`) as a child process on a free port, for tests that need a
 * socket (a browser, a production build started from scratch) or a process they can kill and
 * restart (the agent crash tests layer their test hooks on top, see
 * `tests/agent/_helpers/app_process.ts`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root, where `main.ts` is. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How the app process is started. */
export interface StartAppOptions {
  /** Directory holding the `main.ts` to run; the repository root by default. */
  cwd?: string;
  /**
   * Extra environment on top of the test's own (`PORT` and `HOSTNAME` are always set by
   * `startApp`, and `DATA_DIR` comes from `dataDir`).
   */
  env?: Record<string, string>;
  /**
   * `DATA_DIR` for the app. When given, the caller owns it (e.g. to restart on the same data);
   * otherwise the process gets a temporary directory of its own, removed when it is stopped, so
   * an embedded database never lands in the checkout.
   */
  dataDir?: string;
}

/** A running app process. */
export interface AppProcess {
  /** Base URL, e.g. `http://127.0.0.1:4711`. */
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output contains `text`; rejects on timeout or if the process exits. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /**
   * Sends `signal` (unless the process already exited), waits for the exit and the end of its
   * output, and removes the temporary data directory if it made one. Safe to call again.
   */
  kill(signal: Deno.Signal): Promise<void>;
  /** `kill("SIGTERM")`: the graceful shutdown a deploy would do. */
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `deno run -A main.ts` and waits until `/healthz` answers. The readiness loop has no
 * deadline of its own (the test runner's is enough: a cold start may type-check and bundle), but
 * it fails as soon as the process exits, with the process's output in the error.
 */
export async function startApp(options: StartAppOptions = {}): Promise<AppProcess> {
  if (options.env?.DATA_DIR !== undefined) {
    // Two ways to name the data directory would make it unclear who removes it.
    throw new Error("startApp: pass the data directory as `dataDir`, not as env.DATA_DIR");
  }
  const port = freePort();
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "aae-app-process-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: options.cwd ?? ROOT,
    env: {
      ...options.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: string[] = [];
  // Both pipes are read to the end, or the test sanitizers report them as leaked.
  const drained = Promise.all([collect(child.stdout, chunks), collect(child.stderr, chunks)]);
  let exited = false;
  const status = child.status.then(() => {
    exited = true;
  });
  // Memoised so a test's `finally` can kill an app it already killed.
  let finished: Promise<void> | undefined;
  const finish = (signal?: Deno.Signal) =>
    finished ??= (async () => {
      if (signal && !exited) child.kill(signal);
      await status;
      await drained;
      if (ownDataDir) await Deno.remove(dataDir, { recursive: true });
    })();
  const output = () => chunks.join("");
  const app: AppProcess = {
    url: `http://127.0.0.1:${port}`,
    output,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output().includes(text)) {
        if (exited) {
          // The last lines may still be in the pipes when the exit is noticed.
          await drained;
          if (output().includes(text)) return;
          throw new Error(`app exited before "${text}":\n${output()}`);
        }
        if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${output()}`);
        await sleep(25);
      }
    },
    kill: (signal) => finish(signal),
    stop: () => finish("SIGTERM"),
  };
  for (;;) {
    if (exited) {
      await finish();
      throw new Error(`app exited before answering:\n${output()}`);
    }
    try {
      const response = await fetch(`${app.url}/healthz`);
      await response.body?.cancel();
      if (response.ok) return app;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
}
