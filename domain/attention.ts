/**
 * What waits for a person's decision, live: the number of pending approval requests (the menu
 * badge) and the conversations whose assistant run waits for an answer ("Needs your approval"
 * in the conversation list). Whatever changes either announces it on the user's pub/sub channel
 * (after its commit); open pages listen (through the notifications stream) and read again.
 *
 * @module
 */
import type { Database } from "../db/database.ts";
import type { Coordination, Subscription } from "../lib/coordination/types.ts";
import type { Actor } from "./actor.ts";
import type { ApprovalsService } from "./approvals.ts";
import type { DomainContext } from "./context.ts";

/** What waits for the user. */
export interface Attention {
  /** Pending approval requests (not yet expired). */
  pendingApprovals: number;
  /** Ids of the user's conversations with a run waiting for the user's answer. */
  awaitingConversations: string[];
}

/** Reading what waits for a user, and hearing when it changes. */
export interface AttentionService {
  read(actor: Actor): Promise<Attention>;
  /** Calls `listener` after each announcement for the actor; resolves once active. */
  subscribe(actor: Actor, listener: () => void): Promise<Subscription>;
}

/** The pub/sub channel of one user's announcements. */
function attentionChannel(userId: string): string {
  return `attention:${userId}`;
}

/**
 * Tells the user's open pages, on every instance, that what waits for them changed. Call it
 * after the change committed. Best effort: a page that misses it shows the change on its next
 * load, and the change itself must not be reported as failed.
 */
export async function announceAttention(coordination: Coordination, userId: string): Promise<void> {
  try {
    await coordination.pubsub.publish(attentionChannel(userId), "changed");
  } catch (error) {
    console.error("attention announcement failed", error);
  }
}

/** Ids of the user's conversations with a run waiting for the user's approval. */
export async function conversationsAwaitingApproval(
  db: Database,
  userId: string,
): Promise<Set<string>> {
  const rows = await db.kysely.selectFrom("agent_runs").select("conversation_id")
    .where("user_id", "=", userId)
    .where("status", "=", "waiting_confirmation")
    .execute();
  return new Set(rows.map((row) => row.conversation_id));
}

/** Builds the service over the database, coordination pub/sub and the approvals. */
export function createAttentionService(
  context: DomainContext,
  approvals: Pick<ApprovalsService, "countPending">,
): AttentionService {
  const { db, coordination } = context;
  return {
    async read(actor) {
      const [pendingApprovals, awaiting] = await Promise.all([
        approvals.countPending(actor),
        conversationsAwaitingApproval(db, actor.userId),
      ]);
      return { pendingApprovals, awaitingConversations: [...awaiting] };
    },
    subscribe: (actor, listener) =>
      coordination.pubsub.subscribe(attentionChannel(actor.userId), () => listener()),
  };
}
