/**
 * A local, strict fake of the Gemini API for tests of the real `@google/genai` SDK: `Deno.serve`
 * on a free port, answering `POST /{v1|v1beta}/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse` (header `x-goog-api-key`) from a script of turns, and
 * recording every request so tests can assert on what the SDK sent.
 *
 * It refuses what the real API refuses, with the real API's messages:
 * - retired model names (404 "no longer available");
 * - fields the API version does not know (400 `Unknown name "id"` — `functionCall.id` and
 *   `functionResponse.id` exist only on v1beta/v1alpha);
 * - for Gemini 3+ models, a function call of the current turn sent back without the thought
 *   signature it was issued with, or with another one (400); the documented placeholder
 *   `skip_thought_signature_validator` passes but is counted in `placeholders`;
 * - function responses that do not match the preceding function calls in count, order, name or id.
 *
 * Turns can stream thought parts, end with any finish reason, answer with realistic 429s
 * (`RetryInfo` + `QuotaFailure`, per minute or per day) or stall the stream.
 *
 * @module
 */

/** A part of a scripted reply: text, a function call, or a raw Gemini part. */
export type FakePart =
  | string
  | { functionCall: { name: string; args?: Record<string, unknown>; id?: string } }
  | { raw: Record<string, unknown> };

/** One scripted model turn. */
export type FakeTurn =
  | {
    /** Each chunk is one SSE event (or, unary, all chunks merged into one response). */
    chunks: FakePart[][];
    /** Thought summaries streamed (as `thought: true` parts) before the chunks. */
    thoughts?: string[];
    usage?: {
      promptTokenCount?: number;
      candidatesTokenCount?: number;
      thoughtsTokenCount?: number;
    };
    finishReason?: string;
    /** Wait this long before each chunk. */
    delayMs?: number;
    /** Hold the stream open after the chunks until the client goes away (a stalled stream). */
    hang?: boolean;
  }
  | {
    /** Answer with this HTTP error (Google's `{error: {code, message, status}}` body). */
    error: number;
    message?: string;
    status?: string;
    /** Adds a `RetryInfo` detail, e.g. "0.01s". */
    retryDelay?: string;
    /** Adds a `QuotaFailure` detail for a per-minute or per-day quota (429s). */
    quota?: "minute" | "day";
  };

/** A request the fake received. */
export interface FakeRequest {
  apiVersion: string;
  model: string;
  stream: boolean;
  apiKey: string | null;
  body: GeminiRequestBody;
  /** The 400/404 message the fake answered with, when it refused the request. */
  refused?: string;
}

/** The parts of a `generateContent` body the tests look at. */
export interface GeminiRequestBody {
  contents: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<{ text?: string }> };
  tools?: Array<{ functionDeclarations?: Array<Record<string, unknown>> }>;
  generationConfig?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A running fake. */
export interface FakeGemini {
  /** Base URL for `httpOptions.baseUrl`. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: FakeRequest[];
  /** Thought signatures issued, by function-call id, in issue order. */
  readonly signatures: Map<string, string>;
  /** Function calls sent back with the documented placeholder instead of their signature. */
  readonly placeholders: number;
  /** Turns not yet played. */
  pending(): number;
  /** Appends turns to the script. */
  enqueue(...turns: FakeTurn[]): void;
  close(): Promise<void>;
}

/** Options of `startFakeGemini`. */
export interface FakeGeminiOptions {
  /** The only API key accepted (others get 400 API_KEY_INVALID, as Google answers). */
  apiKey?: string;
  turns?: FakeTurn[];
}

/** Model names Google has retired (answered with 404, as for a new key). */
export const RETIRED_MODEL = /^gemini-(1\.0|1\.5|2\.0|2\.5)(-|$)/;

/** Models that issue thought signatures and require them back. */
const SIGNING_MODEL = /^gemini-([3-9]|[1-9]\d)(\.|-|$)/;

/** The documented value that skips signature validation. */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

