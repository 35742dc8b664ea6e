/**
 * The offline assistant: the default `ChatModel` when no GEMINI_API_KEY is set. Rule-based and
 * deterministic, no network. It drives the same MCP tools as Gemini: it reads the latest user
 * message, picks tool calls, and once their results are in the history, answers from them.
 *
 * Stateless across calls: everything is derived from `messages`. The turn in progress is the
 * latest user message plus the assistant tool calls and tool results after it. A short reply to
 * a question the assistant just asked ("$50 a day", "the search one") is read together with the
 * message that led to the question.
 *
 * @module
 */
import { dateOf } from "../../domain/dates.ts";
import { classify, classifyAll, type Intent } from "./offline_intents.ts";
import { confirmedCommand, type DoneCall, nextStepForAll, type Step } from "./offline_plan.ts";
import { parseToolResult } from "./tool_result.ts";
import type { ChatModel, ModelMessage, ModelRequest, ModelToolCall, ModelTurn } from "./types.ts";

/** Options of `OfflineModel`. */
export interface OfflineModelOptions {
  /**
   * "Now", for relative periods ("last week"); default: the system clock. Dates are days of the
   * request's `timeZone` (UTC without one).
   */
  now?: () => Date;
}

/** At most this many tool rounds per user message, so a rule bug cannot loop forever. */
const MAX_TOOL_ROUNDS = 6;

/** The rule-based offline assistant. */
export class OfflineModel implements ChatModel {
  readonly name = "offline";
  readonly #now: () => Date;

  constructor(options: OfflineModelOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  generate(request: ModelRequest): Promise<ModelTurn> {
    try {
      request.signal?.throwIfAborted();
      const turn = this.#decide(request);
      // Stream the answer line by line, as a real model would, so the chat path is the same.
      if (turn.content && request.onDelta) {
        for (const piece of turn.content.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
          request.signal?.throwIfAborted();
          request.onDelta(piece);
        }
      }
      return Promise.resolve(turn);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #decide(request: ModelRequest): ModelTurn {
    const { messages } = request;
    const userIndex = messages.findLastIndex((message) => message.role === "user");
    if (userIndex < 0) return text("Hi! Ask me about your campaigns.");
    // The runner picks the zone: the user's accounts' shared zone, else the user's own.
    const today = dateOf(this.#now(), request.timeZone ?? "UTC");
    const intents = intentsOf(messages, userIndex, today);
    const done = callsSince(messages, userIndex);
    const rounds =
      messages.slice(userIndex).filter((message) =>
        message.role === "assistant" && (message.toolCalls?.length ?? 0) > 0
      ).length;
    if (rounds >= MAX_TOOL_ROUNDS) {
      return text("Sorry, I got stuck answering that. Could you rephrase it?");
    }
    const step = nextStepForAll(intents, done, today);
    return toTurn(step, request, messages.length);
  }
}

const AFTER_YES_OR_NO = String
  .raw`(?:[\s,]+(?:please|pls|thanks|thank you|do it|go ahead))*\s*[!.]*\s*$`;
const YES = new RegExp(
  String
    .raw`^\s*(?:y|yes|yep|yeah|yup|sure|correct|right|ok(?:ay)?|please do|do it|go ahead|confirm(?:ed)?)` +
    AFTER_YES_OR_NO,
  "iu",
);
const NO = new RegExp(
  String.raw`^\s*(?:n|no|nope|nah|cancel|don't|never\s*mind)` + AFTER_YES_OR_NO,
  "iu",
);

/**
 * The requests of the latest user message: a "yes" to "Did you mean: …?" is the command that
 * question spelled out; otherwise the message, read with the previous one when it answers a
 * question.
 */
function intentsOf(messages: ModelMessage[], userIndex: number, today: string): Intent[] {
  const latest = messages[userIndex].content;
  const asked = messages.slice(0, userIndex).findLast((message) => message.role === "assistant");
  const command = asked ? confirmedCommand(asked.content) : null;
  if (command && YES.test(latest)) return classifyAll(command, today);
  if (command && NO.test(latest)) return [{ kind: "declined" }];
  const intents = classifyAll(latest, today);
  if (intents.length > 1) return intents;
  return [intentOf(messages, userIndex, today, intents[0])];
}

/** The intent of the latest user message, read with the previous one when answering a question. */
function intentOf(
  messages: ModelMessage[],
  userIndex: number,
  today: string,
  intent: Intent,
): Intent {
  const latest = messages[userIndex].content;
  if (!needsContext(intent)) return intent;
  const asked = messages.slice(0, userIndex).findLast((message) => message.role === "assistant");
  if (!asked || !asked.content.trim().endsWith("?")) return intent;
  const earlierIndex = messages.slice(0, userIndex).findLastIndex((message) =>
    message.role === "user"
  );
  if (earlierIndex < 0) return intent;
  // The earlier message may itself have answered an earlier question: read the chain.
  const earlier = intentText(messages, earlierIndex, today);
  const combined = classify(`${earlier} ; ${latest}`, today);
  return combined.kind === "unknown" || combined.kind === "help" ? intent : combined;
}

/** The text a user message stands for, including the request it answered (one level deep). */
function intentText(messages: ModelMessage[], userIndex: number, today: string): string {
  const content = messages[userIndex].content;
  const asked = messages.slice(0, userIndex).findLast((message) => message.role === "assistant");
  const before = messages.slice(0, userIndex).findLastIndex((message) => message.role === "user");
  if (
    asked?.content.trim().endsWith("?") && before >= 0 && needsContext(classify(content, today))
  ) {
    return `${messages[before].content} ; ${content}`;
  }
  return content;
}

/** An answer that does not stand on its own ("leads", "$40 a day", "the search one"). */
function needsContext(intent: Intent): boolean {
  return intent.kind === "unknown" || intent.kind === "help";
}

/** This turn's tool calls (after the user message), each with its result when there is one. */
function callsSince(messages: ModelMessage[], userIndex: number): DoneCall[] {
  const results = new Map<string, string>();
  for (const message of messages.slice(userIndex)) {
    if (message.role === "tool") results.set(message.toolCallId, message.content);
  }
  const done: DoneCall[] = [];
  for (const message of messages.slice(userIndex)) {
    if (message.role !== "assistant") continue;
    for (const toolCall of message.toolCalls ?? []) {
      const content = results.get(toolCall.id);
      if (content === undefined) continue;
      done.push({ name: toolCall.name, args: toolCall.args, result: parseToolResult(content) });
    }
  }
  return done;
}

function toTurn(step: Step, request: ModelRequest, messageCount: number): ModelTurn {
  if (step.kind === "reply") return text(step.text);
  const available = new Set(request.tools.map((tool) => tool.name));
  const missing = step.calls.filter((item) => !available.has(item.name)).map((item) => item.name);
  if (missing.length > 0) {
    return text(
      `I can't do that here: the tool${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
        "isn't available to me in this conversation.",
    );
  }
  const toolCalls: ModelToolCall[] = step.calls.map((item, index) => ({
    // Deterministic and unique within a run: the history grows with every round.
    id: `offline_${messageCount}_${index}_${item.name}`,
    name: item.name,
    args: item.args,
  }));
  return { content: "", toolCalls, usage: { ...ZERO_USAGE } };
}

const ZERO_USAGE = { inputTokens: 0, outputTokens: 0 } as const;

function text(content: string): ModelTurn {
  return { content, toolCalls: [], usage: { ...ZERO_USAGE } };
}
