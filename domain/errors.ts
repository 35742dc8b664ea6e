/**
 * Typed domain errors. REST, MCP and pages map them by class (or by `code`) the same way; each
 * carries the HTTP status it corresponds to so the mapping lives here, once.
 *
 * @module
 */
import { formatCredits } from "./agent_pricing.ts";
import { formatCount } from "./counts.ts";

/** Common base of every error the domain throws on purpose. */
export abstract class DomainError extends Error {
  /** Stable machine-readable code, e.g. `not_found`. */
  abstract readonly code: string;
  /** The HTTP status this error maps to. */
  abstract readonly status: number;
}

/** The resource does not exist, is deleted, or belongs to someone else (never say which). */
export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  readonly code = "not_found";
  readonly status = 404;
  /** @param resource what was looked up, e.g. `campaign` */
  constructor(readonly resource: string, message = `${resource} not found`) {
    super(message);
  }
}

/** The request conflicts with the current state (invalid transition, duplicate, key reuse). */
export class ConflictError extends DomainError {
  override name = "ConflictError";
  readonly code: string = "conflict";
  readonly status = 409;
}

/** One invalid input field. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `budget.amountMinor`; empty for the whole input. */
  field: string;
  message: string;
}

/** The input is invalid; `issues` lists each bad field. */
export class ValidationError extends DomainError {
  override name = "ValidationError";
  readonly code = "validation";
  readonly status = 422;
  constructor(readonly issues: readonly FieldIssue[]) {
    super(
      issues.map((issue) => issue.field ? `${issue.field}: ${issue.message}` : issue.message)
        .join("; "),
    );
  }
}

/** The user's credit balance does not cover the charge. */
export class InsufficientCreditsError extends DomainError {
  override name = "InsufficientCreditsError";
  readonly code = "insufficient_credits";
  /** 402 Payment Required: the request is fine, the balance is not. */
  readonly status = 402;
  constructor(readonly balance: number, readonly required: number) {
    super(
      `Not enough credits: this needs ${formatCredits(required)} and the balance is ${
        formatCount(balance)
      }.`,
    );
  }
}

/** Credentials are missing, wrong, expired or revoked. */
export class UnauthenticatedError extends DomainError {
  override name = "UnauthenticatedError";
  readonly code = "unauthenticated";
  readonly status = 401;
  constructor(message = "invalid credentials") {
    super(message);
  }
}

/** The actor is known but may not do this. */
export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  readonly code = "forbidden";
  readonly status = 403;
}

/** An ad platform call failed; the domain state was left unchanged. */
export class PlatformError extends DomainError {
  override name = "PlatformError";
  readonly code: string = "platform_error";
  readonly status: number = 502;
}

/**
 * The ad platform rejected the account's credentials (expired, revoked, or missing a
 * permission) and refreshing them did not help: the account must be connected again. Runs for
 * the account stop with this message; nothing was changed.
 */
export class PlatformAuthError extends PlatformError {
  override name = "PlatformAuthError";
  override readonly code = "platform_reconnect";
  /** 409: the request is fine; the account's connection is not, until the user reconnects. */
  override readonly status = 409;
  /** What the user has to do. */
  readonly action = "reconnect";
}

/**
 * The ad platform is throttling this account or app. Callers wait `retryAfterMs` before the next
 * call to it (never a hot retry loop); nothing was changed.
 */
export class PlatformRateLimitError extends PlatformError {
  override name = "PlatformRateLimitError";
  override readonly code = "platform_rate_limited";
  override readonly status = 503;
  constructor(message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The ad platform refused the change as invalid; `message` carries the platform's own text so the
 * user can fix the input. A 422 like any other validation failure.
 */
export class PlatformValidationError extends ValidationError {
  override name = "PlatformValidationError";
  constructor(readonly platform: string, platformMessage: string, field = "") {
    super([{ field, message: `${platform} refused the change: ${platformMessage}` }]);
  }
}

/**
 * A change the account's autopilot limits refuse outright (a conflict with the account's
 * settings, so every caller that reports conflicts reports it): a hard cap, or the freeze. `limit`
 * names it (`max_campaign_daily_budget`, `max_account_daily_budget`, `frozen`).
 */
export class LimitExceededError extends ConflictError {
  override name = "LimitExceededError";
  override readonly code = "limit_exceeded";
  constructor(readonly limit: string, message: string) {
    super(`refused by the ad account's limits (${limit}): ${message}`);
  }
}

/** The ad account is frozen (its autopilot limits' switch): no change is made to it. */
export class AccountFrozenError extends ConflictError {
  override name = "AccountFrozenError";
  override readonly code = "account_frozen";
}
