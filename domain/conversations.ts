/**
 * Chat history: conversations and their messages. Messages get a gapless per-conversation
 * sequence number (taken from `conversations.last_seq` under a row lock), so a reconnecting
 * client can ask for everything after the last one it saw.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { SqlDialect } from "../db/database.ts";
import {
  ACTIVE_AGENT_RUN_STATUSES,
  type ConversationsTable,
  type DB,
  type MessageRole,
  type MessagesTable,
} from "../db/schema.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { forUpdate, lockingTransaction } from "../db/locking.ts";
import { isoFromDb } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import {
  checkRunFence,
  FENCE_RUN_MISMATCH,
  fenceMatchesRun,
  type RunWriteFence,
  runWriteFenceSchema,
} from "./run_fence.ts";
import { type StagedChange, stagedWrites } from "./staged_change.ts";
import { decimalInteger, parseInput, plainText } from "./validation.ts";

/** Title given to conversations created without one. */
export const DEFAULT_CONVERSATION_TITLE = "New conversation";

/** Longest conversation title. */
export const MAX_CONVERSATION_TITLE = 200;

const titleSchema = plainText().trim().min(1).max(MAX_CONVERSATION_TITLE);

/** Input of `conversations.create`. */
export const createConversationSchema = z.object({
  title: titleSchema.default(DEFAULT_CONVERSATION_TITLE),
});
/** Input of `conversations.create`. */
export type CreateConversationInput = z.input<typeof createConversationSchema>;

/** Why a conversation cannot be deleted yet. */
export const ACTIVE_RUN_MESSAGE =
  "the assistant is still answering in this conversation; stop the answer, then delete it";

/** Input of `conversations.rename`. */
export const renameConversationSchema = z.object({ title: titleSchema });
/** Input of `conversations.rename`. */
export type RenameConversationInput = z.input<typeof renameConversationSchema>;

/** Every message role. */
export const MESSAGE_ROLES = [
  "user",
  "assistant",
  "tool",
  "system",
] as const satisfies readonly MessageRole[];

/** Input of `conversations.appendMessage`. */
export const appendMessageSchema = z.object({
  role: z.enum(MESSAGE_ROLES),
  content: z.string().max(1_000_000),
  /** Embedded components, attachments… (`metadata.component` = chart, card, table…). */
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** The agent run that produced it, if any. */
  runId: z.uuid().nullable().default(null),
  /**
   * Set by a runner storing its run's message (`fence.runId` must equal `runId`): the append
   * is refused with `RunFencedOutError`, storing nothing, unless the run still has this lease
   * epoch (see `run_fence.ts`).
   */
  fence: runWriteFenceSchema.optional(),
}).refine(fenceMatchesRun, FENCE_RUN_MISMATCH);
/** Input of `conversations.appendMessage`. */
export type AppendMessageInput = z.input<typeof appendMessageSchema>;

/** Query of `conversations.listMessages`. */
export const listMessagesSchema = z.object({
  /** Only messages with a larger sequence number (for replay after reconnect). */
  afterSeq: decimalInteger({ min: 0 }).default(0),
  limit: decimalInteger({ min: 1, max: 500 }).default(100),
});
/** Query of `conversations.listMessages`. */
export type ListMessagesQuery = z.input<typeof listMessagesSchema>;

/** A conversation. */
export interface Conversation {
  id: string;
  title: string;
  /** Sequence number of the latest message (0 when empty). */
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** A chat message. */
export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  role: MessageRole;
  content: string;
  metadata: Record<string, unknown>;
  runId: string | null;
  createdAt: string;
}

/** Conversations service. */
export interface ConversationsService {
  create(actor: Actor, input?: CreateConversationInput): Promise<Conversation>;
  /** `create` checked and staged, its row not written yet (`StagedChange`). */
  readonly staged: {
    create(actor: Actor, input?: CreateConversationInput): Promise<StagedChange<Conversation>>;
  };
  /** Most recently active first. */
  list(actor: Actor, query?: Partial<PageQuery>): Promise<Page<Conversation>>;
  get(actor: Actor, conversationId: string): Promise<Conversation>;
  rename(
    actor: Actor,
    conversationId: string,
    input: RenameConversationInput,
  ): Promise<Conversation>;
  /** Soft delete. */
  /**
   * Soft delete; `ConflictError` while the assistant is still answering in it (the agent's
   * `deleteConversation` stops that answer first).
   */
  delete(actor: Actor, conversationId: string): Promise<void>;
  /**
   * Appends a message with the next sequence number. `RunFencedOutError` when `input.fence` is
   * no longer the run's lease epoch.
   */
  appendMessage(actor: Actor, conversationId: string, input: AppendMessageInput): Promise<Message>;
  /** Messages in sequence order. */
  listMessages(actor: Actor, conversationId: string, query?: ListMessagesQuery): Promise<Message[]>;
}

