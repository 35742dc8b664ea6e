/**
 * Every error response of the API is made here, in one shape: `{"detail": "..."}` with the right
 * status (plus `errors` on 422). Domain errors map by their own `status`; anything unexpected is
 * logged with its stack and answered as a bare 500 with the request id.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import {
  DomainError,
  type FieldIssue,
  PlatformRateLimitError,
  UnauthenticatedError,
  ValidationError,
} from "../domain/errors.ts";
import { isConnectionError } from "../db/errors.ts";
import { CoordinationUnavailableError } from "../lib/coordination/types.ts";
import { snakeKey } from "./case.ts";
import type { ApiEnv } from "./context.ts";

/** An error raised by the API layer itself (CSRF, rate limit, bad header…). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** 429 with the seconds to wait in `Retry-After`. */
export class RateLimitedError extends ApiError {
  override name = "RateLimitedError";
  constructor(retryAfterSeconds: number, detail = "Too many requests") {
    super(429, detail, { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/** The snake_case form of a domain field path (`targeting.ageMax` → `targeting.age_max`). */
function apiField(field: string): string {
  return field.split(".").map(snakeKey).join(".");
}

/** A readable sentence naming every invalid field. */
function validationDetail(issues: readonly FieldIssue[]): string {
  const parts = issues.map((issue) =>
    issue.field ? `${issue.field} (${issue.message})` : issue.message
  );
  return `Invalid input: ${parts.join("; ")}`;
}

/** A `ValidationError` from zod issues of a request part (`query`, `json`…). */
export function validationErrorFrom(issues: readonly z.core.$ZodIssue[]): ValidationError {
  return new ValidationError(
    issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message })),
  );
}

/** `Retry-After` of 503s while a backend is down (Redis and the pool reconnect within seconds). */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

function json(c: Context, status: ContentfulStatusCode, body: unknown, headers = {}): Response {
  return c.json(body, status, headers);
}

/** `app.onError`: maps any thrown value to a JSON error response. */
export function handleError(error: Error, c: Context<ApiEnv>): Response {
  if (error instanceof ValidationError) {
    const errors = error.issues.map((issue) => ({ ...issue, field: apiField(issue.field) }));
    return json(c, 422, { detail: validationDetail(errors), errors });
  }
  if (error instanceof UnauthenticatedError) {
    return json(c, 401, { detail: error.message }, { "WWW-Authenticate": 'Bearer realm="aae"' });
  }
  if (error instanceof DomainError && error.status < 500) {
    return json(c, error.status as ContentfulStatusCode, { detail: error.message });
  }
  if (error instanceof ApiError) {
    return json(c, error.status, { detail: error.detail }, error.headers);
  }
  if (error instanceof HTTPException) {
    const detail = error.status === 413 ? "Request body too large" : error.message || "Bad request";
    return json(c, error.status as ContentfulStatusCode, { detail });
  }
  const log = c.get("log");
  const requestId = c.get("requestId");
  if (error instanceof CoordinationUnavailableError) {
    log?.warn("coordination unavailable", { error: error.message, request_id: requestId });
    return json(c, 503, {
      detail: "Temporarily unavailable: the coordination service is down; retry shortly",
    }, { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  }
  if (isConnectionError(error)) {
    log?.warn("database unavailable", { error: error.message, request_id: requestId });
    return json(c, 503, {
      detail: "Temporarily unavailable: the database cannot be reached; retry shortly",
    }, { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  }
  if (error instanceof PlatformRateLimitError) {
    // The platform's own wait and the message naming it, so clients back off instead of retrying.
    log?.warn("ad platform throttling", { error: error.message, request_id: requestId });
    return json(c, 503, { detail: error.message }, {
      "Retry-After": String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
    });
  }
  if (error instanceof DomainError) {
    log?.warn("upstream failure", { error, request_id: requestId });
    return json(c, error.status as ContentfulStatusCode, {
      detail: "The ad platform did not answer; nothing was changed",
    });
  }
  log?.error("unhandled error", { error, request_id: requestId });
  return json(c, 500, { detail: "Internal server error", request_id: requestId });
}

/** `app.notFound`: unknown routes are JSON 404s. */
export function handleNotFound(c: Context<ApiEnv>): Response {
  return json(c, 404, { detail: "Not found" });
}

/** The zod-openapi hook: request validation failures become 422s. */
export function validationHook(
  result: { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } },
): void {
  if (!result.success) throw validationErrorFrom(result.error?.issues ?? []);
}
