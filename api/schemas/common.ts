/**
 * Shapes shared by every resource: the error bodies, timestamps and the `{id}` path parameter.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

/** Every error: `{"detail": "..."}`. */
export const ErrorSchema = z.object({
  detail: z.string().openapi({ example: "campaign not found" }),
  request_id: z.string().optional().openapi({ description: "Present on 500 responses." }),
}).openapi("Error");

/** One invalid field of a 422 response. */
export const FieldErrorSchema = z.object({
  field: z.string().openapi({ description: "Dotted path, e.g. `targeting.age_max`." }),
  message: z.string(),
}).openapi("FieldError");

/** A 422 response: `detail` names the fields, `errors` lists them. */
export const ValidationErrorSchema = z.object({
  detail: z.string().openapi({ example: "Invalid input: name (Too small)" }),
  errors: z.array(FieldErrorSchema),
}).openapi("ValidationError");

/** A path parameter `{id}`: any string (unknown ids are 404, never 422). */
export const IdParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, format: "uuid" }),
});

/** An ISO 8601 UTC timestamp. */
export const Timestamp = z.iso.datetime().openapi({ example: "2026-11-26T12:00:00.000Z" });
/** A calendar date `YYYY-MM-DD`. */
export const CalendarDate = z.iso.date().openapi({ example: "2026-11-26" });
