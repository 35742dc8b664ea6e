/**
 * The conversation as the user reads it: items in order, each run closed by its status line.
 * The list sits in an ARIA log, so screen readers announce new messages (politely), and it is marked
 * busy while assistant text is still streaming, so they read the answer once it is complete.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import type { ChatItem, ChatView, ConfirmationItem, Decision } from "@/pages/chat_view.ts";
import { ApprovalCard } from "./ApprovalCard.tsx";
import { AssistantMessage, UserMessage } from "./Messages.tsx";
import { RunFooter } from "./RunStatus.tsx";
import { ToolStep } from "./ToolStep.tsx";
import { errorMessage, isActiveRun } from "@/pages/chat_view.ts";

interface TranscriptProps {
  view: ChatView;
  pendingDecisions: Readonly<Record<string, Decision>>;
  onDecide: (item: ConfirmationItem, decision: Decision) => void;
}

/** Every item of the conversation, grouped by run. */
export function Transcript({ view, pendingDecisions, onDecide }: TranscriptProps) {
  const streaming = view.items.some((item) => item.kind === "assistant" && item.streaming);
  const rows: ComponentChildren[] = [];
  view.items.forEach((item, index) => {
    rows.push(
      <li key={item.key}>
        <Item item={item} pending={pendingDecisions} onDecide={onDecide} />
      </li>,
    );
    const next = view.items[index + 1];
    const run = item.runId ? view.runs[item.runId] : undefined;
    // The run still going has its status (and Cancel) in the bar above the input instead.
    if (run && !isActiveRun(run.status) && next?.runId !== item.runId) {
      rows.push(
        <li key={`run-${run.id}`}>
          <RunFooter run={run} />
        </li>,
      );
    }
  });
  // The log wraps the list rather than being it: a role on the <ol> would take its items'
  // list meaning away from screen readers.
  return (
    <div
      role="log"
      aria-live="polite"
      aria-busy={streaming ? "true" : "false"}
      aria-label="Conversation"
      data-transcript
    >
      <ol class="flex flex-col gap-3">{rows}</ol>
    </div>
  );
}

interface ItemProps {
  item: ChatItem;
  pending: Readonly<Record<string, Decision>>;
  onDecide: (item: ConfirmationItem, decision: Decision) => void;
}

function Item({ item, pending, onDecide }: ItemProps) {
  switch (item.kind) {
    case "user":
      return <UserMessage item={item} />;
    case "assistant":
      return <AssistantMessage item={item} />;
    case "step":
      return <ToolStep item={item} />;
    case "confirmation":
      return (
        <ApprovalCard
          item={item}
          pending={pending[item.confirmationId]}
          onDecide={onDecide}
        />
      );
    case "error":
      return (
        <div
          role="alert"
          data-chat-item="error"
          data-error-code={item.code}
          class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
        >
          <p class="font-medium">{errorMessage(item.code, item.text)}</p>
          {/* Out of credits the sentence says it all; the way on is the link. */}
          {item.code === "insufficient_credits"
            ? (
              <a href="/credits" class="mt-1 inline-block text-xs font-medium underline">
                How to get more credits
              </a>
            )
            : item.text && item.text !== errorMessage(item.code, item.text) && (
              <p class="mt-0.5 text-xs opacity-80">{item.text}</p>
            )}
        </div>
      );
  }
}
