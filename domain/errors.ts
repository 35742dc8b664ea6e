/**
 * Typed domain errors. REST, MCP and pages map them by class (or by `code`) the same way; each
 * carries the HTTP status it corresponds to so the mapping lives here, once.
 *
 * @module
 */

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
  readonly code = "conflict";
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
    super(`insufficient credits: balance ${balance}, required ${required}`);
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
  readonly code = "platform_error";
  readonly status = 502;
}

/**
 * A change the account's autopilot limits refuse outright: a hard cap, or the freeze. `limit`
 * names it (`max_campaign_daily_budget`, `max_account_daily_budget`, `frozen`).
 */
export class LimitExceededError extends DomainError {
  override name = "LimitExceededError";
  readonly code = "limit_exceeded";
  readonly status = 409;
  constructor(readonly limit: string, message: string) {
    super(`refused by the ad account's limits (${limit}): ${message}`);
  }
}

/** The ad account is frozen (its autopilot limits' switch): no change is made to it. */
export class AccountFrozenError extends DomainError {
  override name = "AccountFrozenError";
  readonly code = "account_frozen";
  readonly status = 409;
}