/** Builds the conversations service. */
export function createConversationsService(context: DomainContext): ConversationsService {
  const { db } = context;

  async function loadConversation(actor: Actor, conversationId: string) {
    const row = await db.kysely.selectFrom("conversations").selectAll()
      .where("id", "=", conversationId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("conversation");
    return row;
  }

  const staged: ConversationsService["staged"] = {
    // Async like every staged change, although a conversation has nothing to check first.
    // deno-lint-ignore require-await
    async create(actor, input = {}) {
      const { title } = parseInput(createConversationSchema, input);
      return stagedWrites(db.kysely, async (on) => {
        const now = nowForDb(context);
        const row: Selectable<ConversationsTable> = {
          id: context.ids(),
          user_id: actor.userId,
          title,
          last_seq: 0,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
        await on.insertInto("conversations").values(row).execute();
        return toConversation(row);
      });
    },
  };

  return {
    staged,
    create: async (actor, input) => await (await staged.create(actor, input)).commit(),

    async list(actor, query = {}) {
      return await paginate(
        db.kysely.selectFrom("conversations")
          .where("user_id", "=", actor.userId).where("deleted_at", "is", null),
        parseInput(pageSchema, query),
        (scoped) => scoped.selectAll().orderBy("updated_at", "desc").orderBy("id"),
        toConversation,
      );
    },

    async get(actor, conversationId) {
      return toConversation(await loadConversation(actor, conversationId));
    },

    async rename(actor, conversationId, input) {
      const { title } = parseInput(renameConversationSchema, input);
      const row = await loadConversation(actor, conversationId);
      const updated_at = nowForDb(context);
      await db.kysely.updateTable("conversations").set({ title, updated_at })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
      return toConversation({ ...row, title, updated_at });
    },

    async delete(actor, conversationId) {
      await lockingTransaction(db, async (trx: Transaction<DB>) => {
        // Under the conversation's lock, where a new run starts too: none can slip in.
        await lockConversation(trx, db.dialect, actor, conversationId, undefined);
        const active = await trx.selectFrom("agent_runs").select("id")
          .where("conversation_id", "=", conversationId).where("user_id", "=", actor.userId)
          .where("status", "in", [...ACTIVE_AGENT_RUN_STATUSES]).executeTakeFirst();
        if (active) throw new ConflictError(ACTIVE_RUN_MESSAGE);
        const now = nowForDb(context);
        await trx.updateTable("conversations").set({ deleted_at: now, updated_at: now })
          .where("id", "=", conversationId).where("user_id", "=", actor.userId).execute();
      });
    },

    async appendMessage(actor, conversationId, input) {
      const fields = parseInput(appendMessageSchema, input);
      return await lockingTransaction(db, async (trx) => {
        await lockConversation(trx, db.dialect, actor, conversationId, fields.fence);
        return await insertMessage(context, trx, actor, conversationId, fields);
      });
    },

    async listMessages(actor, conversationId, query = {}) {
      const { afterSeq, limit } = parseInput(listMessagesSchema, query);
      await loadConversation(actor, conversationId);
      const rows = await db.kysely.selectFrom("messages").selectAll()
        .where("conversation_id", "=", conversationId).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null).where("seq", ">", afterSeq)
        .orderBy("seq").limit(limit).execute();
      return rows.map(toMessage);
    },
  };
}

/**
 * Inside a locking transaction: takes the conversation's row lock, where every write to a
 * conversation starts, then checks a runner's `fence` (lock order: see `run_fence.ts`).
 * `NotFoundError` when the conversation is not the actor's; `RunFencedOutError` when the fence's
 * epoch is no longer the run's. Both locks are held until the transaction ends.
 */
export async function lockConversation(
  trx: Transaction<DB>,
  dialect: SqlDialect,
  actor: Actor,
  conversationId: string,
  fence: RunWriteFence | undefined,
): Promise<void> {
  if (!fence) {
    const conversation = await forUpdate(
      trx.selectFrom("conversations").select("id")
        .where("id", "=", conversationId).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null),
      dialect,
    ).executeTakeFirst();
    if (!conversation) throw new NotFoundError("conversation");
    return;
  }
  // Both rows in one round trip: `FOR UPDATE` locks every row the join reads (see `run_fence.ts`
  // on why taking them in one statement cannot deadlock).
  const row = await forUpdate(
    trx.selectFrom("conversations")
      .leftJoin("agent_runs", (join) =>
        join.on("agent_runs.id", "=", fence.runId)
          .onRef("agent_runs.conversation_id", "=", "conversations.id"))
      .select(["conversations.id", "agent_runs.lease_epoch"])
      .where("conversations.id", "=", conversationId)
      .where("conversations.user_id", "=", actor.userId)
      .where("conversations.deleted_at", "is", null),
    dialect,
  ).executeTakeFirst();
  if (!row) throw new NotFoundError("conversation");
  checkRunFence(row.lease_epoch, fence);
}

/**
 * Inside a transaction that holds the conversation's lock (`lockConversation`, with the fields'
 * fence): stores a message with the next sequence number.
 */
export async function insertMessage(
  context: DomainContext,
  trx: Transaction<DB>,
  actor: Actor,
  conversationId: string,
  fields: z.output<typeof appendMessageSchema>,
): Promise<Message> {
  const conversation = await trx.selectFrom("conversations").select("last_seq")
    .where("id", "=", conversationId).executeTakeFirstOrThrow();
  const now = nowForDb(context);
  const row: Selectable<MessagesTable> = {
    id: context.ids(),
    user_id: actor.userId,
    conversation_id: conversationId,
    seq: conversation.last_seq + 1,
    role: fields.role,
    content: fields.content,
    metadata: toDbJson(fields.metadata),
    run_id: fields.runId,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await trx.updateTable("conversations").set({ last_seq: row.seq, updated_at: now })
    .where("id", "=", conversationId).execute();
  await trx.insertInto("messages").values(row).execute();
  return toMessage(row);
}

function toConversation(row: Selectable<ConversationsTable>): Conversation {
  return {
    id: row.id,
    title: row.title,
    lastSeq: row.last_seq,
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}

function toMessage(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    metadata: fromDbJson(row.metadata) as Record<string, unknown>,
    runId: row.run_id,
    createdAt: isoFromDb(row.created_at),
  };
}
