/**
 * The one rule for text people type — names, titles, messages: no control characters except tab
 * and line breaks (LF, and CR for CRLF). Others (NUL, ESC, DEL, the C1 range…) are never meant,
 * break terminals and logs, and the embedded SQLite store cuts a text at its first NUL; so they
 * are refused (422 naming the field) rather than stored differently on each backend.
 *
 * Imports nothing, so the browser's chat protocol schemas can share it. Domain schemas use it
 * through `plainText()` (`validation.ts`).
 *
 * @module
 */

/** Unicode control characters (general category Cc) other than tab, LF and CR. */
const FORBIDDEN_CONTROL = /[^\P{Cc}\t\n\r]/u;

/** Why a text was refused. */
export const CONTROL_CHARACTERS_MESSAGE =
  "must not contain control characters (tab and line breaks are allowed)";

/** True when `text` has no control character other than tab and line breaks. */
export function isPlainText(text: string): boolean {
  return !FORBIDDEN_CONTROL.test(text);
}
