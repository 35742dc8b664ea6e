/**
 * Gemini failures: `GeminiError` (what went wrong, whether a retry may help, how long the server
 * asked us to wait), the classification of the SDK's `ApiError`s — including Google's
 * `RetryInfo` and `QuotaFailure` details, which tell a per-minute rate limit from a quota used up
 * for the day — and the message the user reads in the chat for each kind.
 *
 * @module
 */
import { ApiError } from "@google/genai";

/** Why a Gemini call failed. */
export type GeminiErrorKind =
  | "auth"
  | "rate_limited"
  | "quota_exhausted"
  | "unavailable"
  | "timeout"
  | "bad_request"
  | "not_found"
  | "network"
  | "blocked"
  | "bad_response";

/** What a `GeminiError` carries besides its message. */
export interface GeminiErrorDetails {
  kind: GeminiErrorKind;
  /** HTTP status, when there was a response. */
  status: number | null;
  /** Whether trying again may succeed. */
  retryable: boolean;
  /** Attempts made before giving up. */
  attempts: number;
  /** The server's `RetryInfo.retryDelay`, in ms. */
  retryDelayMs?: number | null;
  /** For the user, when the generic text of the kind would say too little. */
  userMessage?: string;
}

/** A failed Gemini call, with a message fit to show an operator. */
export class GeminiError extends Error {
  override name = "GeminiError";
  /** What went wrong. */
  readonly kind: GeminiErrorKind;
  /** HTTP status, when there was a response. */
  readonly status: number | null;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** Attempts made before giving up. */
  readonly attempts: number;
  /** How long the server asked us to wait before retrying (ms), if it said. */
  readonly retryDelayMs: number | null;
  /** A more specific text for the user than the kind's own, if any. */
  readonly userMessage: string | undefined;

  constructor(message: string, details: GeminiErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.attempts = details.attempts;
    this.retryDelayMs = details.retryDelayMs ?? null;
    this.userMessage = details.userMessage;
  }

  /** The same failure, counted after `attempts` attempts (and optionally not retryable). */
  after(attempts: number, changes: Partial<GeminiErrorDetails> = {}): GeminiError {
    return new GeminiError(this.message, {
      kind: this.kind,
      status: this.status,
      retryable: this.retryable,
      retryDelayMs: this.retryDelayMs,
      userMessage: this.userMessage,
      ...changes,
      attempts,
    }, { cause: this.cause });
  }
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Google's error body (`{error: {message, details}}`) inside the SDK's `ApiError.message`. */
interface GoogleErrorBody {
  message?: string;
  details?: Array<Record<string, unknown>>;
}

function bodyOf(error: ApiError): GoogleErrorBody {
  const start = error.message.indexOf("{");
  if (start < 0) return {};
  try {
    const parsed = JSON.parse(error.message.slice(start)) as { error?: GoogleErrorBody };
    return parsed.error ?? {};
  } catch {
    return {};
  }
}

/** `RetryInfo.retryDelay` ("31s", "0.5s") in ms. */
function retryDelayOf(body: GoogleErrorBody): number | null {
  for (const detail of body.details ?? []) {
    const delay = detail.retryDelay;
    if (String(detail["@type"]).endsWith("RetryInfo") && typeof delay === "string") {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay);
      if (match) return Math.round(Number(match[1]) * 1000);
    }
  }
  return null;
}

/** Whether a `QuotaFailure` names a per-day quota: waiting minutes will not help. */
function isDailyQuota(body: GoogleErrorBody): boolean {
  return (body.details ?? []).some((detail) =>
    String(detail["@type"]).endsWith("QuotaFailure") &&
    Array.isArray(detail.violations) &&
    detail.violations.some((violation: { quotaId?: unknown; quotaMetric?: unknown }) =>
      /PerDay/i.test(`${violation.quotaId ?? ""} ${violation.quotaMetric ?? ""}`)
    )
  );
}

