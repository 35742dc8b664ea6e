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
