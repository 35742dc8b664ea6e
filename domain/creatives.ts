/**
 * Creatives: the ad copy and media of a campaign.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { CreativesTable } from "../db/schema.ts";
import { isoFromDb } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { landingUrlSchema } from "./campaigns.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { NotFoundError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import { type StagedChange, stagedWrites } from "./staged_change.ts";
import { parseInput, plainText } from "./validation.ts";

const creativeFields = {
  headline: plainText().trim().min(1).max(255),
  body: plainText().trim().min(1).max(5000),
  /** Button label such as "Shop now". */
  callToAction: plainText().trim().min(1).max(64).nullable(),
  /** Image or video URL. */
  mediaUrl: landingUrlSchema.nullable(),
};

/** Input of `creatives.create`. */
export const createCreativeSchema = z.object({
  ...creativeFields,
  callToAction: creativeFields.callToAction.default(null),
  mediaUrl: creativeFields.mediaUrl.default(null),
});
/** Input of `creatives.create`. */
export type CreateCreativeInput = z.input<typeof createCreativeSchema>;

/** Input of `creatives.update`: any subset (null clears optional fields). */
export const updateCreativeSchema = z.strictObject(creativeFields).partial();
/** Input of `creatives.update`. */
export type UpdateCreativeInput = z.input<typeof updateCreativeSchema>;

/** A creative. */
export interface Creative {
  id: string;
  campaignId: string;
  headline: string;
  body: string;
  callToAction: string | null;
  mediaUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Creatives service. */
export interface CreativesService {
  /** Creatives of one of the actor's campaigns, oldest first. */
  list(actor: Actor, campaignId: string, query?: Partial<PageQuery>): Promise<Page<Creative>>;
  get(actor: Actor, creativeId: string): Promise<Creative>;
  create(actor: Actor, campaignId: string, input: CreateCreativeInput): Promise<Creative>;
  /** `create` checked and staged, its row not written yet (`StagedChange`). */
  readonly staged: {
    create(
      actor: Actor,
      campaignId: string,
      input: CreateCreativeInput,
    ): Promise<StagedChange<Creative>>;
  };
  update(actor: Actor, creativeId: string, input: UpdateCreativeInput): Promise<Creative>;
  /** Soft delete. */
  delete(actor: Actor, creativeId: string): Promise<void>;
}

/** Builds the creatives service. */
export function createCreativesService(context: DomainContext): CreativesService {
  const { db } = context;

  async function assertOwnCampaign(actor: Actor, campaignId: string): Promise<void> {
    const campaign = await db.kysely.selectFrom("campaigns").select("id")
      .where("id", "=", campaignId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!campaign) throw new NotFoundError("campaign");
  }

  async function loadCreative(actor: Actor, creativeId: string) {
    const row = await db.kysely.selectFrom("creatives").selectAll()
      .where("id", "=", creativeId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("creative");
    return row;
  }

  const staged: CreativesService["staged"] = {
    async create(actor, campaignId, input) {
      const fields = parseInput(createCreativeSchema, input);
      await assertOwnCampaign(actor, campaignId);
      return stagedWrites(db.kysely, async (on) => {
        const now = nowForDb(context);
        const row: Selectable<CreativesTable> = {
          id: context.ids(),
          user_id: actor.userId,
          campaign_id: campaignId,
          headline: fields.headline,
          body: fields.body,
          call_to_action: fields.callToAction,
          media_url: fields.mediaUrl,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
        await on.insertInto("creatives").values(row).execute();
        return toCreative(row);
      });
    },
  };

  return {
    staged,
    async list(actor, campaignId, query = {}) {
      await assertOwnCampaign(actor, campaignId);
      return await paginate(
        db.kysely.selectFrom("creatives")
          .where("campaign_id", "=", campaignId).where("user_id", "=", actor.userId)
          .where("deleted_at", "is", null),
        parseInput(pageSchema, query),
        (scoped) => scoped.selectAll().orderBy("created_at").orderBy("id"),
        toCreative,
      );
    },

    async get(actor, creativeId) {
      return toCreative(await loadCreative(actor, creativeId));
    },

    create: async (actor, campaignId, input) =>
      await (await staged.create(actor, campaignId, input)).commit(),

    async update(actor, creativeId, input) {
      const fields = parseInput(updateCreativeSchema, input);
      const row = await loadCreative(actor, creativeId);
      const updated = {
        ...row,
        headline: fields.headline ?? row.headline,
        body: fields.body ?? row.body,
        call_to_action: fields.callToAction === undefined
          ? row.call_to_action
          : fields.callToAction,
        media_url: fields.mediaUrl === undefined ? row.media_url : fields.mediaUrl,
        updated_at: nowForDb(context),
      };
      await db.kysely.updateTable("creatives")
        .set({
          headline: updated.headline,
          body: updated.body,
          call_to_action: updated.call_to_action,
          media_url: updated.media_url,
          updated_at: updated.updated_at,
        })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
      return toCreative(updated);
    },

    async delete(actor, creativeId) {
      const row = await loadCreative(actor, creativeId);
      const now = nowForDb(context);
      await db.kysely.updateTable("creatives").set({ deleted_at: now, updated_at: now })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
    },
  };
}

function toCreative(row: Selectable<CreativesTable>): Creative {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    headline: row.headline,
    body: row.body,
    callToAction: row.call_to_action,
    mediaUrl: row.media_url,
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}
