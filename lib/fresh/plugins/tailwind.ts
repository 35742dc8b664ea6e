/**
 * Tailwind CSS v4 as a plugin: compiles `static/styles.css` (which imports Tailwind and names the
 * sources to scan) into the build's static folder, where it shadows the source file at the same
 * URL. The dev server rebuilds on every restart, which `deno task dev` does on any change.
 *
 * @module
 */
import { join } from "node:path";
import type { Plugin } from "../src/types.ts";

/** Options of the Tailwind plugin. */
export interface TailwindOptions {
  /** The CSS entry, relative to `static/` (default `styles.css`); also its served path. */
  input?: string;
}

/** Compiles Tailwind with the pinned npm CLI; minified except in dev. */
export default function tailwind(options: TailwindOptions = {}): Plugin {
  const input = options.input ?? "styles.css";
  return {
    name: "tailwind",
    async buildStart({ root, outDir, dev }) {
      const args = [
        "run",
        "-A",
        "npm:@tailwindcss/cli@4.3.5",
        "--input",
        join(root, "static", input),
        "--output",
        join(outDir, input),
      ];
      if (!dev) args.push("--minify");
      const result = await new Deno.Command(Deno.execPath(), {
        args,
        cwd: root,
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!result.success) {
        throw new Error(`tailwind failed:\n${new TextDecoder().decode(result.stderr)}`);
      }
    },
  };
}
