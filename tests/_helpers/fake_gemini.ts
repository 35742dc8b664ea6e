/**
 * A local fake of the Gemini API for tests of the real `@google/genai` SDK: `Deno.serve` on a
 * free port, answering `POST /{v1|v1beta}/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse` (header `x-goog-api-key`) from a script of turns — text
 * chunks, function calls, usage, HTTP errors — and recording every request it receives so
 * tests can assert on the tools, history and function responses the SDK sent.
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
    usage?: {
      promptTokenCount?: number;
      candidatesTokenCount?: number;
      thoughtsTokenCount?: number;
    };
    finishReason?: string;
    /** Wait this long before each chunk. */
    delayMs?: number;
    /** Hold the stream open after the chunks until the client goes away. */
    hang?: boolean;
  }
  | {
    /** Answer with this HTTP error (Google's `{error: {code, message, status}}` body). */
    error: number;
    message?: string;
    status?: string;
    /** Adds a `RetryInfo` detail, e.g. "0.01s". */
    retryDelay?: string;
  };

/** A request the fake received. */
export interface FakeRequest {
  apiVersion: string;
  model: string;
  stream: boolean;
  apiKey: string | null;
  body: GeminiRequestBody;
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

const ROUTE = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Starts the fake on 127.0.0.1 and a free port. */
export function startFakeGemini(options: FakeGeminiOptions = {}): FakeGemini {
  const script: FakeTurn[] = [...(options.turns ?? [])];
  const requests: FakeRequest[] = [];
  const hanging = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const route = ROUTE.exec(url.pathname);
    if (req.method !== "POST" || !route) {
      return errorResponse({ error: 404, message: `no route ${req.method} ${url.pathname}` });
    }
    const stream = route[3] === "streamGenerateContent";
    if (stream && url.searchParams.get("alt") !== "sse") {
      return errorResponse({ error: 400, message: "the fake only streams with alt=sse" });
    }
    const apiKey = req.headers.get("x-goog-api-key");
    const body = await req.json() as GeminiRequestBody;
    requests.push({ apiVersion: route[1], model: route[2], stream, apiKey, body });
    if (options.apiKey !== undefined && apiKey !== options.apiKey) {
      return errorResponse({
        error: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
      });
    }
    const turn = script.shift();
    if (!turn) return errorResponse({ error: 500, message: "fake Gemini: script exhausted" });
    if ("error" in turn) return errorResponse(turn);
    const events = turn.chunks.map((parts, index) =>
      responseJson(parts, index === turn.chunks.length - 1 ? turn : undefined)
    );
    if (!stream) return Response.json(mergeEvents(events));
    const encoder = new TextEncoder();
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body$ = new ReadableStream<Uint8Array>({
      async start(controller) {
        controllerRef = controller;
        try {
          for (const event of events) {
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
  parts: FakePart[],
  last: Extract<FakeTurn, { chunks: unknown }> | undefined,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = {
    content: { role: "model", parts: parts.map(toPart) },
    index: 0,
  };
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
  const details = turn.retryDelay
    ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: turn.retryDelay }]
    : undefined;
  return Response.json({
    error: {
      code: turn.error,
      message: turn.message ?? `fake error ${turn.error}`,
      status: turn.status ?? STATUS_NAMES[turn.error] ?? "UNKNOWN",
      ...(details ? { details } : {}),
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
