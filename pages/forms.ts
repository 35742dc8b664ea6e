/**
 * Reading submitted forms and turning domain validation issues into per-field messages.
 *
 * @module
 */
import type { FieldIssue } from "../domain/errors.ts";
import { issueSentence } from "./form_messages.ts";

/** Messages by form field name; `""` holds errors about the form as a whole. */
export type FieldErrors = Record<string, string>;

/** A submitted form's text values (files and absent fields read as `""`). */
export class FormValues {
  constructor(private readonly data: FormData) {}

  /** Reads the request body as a form. */
  static async from(req: Request): Promise<FormValues> {
    try {
      return new FormValues(await req.formData());
    } catch {
      return new FormValues(new FormData());
    }
  }

  /** The value of `name`, `""` when absent. */
  text(name: string): string {
    const value = this.data.get(name);
    return typeof value === "string" ? value : "";
  }

  /** Every text value submitted under `name` (checkbox groups), in order. */
  all(name: string): string[] {
    return this.data.getAll(name).filter((value): value is string => typeof value === "string");
  }

  /** The trimmed value of `name`, or undefined when blank. */
  optional(name: string): string | undefined {
    const value = this.text(name).trim();
    return value === "" ? undefined : value;
  }

  /** Every submitted text value, for re-rendering the form as it was typed. */
  values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of this.data) if (typeof value === "string") out[key] = value;
    return out;
  }
}

/**
 * Per-field messages from domain issues. `fieldOf` maps a domain path (`targeting.ageMax`) to
 * a form field name; the first message per field wins; unknown paths go to `""`. Messages read
 * as sentences naming the field (`form_messages.ts`), never as the validator's output.
 */
export function fieldErrors(
  issues: readonly FieldIssue[],
  fieldOf: (path: string) => string | undefined = (path) => path,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.field) ?? "";
    errors[field] ??= issueSentence(field, issue.message);
  }
  return errors;
}
