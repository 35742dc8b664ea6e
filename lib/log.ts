/**
 * Structured JSON logging: one line per event on stdout (errors on stderr), so operators can ship
 * logs to any collector. Fields named like secrets are redacted before they are written.
 *
 * @module
 */

/** Severity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra fields attached to a log line. */
export type LogFields = Record<string, unknown>;

const ranks: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretField = /pass(word)?|secret|token|authorization|cookie/i;

/** A logger writing JSON lines with a fixed set of base fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = secretField.test(key) ? "[redacted]" : value;
  }
  return out;
}

function describeError(error: unknown): unknown {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : error;
}

/** Creates a logger that drops lines below `level`. */
export function createLogger(level: LogLevel = "info", base: LogFields = {}): Logger {
  const write = (lineLevel: LogLevel, message: string, fields: LogFields = {}) => {
    if (ranks[lineLevel] < ranks[level]) return;
    const { error, ...rest } = { ...base, ...fields };
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level: lineLevel,
      message,
      ...redact(rest),
      ...(error === undefined ? {} : { error: describeError(error) }),
    });
    if (ranks[lineLevel] >= ranks.error) console.error(line);
    else console.log(line);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}
