/**
 * The chat's view model, folded from a conversation's persisted event log: the list of items the
 * transcript renders (user and assistant messages, tool steps, approval requests, errors) and the
 * status of every run. Pure and browser-safe, so the island and the tests share it.
 *
 * Streaming: the runner sends assistant text as `delta` events while the model writes, then the
 * run's final message once (`final: true`, carrying any embedded component). Deltas grow one
 * "streaming" item; the final message replaces it when it is the same text, so the answer is
 * shown once. Each delta names the model call it streams (`metadata.stream`); when a run is
 * taken over after a crash, the new owner calls the model again and first sends a delta with
 * `metadata.replaces: true` for that call: the text the earlier attempt streamed is dropped, so
 * the answer is not shown twice. Events at or below the last folded `seq` are ignored, so a replay after a
 * reconnect never doubles anything.
 *
 * @module
 */
import {
  ACTIVE_AGENT_RUN_STATUSES,
  AGENT_RUN_STATUSES,
  type AgentRunStatus,
} from "../agent/runs/types.ts";
import { type EmbeddedComponent, parseComponent } from "./chat_components.ts";
import {
  type PreviewChange,
  previewChanges,
  previewCurrency,
  previewLabels,
} from "./chat_preview.ts";

/** A persisted chat event as the client delivers it (the shape of `EventMessage`). */
export interface ChatEvent {
  type: string;
  content: string;
  metadata: Record<string, unknown> & {
    seq: number;
    conversation_id: string;
    run_id: string | null;
  };
  created_at?: string;
}

/** A run's lifecycle status. */
export type RunStatus = AgentRunStatus;

/** Whether a run in `status` is still going. */
export function isActiveRun(status: RunStatus): boolean {
  return ACTIVE_AGENT_RUN_STATUSES.includes(status);
}

/** The owner's answer to an approval request. */
export type Decision = "approve" | "reject";

/** A user message. */
export interface UserItem {
  kind: "user";
  key: string;
  runId: string | null;
  text: string;
  createdAt: string | null;
}

/** Assistant text: streaming while deltas arrive, then final (possibly with a component). */
export interface AssistantItem {
  kind: "assistant";
  key: string;
  runId: string | null;
  text: string;
  streaming: boolean;
  component: EmbeddedComponent | null;
  /** The model call whose streamed text this is (`metadata.stream`); null for a final message. */
  stream: string | null;
}

/** A tool call, updated in place from started to finished. */
export interface StepItem {
  kind: "step";
  key: string;
  runId: string | null;
  toolCallId: string;
  name: string;
  status: string;
  /** One-line summary of the arguments. */
  summary: string;
  durationMs: number | null;
}

/** An approval request and what became of it. */
export interface ConfirmationItem {
  kind: "confirmation";
  key: string;
  runId: string | null;
  confirmationId: string;
  tool: string;
  summary: string;
  reason: string;
  changes: PreviewChange[];
  /** Currency of the changes' money fields, if the preview names one. */
  currency: string | null;
  /** Names of ids in the changes (the target ad account's). */
  labels: Record<string, string>;
  /** The recorded decision (from this tab or any other). */
  decision: Decision | null;
  /** The run ended (cancelled, failed) before anyone decided. */
  expired: boolean;
}

/** A run that failed, with the reason as said by the server. */
export interface ErrorItem {
  kind: "error";
  key: string;
  runId: string | null;
  code: string;
  text: string;
}

/** One thing the transcript shows. */
export type ChatItem = UserItem | AssistantItem | StepItem | ConfirmationItem | ErrorItem;

/** A run as the chat knows it. */
export interface RunState {
  id: string;
  status: RunStatus;
  /** Why it failed (`insufficient_credits`, `run_failed`…). */
  code: string | null;
}

/** Everything the transcript renders for one conversation. */
export interface ChatView {
  items: ChatItem[];
  runs: Record<string, RunState>;
  /** Run ids in the order they started. */
  runOrder: string[];
  /** The highest `seq` folded in. */
  lastSeq: number;
  /** Index in `items` of each run's assistant item still receiving deltas. */
  open: Record<string, number>;
}

/** The view of a conversation with no events yet. */
export function emptyView(): ChatView {
  return { items: [], runs: {}, runOrder: [], lastSeq: 0, open: {} };
}

