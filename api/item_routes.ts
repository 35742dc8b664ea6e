/**
 * The item routes that have the same shape for every resource — read, change and delete one item
 * under `{path}/{id}` — declared once. A route module still writes each handler itself (which
 * domain call, which message), so reading it tells what every route does.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { snakeSchema } from "./case.ts";
import type { ApiEnv } from "./context.ts";
import { dataResponse, jsonBody, privateRoute } from "./openapi.ts";
import { IdParamsSchema } from "./schemas/common.ts";

/** What the item routes of one resource share. */
export interface ItemRoutesOptions<Item extends z.ZodType> {
  /** The collection path, e.g. `/campaigns`; items live under `{path}/{id}`. */
  path: string;
  tags: string[];
  /** The item as every response carries it. */
  item: Item;
  /** The item in response descriptions, e.g. `campaign`. */
  noun: string;
}

/** Route declarations for `GET`, `PUT`/`PATCH` and `DELETE` on `{path}/{id}`. */
export function itemRoutes<Item extends z.ZodType>(
  guards: MiddlewareHandler<ApiEnv>[],
  { path, tags, item, noun }: ItemRoutesOptions<Item>,
) {
  const itemPath = `${path}/{id}`;
  return {
    /** `GET {path}/{id}`: the item. */
    get: (summary: string) =>
      privateRoute(guards, {
        method: "get",
        path: itemPath,
        tags,
        summary,
        request: { params: IdParamsSchema },
        responses: { 200: dataResponse(item, `The ${noun}`) },
      }),
    /** `PUT` or `PATCH {path}/{id}` with a snake_case JSON body: the changed item. */
    change: <Body extends z.ZodType>(
      method: "put" | "patch",
      summary: string,
      body: Body,
      described = `The updated ${noun}`,
    ) =>
      privateRoute(guards, {
        method,
        path: itemPath,
        tags,
        summary,
        request: { params: IdParamsSchema, body: jsonBody(snakeSchema(body)) },
        responses: { 200: dataResponse(item, described) },
      }),
    /** `DELETE {path}/{id}`: `data` is null. */
    remove: (summary: string, described = "Deleted") =>
      privateRoute(guards, {
        method: "delete",
        path: itemPath,
        tags,
        summary,
        request: { params: IdParamsSchema },
        responses: { 200: dataResponse(z.null(), described) },
      }),
  };
}
