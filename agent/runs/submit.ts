/**
 * Stores a user message and queues a run answering it (see `AgentRuns.submit`), then hands the
 * run to `schedule`. The conversation row lock serializes submits, so at most one run per
 * conversation is active, and a retried `clientMessageId` returns the run it started.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { ACTIVE_AGENT_RUN_STATUSES } from "../../db/schema.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { forUpdate, lockingTransaction } from "../../db/locking.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { DEFAULT_CONVERSATION_TITLE } from "../../domain/conversations.ts";
import type { Domain } from "../../domain/mod.ts";
import { CONTROL_CHARACTERS_MESSAGE, isPlainText } from "../../domain/text.ts";
import type { Logger } from "../../lib/log.ts";
import { RunEvents } from "./events.ts";
import type { SubmitMessageInput, SubmittedMessage } from "./types.ts";

/** Longest user message accepted. */
export const MAX_MESSAGE_CHARS = 100_000;

/** What `submitMessage` works with. */
export interface SubmitDependencies {
  readonly db: Database;
  readonly domain: Domain;
  readonly log: Logger;
  readonly now: () => Date;
  /** Starts executing the queued run (fire and forget). */
  schedule(runId: string): void;
}

/** See the module doc. */
export async function submitMessage(
  deps: SubmitDependencies,
  actor: Actor,
  input: SubmitMessageInput,
): Promise<SubmittedMessage> {
  const { db, domain, log, schedule } = deps;
  const stamp = () => toDbTimestamp(deps.now());

  const content = typeof input.content === "string" ? input.content.trim() : "";
  if (!content || content.length > MAX_MESSAGE_CHARS) {
    throw new ValidationError([{
      field: "content",
      message: `must be 1 to ${MAX_MESSAGE_CHARS} characters`,
    }]);
  }
  if (!isPlainText(content)) {
    throw new ValidationError([{ field: "content", message: CONTROL_CHARACTERS_MESSAGE }]);
  }
  const clientMessageId = input.clientMessageId?.trim() || null;
  if (clientMessageId && clientMessageId.length > 128) {
    throw new ValidationError([{
      field: "clientMessageId",
      message: "at most 128 characters",
    }]);
  }
  const conversationId = input.conversationId ??
    (await domain.conversations.create(actor, { title: titleOf(content) })).id;
  const runId = crypto.randomUUID();
  const created = await lockingTransaction(db, async (trx) => {
    // The conversation row lock serializes submits: one active run per conversation.
    const conversation = await forUpdate(
      trx.selectFrom("conversations").select(["id", "title"])
        .where("id", "=", conversationId).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null),
      db.dialect,
    ).executeTakeFirst();
    if (!conversation) throw new NotFoundError("conversation");
    if (clientMessageId) {
      const seen = await trx.selectFrom("agent_runs").select(["id", "message_id"])
        .where("conversation_id", "=", conversationId)
        .where("client_message_id", "=", clientMessageId).executeTakeFirst();
      if (seen) return { duplicate: seen };
    }
    const active = await trx.selectFrom("agent_runs").select("id")
      .where("conversation_id", "=", conversationId)
      .where("status", "in", ACTIVE_AGENT_RUN_STATUSES).executeTakeFirst();
    if (active) {
      throw new ConflictError(
        "a run is already active in this conversation; wait for it or cancel it",
      );
    }
    const at = stamp();
    if (conversation.title === DEFAULT_CONVERSATION_TITLE) {
      // Opened empty (REST, the chat's "New conversation"): named after its first message.
      await trx.updateTable("conversations").set({ title: titleOf(content), updated_at: at })
        .where("id", "=", conversationId).execute();
    }
    await trx.insertInto("agent_runs").values({
      id: runId,
      user_id: actor.userId,
      conversation_id: conversationId,
      message_id: null,
      status: "queued",
      lease_owner: null,
      lease_epoch: 0,
      started_at: null,
      finished_at: null,
      input_tokens: 0,
      output_tokens: 0,
      error: null,
      error_code: null,
      client_message_id: clientMessageId,
      cancel_requested_at: null,
      pending_confirmation: null,
      confirmation_decision: null,
      created_at: at,
      updated_at: at,
    }).execute();
    return { duplicate: null };
  }).catch((error) => {
    if (isUniqueViolation(error)) {
      throw new ConflictError("this message was already submitted");
    }
    throw error;
  });
  if (created.duplicate) {
    return {
      conversationId,
      runId: created.duplicate.id,
      messageId: created.duplicate.message_id ?? "",
      duplicate: true,
    };
  }
  const message = await domain.conversations.appendMessage(actor, conversationId, {
    role: "user",
    content,
    runId,
    metadata: clientMessageId ? { client_message_id: clientMessageId } : {},
  });
  await db.kysely.updateTable("agent_runs")
    .set({ message_id: message.id, updated_at: stamp() })
    .where("id", "=", runId).execute();
  const events = new RunEvents(domain.conversationEvents, actor, conversationId, runId, log);
  await events.emit("user", content, {
    message_id: message.id,
    ...(clientMessageId ? { client_message_id: clientMessageId } : {}),
  });
  await events.status("queued");
  await events.flush();
  schedule(runId);
  return { conversationId, runId, messageId: message.id, duplicate: false };
}

/** A conversation title from its first message. */
function titleOf(content: string): string {
  const line = content.split("\n")[0].trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
