/**
 * A small `AgentRuns` for transport tests: it appends every event through the REAL conversation
 * event log (so persistence, sequencing and fan-out are the production ones) and simulates a
 * turn: `run` running → streamed `assistant` deltas → a tool `step` started/finished → optionally
 * a `confirmation` it waits on → the final `assistant` message → `run` completed. Cancel stops it
 * at the next step boundary, like the real runner.
 *
 * The message text picks the script: `confirm` in it asks for approval, `slow:<ms>` spaces the
 * events, `deltas:<n>` sets the number of deltas (default 4).
 *
 * @module
 */
import type {
  AgentRuns,
  ConfirmInput,
  RunView,
  SubmitMessageInput,
  SubmittedMessage,
} from "../../../../agent/runs/types.ts";
import type { AgentRunStatus } from "../../../../db/schema.ts";
import type { Actor } from "../../../../domain/actor.ts";
import { ConflictError, NotFoundError } from "../../../../domain/errors.ts";
import type { Domain } from "../../../../domain/mod.ts";

interface FakeRun {
  id: string;
  actor: Actor;
  conversationId: string;
  messageId: string;
  status: AgentRunStatus;
  cancelled: boolean;
  confirmationId: string | null;
  decide?: (decision: "approve" | "reject") => void;
  done: Promise<void>;
}

const ACTIVE: readonly AgentRunStatus[] = ["queued", "running", "waiting_confirmation"];

/** The fake runs service, plus hooks for tests. */
export class FakeRuns implements AgentRuns {
  readonly runs = new Map<string, FakeRun>();
  readonly #byClientId = new Map<string, SubmittedMessage>();

  constructor(private readonly domain: Domain) {}

  /** Resolves when the run has finished (any terminal status). */
  finished(runId: string): Promise<void> {
    return this.runs.get(runId)?.done ?? Promise.resolve();
  }

