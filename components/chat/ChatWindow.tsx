/**
 * The chat with the assistant for one conversation: the transcript (scrolled to the newest
 * message unless the user scrolled up), the latest run's status with Cancel, refusals in plain
 * words, the message box, and what a message costs (sending stops at no credits). Used by the full-page assistant and by the floating panel.
 *
 * @module
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { useCredits } from "@/components/live/use_credits.ts";
import { isOutOfCredits } from "@/domain/agent_pricing.ts";
import { activeRun, latestRun, runStatusLabel } from "@/pages/chat_view.ts";
import { Composer } from "./Composer.tsx";
import { CreditNotice } from "./CreditNotice.tsx";
import { ChatIcon } from "./chat_icon.tsx";
import { CrossIcon, SpinnerIcon } from "./icons.tsx";
import { StatusBar } from "./RunStatus.tsx";
import { Transcript } from "./Transcript.tsx";
import { type ConversationStarted, useChatSession } from "./use_chat_session.ts";

/** Props of `ChatWindow`. */
export interface ChatWindowProps {
  /** The conversation to show; null starts a new one with the first message. */
  conversationId: string | null;
  /** `page`: roomy; `panel`: the floating assistant's narrow panel. */
  variant: "page" | "panel";
  /** Called once the first message created the conversation. */
  onStarted?: ConversationStarted;
}

/** Prompts offered in an empty conversation. */
const SUGGESTIONS = [
  "How did my campaigns do this week?",
  "Show my campaigns",
  "Create a $50/day traffic campaign called Spring Sale",
];

/** How close to the bottom (px) still counts as "following" the conversation. */
const STICK_PX = 80;

/** A conversation with the assistant. */
export function ChatWindow({ conversationId, variant, onStarted }: ChatWindowProps) {
  const session = useChatSession(conversationId, onStarted);
  const { view, loading, notice } = session;
  const [draft, setDraft] = useState<{ text: string } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const run = latestRun(view);
  const active = activeRun(view);
  const credits = useCredits();

  // Keep the newest message in view while the user follows along (not after they scroll up).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [view, loading]);

  const blockedBecause = session.connection === "expired"
    ? "Sign in again to keep chatting."
    : active
    ? active.status === "waiting_confirmation"
      ? "Approve or reject the pending change first (or cancel the run)."
      : "The assistant is working on your message…"
    : credits && isOutOfCredits(credits.balance)
    ? "Sending is off until you have credits again."
    : null;

  return (
    <div class="flex h-full min-h-0 flex-col" data-chat-window={variant}>
      <div
        ref={scroller}
        class={`min-h-0 flex-1 overflow-y-auto ${variant === "page" ? "px-5 py-5" : "px-3 py-4"}`}
        onScroll={(event) => {
          const element = event.currentTarget;
          following.current =
            element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX;
        }}
      >
        {loading
          ? <Loading />
          : view.items.length === 0
          ? <EmptyChat compact={variant === "panel"} onPick={(text) => setDraft({ text })} />
          : (
            <Transcript
              view={view}
              pendingDecisions={session.pendingDecisions}
              onDecide={session.decide}
            />
          )}
      </div>
      <p class="sr-only" role="status">{run ? runStatusLabel(run.status) : ""}</p>
      {notice && (
        <div
          role="alert"
          data-chat-notice
          class="mx-3 mb-2 flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
        >
          <p class="flex-1">{notice}</p>
          <button
            type="button"
            aria-label="Dismiss"
            class="rounded p-0.5 hover:bg-red-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 dark:hover:bg-red-900/40"
            onClick={session.dismissNotice}
          >
            <CrossIcon />
          </button>
        </div>
      )}
      <StatusBar
        run={run}
        connection={session.connection}
        cancelling={session.cancelling}
        onCancel={session.cancel}
      />
      <Composer
        id={`chat-input-${variant}`}
        blockedBecause={blockedBecause}
        sending={session.sending}
        onSend={session.send}
        draft={draft}
        autoFocus={variant === "panel"}
      />
      <CreditNotice credits={credits} />
    </div>
  );
}

function Loading() {
  return (
    <p
      class="flex items-center justify-center gap-2 py-10 text-sm text-neutral-500 dark:text-neutral-400"
      role="status"
    >
      <SpinnerIcon /> Loading conversation…
    </p>
  );
}

function EmptyChat({ compact, onPick }: { compact: boolean; onPick: (text: string) => void }) {
  return (
    <div class={`mx-auto max-w-md text-center ${compact ? "py-4" : "py-10"}`} data-chat-empty>
      <span class="mx-auto flex h-10 w-10 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-500/10 dark:text-indigo-300">
        <ChatIcon class="h-5 w-5" />
      </span>
      <h2 class="mt-3 text-sm font-semibold">Ask the assistant</h2>
      <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
        It reads your real campaign data and asks for your approval before anything that spends
        money or is hard to undo.
      </p>
      <ul class="mt-4 flex flex-col gap-2">
        {SUGGESTIONS.map((text) => (
          <li>
            <button
              type="button"
              class="w-full rounded-md border border-neutral-200 bg-white px-3 py-2 text-left text-sm text-neutral-700 hover:border-indigo-300 hover:bg-indigo-50/50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-300 dark:hover:border-indigo-700 dark:hover:bg-indigo-500/10"
              onClick={() => onPick(text)}
            >
              {text}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