/** Classifies any failure of an attempt as a `GeminiError`. */
export function toGeminiError(error: unknown, attempts: number): GeminiError {
  if (error instanceof GeminiError) return error.after(attempts);
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new GeminiError(`Could not reach Gemini: ${message}`, {
      kind: "network",
      status: null,
      retryable: true,
      attempts,
    }, { cause: error });
  }
  const status = error.status;
  const body = bodyOf(error);
  const detail = body.message || error.message;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  const make = (
    kind: GeminiErrorKind,
    message: string,
    retryable = RETRYABLE_STATUSES.has(status),
  ) =>
    new GeminiError(message, {
      kind,
      status,
      retryable,
      attempts,
      retryDelayMs: retryDelayOf(body),
    }, { cause: error });
  if (status === 401 || status === 403 || /API key not valid|API_KEY_INVALID/i.test(detail)) {
    return make(
      "auth",
      `Gemini rejected the API key (HTTP ${status}): ${detail}. Check GEMINI_API_KEY.`,
      false,
    );
  }
  if (status === 429 && isDailyQuota(body)) {
    return make("quota_exhausted", `Gemini daily quota exhausted (HTTP 429): ${detail}`, false);
  }
  if (status === 429) {
    return make(
      "rate_limited",
      `Gemini rate limit or quota exceeded (HTTP 429)${tries}: ${detail}`,
    );
  }
  if (status === 404) {
    return make(
      "not_found",
      `Gemini model or endpoint not found (HTTP 404): ${detail}. Check GEMINI_MODEL.`,
    );
  }
  if (status >= 500 || status === 408) {
    return make("unavailable", `Gemini is unavailable (HTTP ${status})${tries}: ${detail}`);
  }
  return make("bad_request", `Gemini rejected the request (HTTP ${status}): ${detail}`);
}

/** A model failure as the user reads it in the chat, with the run's error code. */
export interface ExplainedModelError {
  /** `error_code` of the run, e.g. `model_quota_exhausted`. */
  code: string;
  /** The chat message. */
  message: string;
}

const EXPLANATIONS: Record<GeminiErrorKind, ExplainedModelError> = {
  quota_exhausted: {
    code: "model_quota_exhausted",
    message: "I had to stop: the assistant's Gemini quota is used up for today. Try again " +
      "tomorrow, or ask an operator to switch GEMINI_MODEL to another model or raise the quota.",
  },
  rate_limited: {
    code: "model_rate_limited",
    message: "I had to stop: Gemini is receiving too many requests right now. Please try again " +
      "in a minute.",
  },
  auth: {
    code: "model_auth",
    message: "I cannot reach Gemini: it rejected the assistant's API key. An operator must fix " +
      "GEMINI_API_KEY.",
  },
  blocked: {
    code: "model_safety_block",
    message: "Gemini declined to answer this request for safety reasons. Try rephrasing it.",
  },
  not_found: {
    code: "model_unavailable",
    message: "The configured Gemini model is not available (it may have been retired). An " +
      "operator must set GEMINI_MODEL to a current model.",
  },
  unavailable: {
    code: "model_unavailable",
    message: "Gemini is unavailable right now. Please try again in a few minutes.",
  },
  timeout: {
    code: "model_unavailable",
    message: "Gemini stopped responding. Please try again in a few minutes.",
  },
  network: {
    code: "model_unavailable",
    message: "The assistant could not reach Gemini. Please try again in a few minutes.",
  },
  bad_request: {
    code: "model_rejected",
    message: "Gemini rejected the assistant's request. An operator can find the reason in the " +
      "run's error.",
  },
  bad_response: {
    code: "model_bad_response",
    message: "Gemini did not give a usable answer. Please try again.",
  },
};

/** The chat message and error code for a model failure; null for anything else. */
export function explainModelError(error: unknown): ExplainedModelError | null {
  if (!(error instanceof GeminiError)) return null;
  const explained = EXPLANATIONS[error.kind];
  return error.userMessage ? { ...explained, message: error.userMessage } : explained;
}
