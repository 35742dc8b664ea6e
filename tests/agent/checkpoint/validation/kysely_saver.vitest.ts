/**
 * LangGraph's official checkpoint saver conformance suite against `KyselySaver`, on the backend
 * the environment picks (SQLite by default, MariaDB/MySQL with `DATABASE_URL`). Run by
 * `tests/agent/checkpoint/validation_test.ts`, or directly:
 * `deno run -A node_modules/vitest/vitest.mjs run --config tests/agent/checkpoint/validation/vitest.config.ts`
 * (the package's own CLI runs no tests in its published build).
 *
 * @module
 */
import { deltaChannelHistoryTests, validate } from "@langchain/langgraph-checkpoint-validation";
import initializer from "./initializer.ts";

validate(initializer);
// Opt-in part of the suite: rebuilding DeltaChannel state from stored writes.
deltaChannelHistoryTests(initializer);
