/**
 * `dev.ts` entry, as in Fresh 1.x: regenerates `fresh.gen.ts`, then either writes the production
 * build (`deno task build`) or runs the app in dev mode with restart-on-change and live reload.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FreshConfig, Manifest } from "./src/types.ts";
import { writeManifest } from "./src/dev/manifest.ts";
import { build } from "./src/server/build.ts";
import { DEV_ENV, outDirOf } from "./src/server/handler.ts";

async function writeBuild(root: string, config: FreshConfig): Promise<void> {
  const url = pathToFileURL(join(root, "fresh.gen.ts")).href;
  const manifest = (await import(url)).default as Manifest;
  const outDir = outDirOf(manifest, config);
  const started = performance.now();
  const snapshot = await build(manifest, config, outDir, false);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`fresh: build ${snapshot.buildId} written to ${outDir} in ${seconds}s`);
}

/** Runs the server with `deno run --watch`, regenerating the manifest as files come and go. */
async function runDev(root: string, entrypoint: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--watch=static/", "--no-clear-screen", entrypoint],
    cwd: root,
    env: { [DEV_ENV]: "1" },
  }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      child.kill(signal);
      Deno.exit(0);
    });
  }
  const folders = [join(root, "routes"), join(root, "islands")].filter((dir) => {
    try {
      return Deno.statSync(dir).isDirectory;
    } catch {
      return false;
    }
  });
  const watcher = Deno.watchFs(folders);
  (async () => {
    for await (const event of watcher) {
      // The server restarts by itself when the manifest it imports changes.
      if (event.kind !== "modify" && await writeManifest(root)) {
        console.log("fresh: routes or islands changed; manifest regenerated");
      }
    }
  })();
  const status = await child.status;
  watcher.close();
  Deno.exit(status.code);
}

/**
 * Generates the manifest for the project containing `base` (pass `import.meta.url`), then builds
 * when the process was given the `build` argument, and otherwise runs `entrypoint` in dev mode.
 */
export default async function dev(
  base: string,
  entrypoint: string,
  config: FreshConfig = {},
): Promise<void> {
  const root = dirname(fileURLToPath(base));
  await writeManifest(root);
  if (Deno.args.includes("build")) await writeBuild(root, config);
  else await runDev(root, entrypoint);
}
