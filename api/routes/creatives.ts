/**
 * Creatives: ad copy and media of a campaign.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { createCreativeSchema, updateCreativeSchema } from "../../domain/creatives.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeSchema } from "../case.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { itemRoutes } from "../item_routes.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import { CreativeSchema } from "../schemas/ads.ts";

const newCreativeSchema = createCreativeSchema.extend({ campaignId: z.uuid() });
const listCreativesSchema = pageSchema.extend({
  campaign_id: z.string().openapi({ description: "The campaign whose creatives to list." }),
});

/** Registers `/creatives`. */
export function registerCreativeRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { creatives } = deps.domain;
  const tags = ["Creatives"];

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/creatives",
      tags,
      summary: "List the creatives of a campaign, oldest first",
      request: { query: listCreativesSchema },
      responses: { 200: pageResponse(CreativeSchema, "A page of creatives") },
    }),
    async (c) => {
      const { campaign_id: campaignId, ...page } = c.req.valid("query");
      return respondPage(c, await creatives.list(actorOf(c), campaignId, page));
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/creatives",
      tags,
      summary: "Add a creative to a campaign",
      request: { body: jsonBody(snakeSchema(newCreativeSchema)) },
      responses: { 201: dataResponse(CreativeSchema, "Created") },
    }),
    async (c) => {
      const { campaignId, ...input } = fromSnake(newCreativeSchema, c.req.valid("json"));
      return await respondOnce(
        c,
        () => creatives.staged.create(actorOf(c), campaignId, input),
        "Created",
        201,
      );
    },
  );

  const item = itemRoutes(guards, {
    path: "/creatives",
    tags,
    item: CreativeSchema,
    noun: "creative",
  });

  app.openapi(
    item.get("Get a creative"),
    async (c) => respond(c, await creatives.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    item.change(
      "patch",
      "Change some fields of a creative (null clears optional ones)",
      updateCreativeSchema,
    ),
    async (c) => {
      const input = fromSnake(updateCreativeSchema, c.req.valid("json"));
      const creative = await creatives.update(actorOf(c), c.req.valid("param").id, input);
      return respond(c, creative, "Updated");
    },
  );

  app.openapi(
    item.remove("Delete a creative (soft delete)"),
    async (c) => {
      await creatives.delete(actorOf(c), c.req.valid("param").id);
      return respond(c, null, "Deleted");
    },
  );
}