const ROUTE = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Fields the fake knows, per object, for every version; `id`s only outside v1. */
const FIELDS = {
  body: [
    "contents",
    "systemInstruction",
    "tools",
    "toolConfig",
    "generationConfig",
    "safetySettings",
    "cachedContent",
  ],
  content: ["role", "parts"],
  part: ["text", "thought", "thoughtSignature", "functionCall", "functionResponse", "inlineData"],
  functionCall: ["name", "args"],
  functionResponse: ["name", "response"],
  tool: ["functionDeclarations"],
  declaration: ["name", "description", "parameters", "parametersJsonSchema"],
} as const;

/** Fields only the beta versions have. */
const BETA_FIELDS: Partial<Record<keyof typeof FIELDS, string[]>> = {
  functionCall: ["id"],
  functionResponse: ["id"],
};

/** Starts the fake on 127.0.0.1 and a free port. */
export function startFakeGemini(options: FakeGeminiOptions = {}): FakeGemini {
  const script: FakeTurn[] = [...(options.turns ?? [])];
  const requests: FakeRequest[] = [];
  const signatures = new Map<string, string>();
  /** Function-call name by the signature issued with it. */
  const signedNames = new Map<string, string>();
  const counters = { calls: 0, placeholders: 0 };
  const hanging = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const route = ROUTE.exec(url.pathname);
    if (req.method !== "POST" || !route) {
      return errorResponse({ error: 404, message: `no route ${req.method} ${url.pathname}` });
    }
    const [, apiVersion, model, method] = route;
    const stream = method === "streamGenerateContent";
    if (stream && url.searchParams.get("alt") !== "sse") {
      return errorResponse({ error: 400, message: "the fake only streams with alt=sse" });
    }
    const apiKey = req.headers.get("x-goog-api-key");
    const body = await req.json() as GeminiRequestBody;
    const request: FakeRequest = { apiVersion, model, stream, apiKey, body };
    requests.push(request);
    const refuse = (turn: Extract<FakeTurn, { error: number }>) => {
      request.refused = turn.message;
      return errorResponse(turn);
    };
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      return refuse({
        error: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
      });
    }
    if (RETIRED_MODEL.test(model)) {
      return refuse({
        error: 404,
        message: `This model models/${model} is no longer available to new users. ` +
          "Please update your code to use a newer model for the latest features and improvements.",
      });
    }
    const invalid = unknownField(body, apiVersion) ?? responsesMismatch(body.contents) ??
      (SIGNING_MODEL.test(model)
        ? signatureProblem(body.contents, signatures, signedNames, counters)
        : null);
    if (invalid) return refuse({ error: 400, message: invalid });
    const turn = script.shift();
    if (!turn) return errorResponse({ error: 500, message: "fake Gemini: script exhausted" });
    if ("error" in turn) return errorResponse(turn);
    const signing = SIGNING_MODEL.test(model);
    const issue = (part: Record<string, unknown>, firstCall: boolean) => {
      const call = part.functionCall as Record<string, unknown> | undefined;
      if (!call || !signing) return part;
      const id = typeof call.id === "string" ? call.id : `fc-${++counters.calls}`;
      const issued: Record<string, unknown> = { ...part, functionCall: { ...call, id } };
      if (firstCall && typeof part.thoughtSignature !== "string") {
        issued.thoughtSignature = btoa(`sig:${id}:${crypto.randomUUID()}`);
      }
      if (typeof issued.thoughtSignature === "string") {
        signatures.set(id, issued.thoughtSignature);
        signedNames.set(issued.thoughtSignature, String(call.name));
      }
      return issued;
    };
    let callsInTurn = 0;
    const chunks = [
      ...(turn.thoughts ?? []).map((text) => [{ raw: { text, thought: true } }] as FakePart[]),
      ...turn.chunks,
    ].map((parts) =>
      parts.map(toPart).map((part) => issue(part, part.functionCall ? callsInTurn++ === 0 : false))
    );
    const events = chunks.map((parts, index) =>
      responseJson(parts, index === chunks.length - 1 ? turn : undefined)
    );
    if (events.length === 0) events.push(responseJson([], turn));
    if (!stream) return Response.json(mergeEvents(events));
    const encoder = new TextEncoder();
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body$ = new ReadableStream<Uint8Array>({
      async start(controller) {
        controllerRef = controller;
        try {
          for (const event of turn.hang && turn.chunks.length === 0 ? [] : events) {
            if (turn.delayMs) await delay(turn.delayMs);
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\r\n\r\n`));
          }
          if (turn.hang) {
            hanging.add(controller);
            return;
          }
          controller.close();
        } catch {
          // The client went away mid-stream (e.g. an abort): nothing left to send.
        }
      },
      cancel() {
        if (controllerRef) hanging.delete(controllerRef);
      },
    });
    return new Response(body$, { headers: { "content-type": "text/event-stream" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    signatures,
    get placeholders() {
      return counters.placeholders;
    },
    pending: () => script.length,
    enqueue: (...turns) => script.push(...turns),
    async close() {
      for (const controller of hanging) {
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      }
      await server.shutdown();
    },
  };
}

/** Google's message for the first field the version does not know, or null. */
function unknownField(body: GeminiRequestBody, apiVersion: string): string | null {
  const beta = apiVersion !== "v1";
  const check = (
    value: unknown,
    kind: keyof typeof FIELDS,
    where: string,
  ): string | null => {
    if (typeof value !== "object" || value === null) return null;
    const known = new Set<string>([...FIELDS[kind], ...(beta ? BETA_FIELDS[kind] ?? [] : [])]);
    for (const key of Object.keys(value)) {
      if (!known.has(key)) {
        return `Invalid JSON payload received. Unknown name "${key}" at '${where}': ` +
          "Cannot find field.";
      }
    }
    return null;
  };
  const problems: (string | null)[] = [check(body, "body", "")];
  body.contents?.forEach((content, c) => {
    problems.push(check(content, "content", `contents[${c}]`));
    content.parts?.forEach((part, p) => {
      const at = `contents[${c}].parts[${p}]`;
      problems.push(
        check(part, "part", at),
        check(part.functionCall, "functionCall", `${at}.function_call`),
        check(part.functionResponse, "functionResponse", `${at}.function_response`),
      );
    });
  });
  body.tools?.forEach((tool, t) => {
    problems.push(check(tool, "tool", `tools[${t}]`));
    tool.functionDeclarations?.forEach((declaration, d) =>
      problems.push(
        check(declaration, "declaration", `tools[${t}].function_declarations[${d}]`),
      )
    );
  });
  return problems.find((problem) => problem !== null) ?? null;
}

type Contents = GeminiRequestBody["contents"];

function callsOf(content: Contents[number]): Record<string, unknown>[] {
  return content.parts.flatMap((part) =>
    part.functionCall ? [part.functionCall as Record<string, unknown>] : []
  );
}

/** Each function-call turn must be answered, in the next content, call for call. */
function responsesMismatch(contents: Contents): string | null {
  for (const [index, content] of contents.entries()) {
    const calls = callsOf(content);
    if (content.role !== "model" || calls.length === 0) continue;
    const next = contents[index + 1];
    if (!next) continue; // The model's own last turn (nothing to answer yet).
    const responses = next.parts.flatMap((part) =>
      part.functionResponse ? [part.functionResponse as Record<string, unknown>] : []
    );
    if (next.role !== "user" || responses.length !== calls.length) {
      return "Please ensure that the number of function response parts is equal to the number " +
        "of function call parts of the function call turn.";
    }
    for (const [position, call] of calls.entries()) {
      const response = responses[position];
      if (response.name !== call.name || (call.id !== undefined && response.id !== call.id)) {
        return `Function response ${position} (${response.name}) does not match function call ` +
          `${position} (${call.name}) of contents[${index}].`;
      }
    }
  }
  return null;
}

/**
 * Gemini 3 rule: in the current turn (since the latest user text), the first function call of
 * every model step carries the signature it was issued with.
 */
function signatureProblem(
  contents: Contents,
  issued: Map<string, string>,
  issuedNames: Map<string, string>,
  counters: { placeholders: number },
): string | null {
  const start = contents.findLastIndex((content) =>
    content.role === "user" && content.parts.some((part) => typeof part.text === "string")
  );
  for (const [index, content] of contents.entries()) {
    if (index <= start || content.role !== "model") continue;
    const first = content.parts.find((part) => part.functionCall);
    if (!first) continue;
    const call = first.functionCall as Record<string, unknown>;
    const signature = first.thoughtSignature;
    if (typeof signature !== "string") {
      return `Function call is missing a thought_signature in functionCall parts. This is ` +
        `required for tools to work correctly, and missing thought_signature may lead to ` +
        `degraded model performance. Additional data, function call \`default_api:${call.name}\`` +
        ` , position ${index + 1}.`;
    }
    if (signature === SKIP_SIGNATURE) {
      counters.placeholders++;
      continue;
    }
    // Without ids (v1), the signature must still be one issued for a call of that name.
    const genuine = typeof call.id === "string"
      ? issued.get(call.id) === signature
      : issuedNames.get(signature) === call.name;
    if (!genuine) {
      return `Corrupted thought signature for function call \`${call.name}\` at contents[${index}].`;
    }
  }
  return null;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toPart(part: FakePart): Record<string, unknown> {
  if (typeof part === "string") return { text: part };
  if ("raw" in part) return part.raw;
  return { functionCall: { args: {}, ...part.functionCall } };
}

/** One `GenerateContentResponse`; the last chunk carries finish reason and usage. */
function responseJson(
  parts: Record<string, unknown>[],
  last: Extract<FakeTurn, { chunks: unknown }> | undefined,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { role: "model", parts }, index: 0 };
  const response: Record<string, unknown> = { candidates: [candidate], modelVersion: "fake" };
  if (last) {
    candidate.finishReason = last.finishReason ?? "STOP";
    const usage = last.usage ?? {};
    const prompt = usage.promptTokenCount ?? 0;
    const output = usage.candidatesTokenCount ?? 0;
    response.usageMetadata = {
      ...usage,
      promptTokenCount: prompt,
      candidatesTokenCount: output,
      totalTokenCount: prompt + output + (usage.thoughtsTokenCount ?? 0),
    };
  }
  return response;
}

function mergeEvents(events: Record<string, unknown>[]): Record<string, unknown> {
  const parts = events.flatMap((event) => {
    const candidates = event.candidates as Array<{ content: { parts: unknown[] } }>;
    return candidates[0].content.parts;
  });
  const last = events[events.length - 1] ?? {};
  const lastCandidate = (last.candidates as Array<Record<string, unknown>> | undefined)?.[0] ?? {};
  return {
    ...last,
    candidates: [{ ...lastCandidate, content: { role: "model", parts } }],
  };
}

function errorResponse(turn: Extract<FakeTurn, { error: number }>): Response {
  const details: Record<string, unknown>[] = [];
  if (turn.quota) {
    const per = turn.quota === "day" ? "Day" : "Minute";
    details.push({
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{
        quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
        quotaId: `GenerateRequestsPer${per}PerProjectPerModel-FreeTier`,
        quotaDimensions: { location: "global", model: "gemini-3.8-flash" },
        quotaValue: turn.quota === "day" ? "250" : "10",
      }],
    }, {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [{
        description: "Learn more about Gemini API quotas",
        url: "https://ai.google.dev/gemini-api/docs/rate-limits",
      }],
    });
  }
  if (turn.retryDelay) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: turn.retryDelay,
    });
  }
  const quotaMessage = "You exceeded your current quota, please check your plan and billing " +
    "details. For more information on this error, head to: " +
    "https://ai.google.dev/gemini-api/docs/rate-limits.";
  return Response.json({
    error: {
      code: turn.error,
      message: turn.message ?? (turn.quota ? quotaMessage : `fake error ${turn.error}`),
      status: turn.status ?? STATUS_NAMES[turn.error] ?? "UNKNOWN",
      ...(details.length > 0 ? { details } : {}),
    },
  }, { status: turn.error });
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
