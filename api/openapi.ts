/**
 * The one way routes are declared: `publicRoute` / `privateRoute` wrap `createRoute` so every
 * operation gets the bearer security requirement (or none), the guard middleware, and the full
 * set of documented error responses; `respond` shapes success bodies in one envelope.
 *
 * @module
 */
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { type SnakeCased, toSnake } from "./case.ts";
import type { ApiEnv } from "./context.ts";
import { ErrorSchema, ValidationErrorSchema } from "./schemas/common.ts";

/** Name of the security scheme in the document. */
export const BEARER_SCHEME = "bearerAuth";

function jsonResponse<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** Error responses every operation may answer with. */
export const errorResponses = {
  400: jsonResponse(ErrorSchema, "Malformed request (e.g. invalid JSON)"),
  401: jsonResponse(ErrorSchema, "Missing, invalid, expired or revoked credentials"),
  403: jsonResponse(ErrorSchema, "Cross-site request rejected, or not allowed"),
  404: jsonResponse(ErrorSchema, "Not found (or not yours)"),
  409: jsonResponse(ErrorSchema, "Conflicts with the current state or an idempotency key"),
  413: jsonResponse(ErrorSchema, "Request body too large"),
  415: jsonResponse(ErrorSchema, "Unsupported content type (send application/json)"),
  422: jsonResponse(ValidationErrorSchema, "Invalid input; `errors` lists each field"),
  429: jsonResponse(ErrorSchema, "Rate limited; see `Retry-After`"),
  500: jsonResponse(ErrorSchema, "Internal server error"),
  502: jsonResponse(ErrorSchema, "The ad platform failed; nothing was changed"),
  503: jsonResponse(
    ErrorSchema,
    "Temporarily unavailable (a backend is down, or the ad platform is throttling the account); " +
      "see `Retry-After`",
  ),
} as const;

/** What a route declares; security, middleware and error responses are added. */
export type RouteSpec = Omit<RouteConfig, "security" | "middleware">;

/**
 * The route's responses with the error responses added. The errors are documented but kept out
 * of the static type: handlers never return them (errors are thrown and rendered by
 * `handleError`), and typing a dozen statuses per route makes the compiler check every handler
 * against all of them, past its instantiation limits.
 */
function withErrorResponses<Spec extends RouteSpec>(spec: Spec): Spec["responses"] {
  // A route's own 503 (e.g. "the assistant is not available") keeps its description.
  const own503 = (spec.responses as Record<number, unknown>)[503];
  return { ...spec.responses, ...errorResponses, ...(own503 ? { 503: own503 } : {}) };
}

/** A route anyone may call. */
export function publicRoute<const Spec extends RouteSpec>(spec: Spec) {
  return createRoute({ ...spec, security: [], responses: withErrorResponses(spec) });
}

/** A route behind `guards` (authentication, rate limit, idempotency), documented as bearer. */
export function privateRoute<const Spec extends RouteSpec>(
  guards: MiddlewareHandler<ApiEnv>[],
  spec: Spec,
) {
  return createRoute({
    ...spec,
    security: [{ [BEARER_SCHEME]: [] }],
    middleware: guards,
    responses: withErrorResponses(spec),
  });
}

/** A JSON request body (required). */
export function jsonBody<Schema extends z.ZodType>(schema: Schema, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

/** A `{data, message}` success response. */
export function dataResponse<Schema extends z.ZodType>(schema: Schema, description: string) {
  return jsonResponse(z.object({ data: schema, message: z.string() }), description);
}

/** A `{items, total, skip, limit}` success response. */
export function pageResponse<Schema extends z.ZodType>(item: Schema, description: string) {
  return jsonResponse(
    z.object({
      items: z.array(item),
      total: z.number().int().min(0),
      skip: z.number().int().min(0),
      limit: z.number().int().min(1),
    }),
    description,
  );
}

/** `{data, message}` with `data` converted to snake_case. */
export function respond<T, Status extends 200 | 201 = 200>(
  c: Context<ApiEnv>,
  data: T,
  message: string,
  status?: Status,
) {
  return c.json({ data: toSnake(data), message }, (status ?? 200) as Status);
}

/** A page of domain items as `{items, total, skip, limit}` in snake_case. */
export function respondPage<T>(
  c: Context<ApiEnv>,
  page: { items: T[]; total: number; skip: number; limit: number },
) {
  return c.json({ ...page, items: page.items.map(toSnake) as SnakeCased<T>[] }, 200);
}
