/**
 * The one HTTP helper the Meta, Google Ads and TikTok adapters share: a timeout per attempt,
 * bounded retries with exponential backoff and jitter for failures that are safe to repeat, the
 * platform's answer classified by the adapter (`classify`) and validated with zod.
 *
 * What is retried here: timeouts, network errors and temporary platform failures (5xx and the
 * like) of requests marked `repeatable` — reads, absolute updates ("set the budget to X") and
 * creates carrying the platform's idempotency key. A request that is not repeatable (a create
 * without one) is sent once; when it fails in a way that may have reached the platform, the
 * caller gets `OutcomeUnknownError` and must read back before sending it again. Rate limits are
 * never retried here: they surface at once as `PlatformRateLimitError` with the wait the platform
 * asked for, so the caller backs off instead of looping.
 *
 * @module
 */
import type { z } from "zod";
import {
  NotFoundError,
  PlatformAuthError,
  PlatformError,
  PlatformRateLimitError,
  PlatformValidationError,
} from "../errors.ts";
import type { CredentialsSource } from "./credentials.ts";
import type { ReportPolling } from "./report_jobs.ts";

/** Timeouts and retries of platform requests. */
export interface HttpPolicy {
  /** Longest wait for one attempt's response (ms). */
  timeoutMs: number;
  /** Attempts of a repeatable request before giving up (1 = no retry). */
  maxAttempts: number;
  /** First backoff delay (ms); doubles per attempt, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits between attempts (tests pass one that does not sleep). */
  sleep: (ms: number) => Promise<void>;
  fetch: typeof fetch;
}

/** Production defaults: 30 s per attempt, 4 attempts, 0.5 s → 8 s backoff. */
export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  timeoutMs: 30_000,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  fetch: (input, init) => fetch(input, init),
};

/** A platform's answer that is not a success, as the adapter reads it. */
export type PlatformFailure =
  | {
    kind: "auth";
    message: string;
    /** The access token expired (a refresh may help), as opposed to revoked or lacking rights. */
    tokenExpired: boolean;
  }
  | { kind: "rate_limit"; message: string; retryAfterMs: number }
  | { kind: "validation"; message: string; field?: string }
  | { kind: "not_found"; message: string }
  /** Temporary: repeating the same request later may succeed. */
  | { kind: "transient"; message: string }
  | { kind: "failed"; message: string };

/** Reads a response: a failure, or null for a success. */
export type Classifier = (answer: {
  status: number;
  body: unknown;
  headers: Headers;
}) => PlatformFailure | null;

/** One request to a platform. */
export interface PlatformRequest {
  method: "GET" | "POST" | "DELETE";
  url: string | URL;
  headers?: Record<string, string>;
  /** Sent as JSON, or as a form when a `URLSearchParams`. */
  body?: unknown;
  /** Whether sending it twice is harmless (see the module doc). */
  repeatable: boolean;
}

/**
 * A request that is not repeatable failed in a way that may have applied it (a timeout, a lost
 * connection, a 5xx): read back before sending it again.
 */
export class OutcomeUnknownError extends PlatformError {
  override name = "OutcomeUnknownError";
  override readonly code = "platform_outcome_unknown";
}

/**
 * A failure the platform reported, as a domain error. `platform` is the name users know
 * ("Meta"); the message says what to do.
 */
export class PlatformFailureError extends Error {
  override name = "PlatformFailureError";
  constructor(readonly platform: string, readonly failure: PlatformFailure) {
    super(`${platform}: ${failure.message}`);
  }
}

/** The domain error a classified failure becomes. */
export function toDomainError(platform: string, failure: PlatformFailure): Error {
  switch (failure.kind) {
    case "auth":
      return new PlatformAuthError(
        `${platform} no longer accepts this ad account's connection (${failure.message}); ` +
          "reconnect the account",
      );
    case "rate_limit":
      return new PlatformRateLimitError(
        `${platform} is limiting requests for this ad account (${failure.message}); ` +
          `retrying after ${Math.ceil(failure.retryAfterMs / 1000)} s`,
        failure.retryAfterMs,
      );
    case "validation":
      return new PlatformValidationError(platform, failure.message, failure.field);
    case "not_found":
      return new NotFoundError("campaign", `${platform}: ${failure.message}`);
    default:
      return new PlatformError(`${platform} failed: ${failure.message}`);
  }
}