/** Folds `events` (in `seq` order) into `view`, returning a new view; `view` is not changed. */
export function foldEvents(view: ChatView, events: readonly ChatEvent[]): ChatView {
  const next: ChatView = {
    items: view.items.slice(),
    runs: { ...view.runs },
    runOrder: view.runOrder.slice(),
    lastSeq: view.lastSeq,
    open: { ...view.open },
  };
  for (const event of events) {
    const seq = event.metadata.seq;
    // Already shown (a replay after reconnect, or a second delivery): nothing to do.
    if (!(seq > next.lastSeq)) continue;
    next.lastSeq = seq;
    apply(next, event);
  }
  return next;
}

/** The most recent run, if any. */
export function latestRun(view: ChatView): RunState | null {
  const id = view.runOrder[view.runOrder.length - 1];
  return id === undefined ? null : view.runs[id] ?? null;
}

/** The run still going, if any (at most one per conversation). */
export function activeRun(view: ChatView): RunState | null {
  const latest = latestRun(view);
  return latest && isActiveRun(latest.status) ? latest : null;
}

/** What the chat says about a run's status. */
export function runStatusLabel(status: RunStatus): string {
  switch (status) {
    case "queued":
      return "Starting…";
    case "running":
      return "Working…";
    case "waiting_confirmation":
      return "Waiting for your approval";
    case "completed":
      return "Completed";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

/** A plain sentence for an error code, from a run or from the server refusing a message. */
export function errorMessage(code: string, detail: string): string {
  switch (code) {
    case "insufficient_credits":
      return "You're out of credits, so the assistant can't answer until more are added.";
    case "run_active":
      return "The assistant is still working on your previous message. Wait for it or cancel it.";
    case "not_found":
      return "This conversation no longer exists.";
    case "conflict":
      return "That was already decided or is no longer possible.";
    case "busy":
      return "Too many messages at once; try again in a moment.";
    case "disconnected":
      return "The connection dropped before the server answered. Try again.";
    case "run_failed":
      return "The assistant failed to complete this request.";
    default:
      return detail || "Something went wrong. Try again.";
  }
}

function apply(view: ChatView, event: ChatEvent): void {
  const { metadata } = event;
  const runId = metadata.run_id;
  const key = `e${metadata.seq}`;
  switch (event.type) {
    case "user":
      if (runId) trackRun(view, runId, "queued");
      view.items.push({
        kind: "user",
        key,
        runId,
        text: event.content,
        createdAt: event.created_at ?? null,
      });
      return;
    case "assistant":
      if (metadata.delta !== true) return applyFinal(view, runId, key, event);
      if (metadata.replaces === true) dropStream(view, runId, text(metadata.stream));
      return applyDelta(view, runId, key, event.content, text(metadata.stream) || null);
    case "step":
      closeStream(view, runId);
      return applyStep(view, runId, key, event);
    case "confirmation":
      closeStream(view, runId);
      return applyConfirmation(view, runId, key, event);
    case "error":
      closeStream(view, runId);
      view.items.push({
        kind: "error",
        key,
        runId,
        code: text(metadata.code) || "error",
        text: event.content,
      });
      return;
    case "run":
      return applyRun(view, runId, event);
  }
}

function trackRun(view: ChatView, runId: string, status: RunStatus): RunState {
  const existing = view.runs[runId];
  if (existing) return existing;
  const run: RunState = { id: runId, status, code: null };
  view.runs[runId] = run;
  view.runOrder.push(runId);
  return run;
}

function streamKey(runId: string | null): string {
  return runId ?? "";
}

function applyDelta(
  view: ChatView,
  runId: string | null,
  key: string,
  piece: string,
  stream: string | null,
): void {
  if (!piece) return;
  const index = view.open[streamKey(runId)];
  const item = index === undefined ? undefined : view.items[index];
  if (item?.kind === "assistant") {
    view.items[index] = { ...item, text: item.text + piece };
    return;
  }
  view.open[streamKey(runId)] = view.items.length;
  view.items.push({
    kind: "assistant",
    key,
    runId,
    text: piece,
    streaming: true,
    component: null,
    stream,
  });
}

/** Drops the text an earlier attempt of model call `stream` streamed (see the module doc). */
function dropStream(view: ChatView, runId: string | null, stream: string): void {
  delete view.open[streamKey(runId)];
  for (let index = view.items.length - 1; index >= 0; index--) {
    const item = view.items[index];
    if (item.kind !== "assistant" || item.runId !== runId || item.stream !== stream) continue;
    view.items.splice(index, 1);
    for (const [run, open] of Object.entries(view.open)) {
      if (open > index) view.open[run] = open - 1;
    }
  }
}

function applyFinal(view: ChatView, runId: string | null, key: string, event: ChatEvent): void {
  const component = parseComponent(event.metadata.component, event.metadata.data);
  const final: AssistantItem = {
    kind: "assistant",
    key,
    runId,
    text: event.content,
    streaming: false,
    component,
    stream: null,
  };
  const index = view.open[streamKey(runId)];
  delete view.open[streamKey(runId)];
  const streamed = index === undefined ? undefined : view.items[index];
  // The final message is the streamed text once more (trimmed): replace it rather than repeat
  // it. Anything else (a closing note after a failure) is a message of its own.
  if (streamed?.kind === "assistant" && event.content.startsWith(streamed.text.trim())) {
    view.items[index] = { ...final, key: streamed.key };
    return;
  }
  if (streamed?.kind === "assistant") view.items[index] = { ...streamed, streaming: false };
  view.items.push(final);
}

/** Text streamed before a tool step or approval is an aside of its own, not the answer. */
function closeStream(view: ChatView, runId: string | null): void {
  const index = view.open[streamKey(runId)];
  if (index === undefined) return;
  delete view.open[streamKey(runId)];
  const item = view.items[index];
  if (item?.kind === "assistant") view.items[index] = { ...item, streaming: false };
}

function applyStep(view: ChatView, runId: string | null, key: string, event: ChatEvent): void {
  const { metadata } = event;
  const toolCallId = text(metadata.tool_call_id) || key;
  const step: StepItem = {
    kind: "step",
    key,
    runId,
    toolCallId,
    name: text(metadata.name) || event.content.split(" ")[0] || "tool",
    status: text(metadata.status) || "running",
    summary: text(metadata.arguments),
    durationMs: typeof metadata.duration_ms === "number" ? metadata.duration_ms : null,
  };
  // A call is one row from start to finish, also when it runs again after an approval.
  const index = view.items.findIndex((item) =>
    item.kind === "step" && item.runId === runId && item.toolCallId === toolCallId
  );
  if (index >= 0) view.items[index] = { ...step, key: view.items[index].key };
  else view.items.push(step);
}

function applyConfirmation(
  view: ChatView,
  runId: string | null,
  key: string,
  event: ChatEvent,
): void {
  const { metadata } = event;
  const preview = (metadata.preview ?? {}) as { summary?: unknown };
  const confirmationId = text(metadata.confirmation_id);
  const item: ConfirmationItem = {
    kind: "confirmation",
    key,
    runId,
    confirmationId,
    tool: text(metadata.tool),
    summary: text(preview.summary) || event.content,
    reason: text(metadata.reason),
    changes: previewChanges(metadata.preview),
    currency: previewCurrency(metadata.preview),
    labels: previewLabels(metadata.preview),
    decision: null,
    expired: false,
  };
  if (runId) trackRun(view, runId, "waiting_confirmation").status = "waiting_confirmation";
  // A run taken over by another instance asks again with the same id: one card.
  const index = view.items.findIndex((existing) =>
    existing.kind === "confirmation" && existing.confirmationId === confirmationId
  );
  if (index >= 0) {
    const existing = view.items[index] as ConfirmationItem;
    view.items[index] = { ...item, key: existing.key, decision: existing.decision };
  } else view.items.push(item);
}

function applyRun(view: ChatView, runId: string | null, event: ChatEvent): void {
  if (!runId) return;
  const { metadata } = event;
  const raw = text(metadata.status) || event.content;
  if (!(AGENT_RUN_STATUSES as readonly string[]).includes(raw)) return;
  const status = raw as RunStatus;
  const run = trackRun(view, runId, status);
  view.runs[runId] = { ...run, status, code: text(metadata.code) || run.code };
  const decision = metadata.decision;
  const confirmationId = text(metadata.confirmation_id);
  for (let index = 0; index < view.items.length; index++) {
    const item = view.items[index];
    if (item.kind !== "confirmation" || item.runId !== runId || item.decision) continue;
    if (
      (decision === "approve" || decision === "reject") && item.confirmationId === confirmationId
    ) {
      view.items[index] = { ...item, decision };
    } else if (!isActiveRun(status)) {
      view.items[index] = { ...item, expired: true };
    }
  }
  if (!isActiveRun(status)) closeStream(view, runId);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
