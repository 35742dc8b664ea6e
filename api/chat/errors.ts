/**
 * Maps what a client message's handling threw to the protocol's `error` code and detail, the
 * way REST maps domain errors to statuses.
 *
 * @module
 */
import {
  ConflictError,
  InsufficientCreditsError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { isConnectionError } from "../../db/errors.ts";
import { CoordinationUnavailableError } from "../../lib/coordination/types.ts";
import type { ErrorCode } from "./protocol.ts";

/** A protocol error raised by the chat layer itself. */
export class ChatProtocolError extends Error {
  override name = "ChatProtocolError";
  constructor(readonly code: ErrorCode, detail: string) {
    super(detail);
  }
}

/** The `error` to answer with, or undefined for an unexpected failure (log it, say `internal`). */
export function protocolErrorOf(
  error: unknown,
  conflictCode: ErrorCode = "conflict",
): { code: ErrorCode; detail: string } | undefined {
  if (error instanceof ChatProtocolError) return { code: error.code, detail: error.message };
  if (error instanceof ConflictError) return { code: conflictCode, detail: error.message };
  if (error instanceof NotFoundError) return { code: "not_found", detail: error.message };
  if (error instanceof ValidationError) {
    return { code: "invalid_message", detail: `Invalid message: ${error.message}` };
  }
  if (error instanceof InsufficientCreditsError) {
    return { code: "insufficient_credits", detail: error.message };
  }
  if (error instanceof CoordinationUnavailableError || isConnectionError(error)) {
    return {
      code: "unavailable",
      detail: "Temporarily unavailable: a service the assistant needs is down; retry shortly",
    };
  }
  return undefined;
}
