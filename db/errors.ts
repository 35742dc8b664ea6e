/**
 * Recognizing driver errors the domain reacts to, across MySQL/MariaDB and SQLite.
 *
 * @module
 */

/** True when `error` is a unique-key violation (MySQL ER_DUP_ENTRY, SQLite UNIQUE constraint). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { code?: unknown; errno?: unknown; errcode?: unknown };
  return details.code === "ER_DUP_ENTRY" || details.errno === 1062 ||
    details.errcode === 2067 || details.errcode === 1555 ||
    /UNIQUE constraint failed/.test(error.message);
}

/** Driver error codes of a database that cannot be reached or dropped the connection. */
const CONNECTION_ERROR_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "ER_CON_COUNT_ERROR",
]);

/**
 * True when `error` says the database server is out of reach (refused, dropped, timed out),
 * rather than that a query was wrong: mysql2 marks such errors `fatal`. The request may succeed
 * once the server is back; the pool opens fresh connections by itself.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { code?: unknown; fatal?: unknown };
  return details.fatal === true ||
    (typeof details.code === "string" && CONNECTION_ERROR_CODES.has(details.code));
}
