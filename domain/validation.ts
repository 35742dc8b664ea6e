/**
 * Parses domain inputs with zod, turning failures into `ValidationError` with one issue per field.
 *
 * @module
 */
import { z } from "zod";
import { ValidationError } from "./errors.ts";
import { CONTROL_CHARACTERS_MESSAGE, isPlainText } from "./text.ts";

/** Parses `input` with `schema` or throws `ValidationError`. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join("."),
      message: issue.message,
    })),
  );
}

/**
 * A string schema for text people type, enforcing `isPlainText`; chain limits after it
 * (`plainText().trim().max(200)`). The check runs first, on the text as sent, so trimming cannot
 * hide a leading control character.
 */
export function plainText(): z.ZodString {
  return z.string().refine(isPlainText, CONTROL_CHARACTERS_MESSAGE);
}

/** Plain decimal digits, as a person writes a count ("16", "07"); at most 15 so it stays exact. */
const DECIMAL_DIGITS = /^[0-9]{1,15}$/;

/**
 * A whole number that may arrive as a query-string text. Only plain decimal digits convert:
 * `Number()` would also read "0x10", "0b11", "1e1", "16.0", " 16" and "" (as 0), which no client
 * means; those stay text and are refused, naming the field. Numbers pass through to `bounds`.
 * Typed by what it accepts (the preprocess step alone would make the input type `unknown`).
 */
export function decimalInteger(
  bounds: { min: number; max?: number },
): z.ZodType<number, number | string> {
  const whole = z.number({ error: "must be a whole number in decimal digits" }).int()
    .min(bounds.min);
  return z.preprocess(
    (value) => typeof value === "string" && DECIMAL_DIGITS.test(value) ? Number(value) : value,
    bounds.max === undefined ? whole : whole.max(bounds.max),
  );
}
