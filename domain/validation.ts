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