/**
 * Sends `request`, retrying what is safe to retry, and returns the body parsed by `schema`.
 * Throws `PlatformFailureError` for a classified failure (adapters turn it into a domain error
 * with `toDomainError`, after a token refresh where that may help) and `OutcomeUnknownError` as
 * described above.
 */
export async function sendRequest<Schema extends z.ZodType>(
  platform: string,
  request: PlatformRequest,
  classify: Classifier,
  schema: Schema,
  policy: HttpPolicy = DEFAULT_HTTP_POLICY,
): Promise<z.infer<Schema>> {
  const attempts = request.repeatable ? Math.max(1, policy.maxAttempts) : 1;
  let last: PlatformFailure = { kind: "transient", message: "no attempt made" };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await policy.sleep(backoffMs(attempt - 1, policy));
    const answer = await attemptOnce(request, policy);
    if ("lost" in answer) {
      last = { kind: "transient", message: answer.lost };
    } else {
      const failure = classify(answer);
      if (failure === null) {
        const parsed = schema.safeParse(answer.body);
        if (parsed.success) return parsed.data;
        throw new PlatformError(
          `${platform} answered in an unexpected shape: ${parsed.error.issues[0]?.message}`,
        );
      }
      if (failure.kind !== "transient") throw new PlatformFailureError(platform, failure);
      last = failure;
    }
  }
  if (!request.repeatable) {
    throw new OutcomeUnknownError(
      `${platform} did not confirm the change (${last.message}); it may or may not have been made`,
    );
  }
  throw new PlatformError(
    `${platform} did not answer after ${attempts} attempts (${last.message}); nothing was changed`,
  );
}

type Answer = { status: number; body: unknown; headers: Headers } | { lost: string };

async function attemptOnce(request: PlatformRequest, policy: HttpPolicy): Promise<Answer> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  let body: string | undefined;
  if (request.body instanceof URLSearchParams) {
    body = request.body.toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  } else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers["content-type"] = "application/json";
  }
  try {
    const response = await policy.fetch(request.url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: parseBody(text), headers: response.headers };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return { lost: timedOut ? `no answer within ${policy.timeoutMs} ms` : String(error) };
  }
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Delay before retry number `retry` (1-based): exponential, capped, with ±25% jitter. */
export function backoffMs(retry: number, policy: Pick<HttpPolicy, "baseDelayMs" | "maxDelayMs">) {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

/** Where a real platform adapter sends its calls, and how. */
export interface RemoteAdapterOptions {
  /** The platform's host, e.g. `https://graph.facebook.com` (a local fake in tests). */
  baseUrl: string;
  /** Reads (and renews) each account's tokens. */
  credentials: CredentialsSource;
  /** Overrides of `DEFAULT_HTTP_POLICY`. */
  http?: Partial<HttpPolicy>;
  /** Overrides of `DEFAULT_REPORT_POLLING` (where the platform has async report jobs). */
  reports?: Partial<ReportPolling>;
}

/** `DEFAULT_HTTP_POLICY` with `overrides`. */
export function httpPolicy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  return { ...DEFAULT_HTTP_POLICY, ...overrides };
}

/** `baseUrl` joined with `path`, without doubled slashes. */
export function joinUrl(baseUrl: string, path: string): URL {
  return new URL(baseUrl.replace(/\/+$/, "") + path);
}

/** A fresh client-side marker: 32 hex digits from `requestKey`, or random without one. */
export function createMarker(requestKey: string | undefined): string {
  return (requestKey ?? crypto.randomUUID().replaceAll("-", "")).slice(0, 32);
}