  async submit(actor: Actor, input: SubmitMessageInput): Promise<SubmittedMessage> {
    const key = input.clientMessageId && `${actor.userId}:${input.clientMessageId}`;
    const seen = key ? this.#byClientId.get(key) : undefined;
    if (seen) return { ...seen, duplicate: true };
    const conversationId = input.conversationId ??
      (await this.domain.conversations.create(actor)).id;
    await this.domain.conversations.get(actor, conversationId);
    for (const run of this.runs.values()) {
      if (run.conversationId === conversationId && ACTIVE.includes(run.status)) {
        throw new ConflictError("a run of this conversation is active; cancel it first");
      }
    }
    const message = await this.domain.conversations.appendMessage(actor, conversationId, {
      role: "user",
      content: input.content,
    });
    const run: FakeRun = {
      id: crypto.randomUUID(),
      actor,
      conversationId,
      messageId: message.id,
      status: "queued",
      cancelled: false,
      confirmationId: null,
      done: Promise.resolve(),
    };
    this.runs.set(run.id, run);
    const submitted = { conversationId, runId: run.id, messageId: message.id, duplicate: false };
    if (key) this.#byClientId.set(key, submitted);
    await this.#emit(run, "user", input.content, { message_id: message.id });
    await this.#status(run, "queued");
    run.done = this.#execute(run, input.content).catch((error) => {
      // Only a deleted conversation or a closed backend gets here; tests assert on events.
      console.error("fake run failed", error);
    });
    return submitted;
  }

  confirm(actor: Actor, runId: string, input: ConfirmInput): Promise<RunView> {
    return Promise.resolve().then(() => {
      const run = this.#owned(actor, runId);
      if (run.status !== "waiting_confirmation" || run.confirmationId !== input.confirmationId) {
        throw new ConflictError("run is not waiting for this confirmation");
      }
      run.decide?.(input.decision);
      return this.#view(run);
    });
  }

  cancel(actor: Actor, runId: string): Promise<RunView> {
    const run = this.#owned(actor, runId);
    if (!ACTIVE.includes(run.status)) {
      return Promise.reject(new ConflictError(`run is already ${run.status}`));
    }
    run.cancelled = true;
    run.decide?.("reject");
    return Promise.resolve(this.#view(run));
  }

  get(actor: Actor, runId: string): Promise<RunView> {
    return Promise.resolve(this.#view(this.#owned(actor, runId)));
  }

  /** Fake runs write no run rows: the conversation is simply deleted. */
  deleteConversation(actor: Actor, conversationId: string): Promise<void> {
    return this.domain.conversations.delete(actor, conversationId);
  }

  /** No fake run waits for approval records: the record alone is decided. */
  decideApproval(actor: Actor, approvalId: string, decision: "approve" | "reject") {
    return this.domain.approvals.decide(actor, approvalId, decision);
  }

  async #execute(run: FakeRun, content: string): Promise<void> {
    const pause = Number(/slow:(\d+)/.exec(content)?.[1] ?? 0);
    const deltas = Number(/deltas:(\d+)/.exec(content)?.[1] ?? 4);
    const wait = () => new Promise((resolve) => setTimeout(resolve, pause));
    /** A step boundary: stop here when cancelled. */
    const boundary = async () => {
      await wait();
      if (!run.cancelled) return false;
      await this.#status(run, "cancelled");
      return true;
    };
    await wait();
    await this.#status(run, "running");
    const pieces = Array.from({ length: deltas }, (_, i) => `piece ${i} `);
    for (const piece of pieces) {
      if (await boundary()) return;
      await this.#emit(run, "assistant", piece, { delta: true });
    }
    if (await boundary()) return;
    await this.#emit(run, "step", "list_campaigns", { name: "list_campaigns", status: "started" });
    await this.#emit(run, "step", "list_campaigns", {
      name: "list_campaigns",
      status: "succeeded",
      duration_ms: 3,
    });
    if (/confirm/.test(content)) {
      run.confirmationId = `confirm-${run.id.slice(0, 8)}`;
      const decision = new Promise<"approve" | "reject">((resolve) => run.decide = resolve);
      await this.#emit(run, "confirmation", "Create campaign Spring sale at $50/day?", {
        confirmation_id: run.confirmationId,
        component: "confirmation",
        data: { tool: "create_campaign", changes: { budget: 5000 } },
      });
      await this.#status(run, "waiting_confirmation");
      const answer = await decision;
      run.decide = undefined;
      if (run.cancelled) {
        await this.#status(run, "cancelled");
        return;
      }
      await this.#status(run, "running", { decision: answer });
      await this.#emit(run, "step", "create_campaign", {
        name: "create_campaign",
        status: answer === "approve" ? "succeeded" : "rejected",
      });
    }
    if (await boundary()) return;
    await this.#emit(run, "assistant", pieces.join(""), { delta: false });
    await this.#status(run, "completed");
  }

  async #status(run: FakeRun, status: AgentRunStatus, extra: Record<string, unknown> = {}) {
    run.status = status;
    await this.#emit(run, "run", status, { status, ...extra });
  }

  async #emit(
    run: FakeRun,
    type: "user" | "assistant" | "step" | "confirmation" | "run",
    content: string,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    await this.domain.conversationEvents.append(run.actor, run.conversationId, {
      type,
      content,
      runId: run.id,
      metadata,
    });
  }

  #owned(actor: Actor, runId: string): FakeRun {
    const run = this.runs.get(runId);
    if (!run || run.actor.userId !== actor.userId) throw new NotFoundError("run");
    return run;
  }

  #view(run: FakeRun): RunView {
    return {
      id: run.id,
      conversationId: run.conversationId,
      status: run.status,
      pendingConfirmation: run.status === "waiting_confirmation" && run.confirmationId
        ? { confirmationId: run.confirmationId, preview: {} }
        : null,
      inputTokens: 0,
      outputTokens: 0,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      steps: [],
    };
  }
}
