/**
 * What the chat transports (WebSocket, REST, SSE) need from durable agent runs. The runs
 * machinery (leases, recovery, steps, approval gate) lives behind this interface.
 *
 * @module
 */
import type { Approval } from "../../domain/approvals.ts";
import type { Actor } from "../../domain/actor.ts";
import type { AgentRunStatus, AgentStepKind, AgentStepStatus } from "../../db/schema.ts";

export { ACTIVE_AGENT_RUN_STATUSES, AGENT_RUN_STATUSES } from "../../db/schema.ts";
export type { AgentRunStatus, AgentStepKind, AgentStepStatus };

/** A user message to answer. */
export interface SubmitMessageInput {
  /** Absent: start a new conversation. */
  conversationId?: string;
  content: string;
  /** The client's id for the message: a retry with the same id is recognised, not run twice. */
  clientMessageId?: string;
}

/** The run a submitted message started (or the existing one, for a duplicate). */
export interface SubmittedMessage {
  conversationId: string;
  runId: string;
  messageId: string;
  /** True when `clientMessageId` was seen before and nothing new was started. */
  duplicate: boolean;
}

/** The owner's answer to an approval request. */
export interface ConfirmInput {
  confirmationId: string;
  decision: "approve" | "reject";
}

/** One recorded step of a run. */
export interface RunStepView {
  id: string;
  seq: number;
  kind: AgentStepKind;
  name: string;
  status: AgentStepStatus;
  attempt: number;
  input: unknown;
  output: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A run with its steps. */
export interface RunView {
  id: string;
  conversationId: string;
  status: AgentRunStatus;
  /** The open approval request while `waiting_confirmation`. */
  pendingConfirmation: { confirmationId: string; preview: unknown } | null;
  inputTokens: number;
  outputTokens: number;
  error: string | null;
  /** Stable code of `error`, e.g. `insufficient_credits`. */
  errorCode?: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: RunStepView[];
}

/** Durable agent runs as the transports use them. */
export interface AgentRuns {
  /**
   * Stores the user message and queues a run for it. While another run of the conversation is
   * active the message is refused with `ConflictError` (one run per conversation; the client
   * may cancel the active run first).
   */
  submit(actor: Actor, input: SubmitMessageInput): Promise<SubmittedMessage>;
  /** Resumes a run waiting for approval; `ConflictError` if it is not waiting for this id. */
  confirm(actor: Actor, runId: string, input: ConfirmInput): Promise<RunView>;
  /** Stops the run at its next step boundary, on whichever instance runs it. */
  cancel(actor: Actor, runId: string): Promise<RunView>;
  get(actor: Actor, runId: string): Promise<RunView>;
  /**
   * Deletes a conversation, first stopping the assistant's answer in it if one is still going
   * (queued, running, or waiting for approval: the held change is then never made). Deleting is
   * what the person asked for, and an answer nobody can see any more should not keep spending
   * credits or wait for an approval nobody can find. A running answer stops at its next step
   * boundary; if it has not stopped within one lease period, `ConflictError` says so.
   */
  deleteConversation(actor: Actor, conversationId: string): Promise<void>;
  /**
   * A person's decision on an approval record, wherever it is given (the approvals page, REST):
   * when a run is waiting at its gate for exactly that approval, the run is answered (and
   * resumes); otherwise the record alone is decided.
   */
  decideApproval(
    actor: Actor,
    approvalId: string,
    decision: "approve" | "reject",
  ): Promise<Approval>;
}
