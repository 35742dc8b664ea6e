/**
 * Vitest settings for the checkpoint validation suite: globals on (the suite calls `describe`
 * and `it` without importing them), one file, run in order in a single worker since every saver
 * shares one scratch database.
 *
 * @module
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globals: true,
    include: ["tests/agent/checkpoint/validation/*.vitest.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
