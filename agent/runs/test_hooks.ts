/**
 * TEST ONLY: hooks that let the crash tests stop a real app process at a named point and drive
 * it with a scripted model. Everything here is inert unless the process was started with
 * `AAE_TEST_HOOKS=1`; production configuration never sets it, and `app/services.ts` reads these
 * variables only through `testHooksFromEnv`.
 *
 * - `AAE_TEST_PAUSE_AT=point[,point…]`: when the runner reaches a point it prints
 *   `AAE_TEST_PAUSED <point>` and waits forever, so the test can SIGKILL the process exactly
 *   there. Each point pauses once per process. Points: `before_tool_call:<tool>` and
 *   `after_tool_call:<tool>` (a call without grant), `before_approved_call:<tool>` and
 *   `after_approved_call:<tool>` (the call carrying the owner's grant), `before_final_message`
 *   (the answer is ready, nothing of it stored); inside the transaction that moves the run to a
 *   new status (`commitStatus` in `runner.ts`; nothing of it committed), `after_final_event`
 *   (the answer and its event are written) and `before_status_event:<status>` (the run row
 *   is updated, its `run` event not yet written); and, inside a write tool call of the
 *   in-process MCP server (`mcp/invoke.ts`), `after_platform_call:<tool>` (the ad platform
 *   was called, the database transaction of the effect has not begun) and
 *   `before_effect_commit:<tool>` (inside that transaction: the domain's writes are made, the
 *   idempotency record is not completed and nothing is committed).
 * - `AAE_TEST_MODEL_SCRIPT=file.json`: the model is a `scriptFileModel` reading turns from the
 *   file (see below) instead of Gemini or the offline assistant.
 * - `AAE_TEST_MODEL_DELAY_MS=n`: each scripted model call takes n ms (to catch a run mid-way).
 * - `AAE_TEST_CLOCK_FILE=path`: the domain's clock reads "now" (ISO 8601) from the file, so a
 *   test can move several processes' time together (rule schedules); while the file is missing
 *   or empty it is the real time. Leases keep following the real clock.
 *
 * @module
 */
import { ScriptedModel } from "../models/scripted.ts";
import type { ChatModel, ModelRequest } from "../models/types.ts";
import type { Clock } from "../../domain/clock.ts";

/** Parsed test hooks. */
export interface TestHooks {
  /** Pauses forever at `point` when asked to (no-op otherwise). */
  pause(point: string): Promise<void>;
  /** The scripted model, when a script was given. */
  model?: ChatModel;
  /** The file-driven clock, when `AAE_TEST_CLOCK_FILE` was given. */
  clock?: Clock;
}

/** One scripted model turn. */
export interface ScriptTurn {
  content?: string;
  toolCalls?: { name: string; args?: Record<string, unknown> }[];
}

/** Test hooks from the environment; undefined unless `AAE_TEST_HOOKS=1`. */
export function testHooksFromEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): TestHooks | undefined {
  if (env.AAE_TEST_HOOKS !== "1") return undefined;
  const points = new Set((env.AAE_TEST_PAUSE_AT ?? "").split(",").filter(Boolean));
  const script = env.AAE_TEST_MODEL_SCRIPT;
  return {
    pause(point) {
      if (!points.delete(point)) return Promise.resolve();
      console.log(`AAE_TEST_PAUSED ${point}`);
      return new Promise(() => {});
    },
    model: script ? scriptFileModel(script, Number(env.AAE_TEST_MODEL_DELAY_MS ?? 0)) : undefined,
    clock: env.AAE_TEST_CLOCK_FILE ? fileClock(env.AAE_TEST_CLOCK_FILE) : undefined,
  };
}

/** A clock reading "now" from a file (re-read at most every 20 ms), the real time without one. */
export function fileClock(path: string): Clock {
  let cached: { readAt: number; value: number | null } = { readAt: -Infinity, value: null };
  return {
    now() {
      if (Date.now() - cached.readAt > 20) {
        let value: number | null = null;
        try {
          const text = Deno.readTextFileSync(path).trim();
          value = text ? Date.parse(text) : null;
        } catch {
          // Missing: the real time.
        }
        cached = { readAt: Date.now(), value: Number.isNaN(value) ? null : value };
      }
      return new Date(cached.value ?? Date.now());
    },
  };
}

/**
 * A model answering from a JSON file `{"turns": [ScriptTurn…]}`, re-read on every call so a test
 * can write it after learning ids (a `ScriptedModel` with a function script). The turn is the
 * number of assistant messages since the latest user message, so a replayed call gets the same
 * answer.
 */
export function scriptFileModel(path: string, delayMs = 0): ChatModel {
  return new ScriptedModel(async (request: ModelRequest) => {
    const { turns } = JSON.parse(await Deno.readTextFile(path)) as { turns: ScriptTurn[] };
    const lastUser = request.messages.findLastIndex((message) => message.role === "user");
    const turn = request.messages.slice(lastUser + 1)
      .filter((message) => message.role === "assistant").length;
    const scripted = turns[turn] ?? { content: "Done." };
    return {
      chunks: scripted.content?.match(/.{1,8}/gs) ?? [],
      toolCalls: (scripted.toolCalls ?? []).map((call) => ({
        name: call.name,
        args: call.args ?? {},
      })),
      usage: { inputTokens: 10, outputTokens: scripted.content?.length ?? 0 },
    };
  }, { name: "scripted-file", delayMs });
}
