/**
 * Connection URLs without credentials, for logs and error messages.
 *
 * @module
 */

/** `scheme://user:secret@host:port/path?query` → `scheme://host:port/path`. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
