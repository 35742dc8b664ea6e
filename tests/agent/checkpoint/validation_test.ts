/**
 * Runs LangGraph's checkpoint validation suite (vitest, `validation/kysely_saver.vitest.ts`)
 * against `KyselySaver` on the current backend — SQLite, or MariaDB/MySQL when `DATABASE_URL`
 * is set — and requires it to pass with more than 700 tests run.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CONFIG = "tests/agent/checkpoint/validation/vitest.config.ts";

/** Counts from vitest's "Tests  N passed | M failed (T)" summary line. */
function parseSummary(output: string): { passed: number; failed: number; total: number } {
  const line = output.split("\n").find((text) => /^\s*Tests\s+\d/.test(text));
  assert.ok(line, `no vitest summary in output:\n${output.slice(-4000)}`);
  const count = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    passed: count(/(\d+) passed/),
    failed: count(/(\d+) failed/),
    total: count(/\((\d+)\)/),
  };
}

Deno.test("LangGraph checkpoint validation suite passes against KyselySaver", async () => {
  const env = { ...Deno.env.toObject(), NO_COLOR: "1", FORCE_COLOR: "0", CI: "true" };
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "node_modules/vitest/vitest.mjs", "run", "--config", CONFIG],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  const summary = parseSummary(output);
  const backend = Deno.env.get("DATABASE_URL") ? "mysql" : "sqlite";
  console.log(
    `checkpoint validation suite on ${backend}: ${summary.passed} tests passed, ${summary.failed} tests failed`,
  );
  assert.equal(summary.failed, 0, output.slice(-8000));
  assert.equal(code, 0, output.slice(-8000));
  assert.ok(summary.passed > 700, `only ${summary.passed} validation tests passed`);
});
