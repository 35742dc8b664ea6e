/**
 * Rejects request bodies over a size limit with 413 before anything reads them.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ApiError } from "../errors.ts";

/** Default largest accepted body: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** 413 `{"detail"}` for bodies larger than `maxBytes`. */
export function bodyLimit(maxBytes = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, `Request body too large (limit ${maxBytes} bytes)`);
    },
  });
}
