/**
 * The full-page assistant (`/assistant` and `/assistant/<conversation id>`): the conversation
 * list beside the chat island for the selected conversation, or a new one; without JavaScript,
 * the conversation rendered on the server and a plain form instead of the island.
 *
 * @module
 */
import type { Conversation } from "@/domain/conversations.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import AssistantChat from "@/islands/AssistantChat.tsx";
import type { ChatView } from "@/pages/chat_view.ts";
import { ConversationList } from "../chat/ConversationList.tsx";
import { CHAT_LIVE_ATTRIBUTE, NoScriptChat } from "../chat/NoScriptChat.tsx";

/** Conversations listed beside the chat. */
export const LISTED_CONVERSATIONS = 50;

interface AssistantPageProps {
  conversations: readonly Conversation[];
  total: number;
  /** The conversation shown; null for a new one. */
  current: Conversation | null;
  /** Conversations with a run waiting for the user's approval. */
  awaitingApproval: ReadonlySet<string>;
  /** The current conversation's events folded, for the chat without JavaScript. */
  history: ChatView | null;
}

/** The page body. */
export function AssistantPage(
  { conversations, total, current, awaitingApproval, history }: AssistantPageProps,
) {
  return (
    <>
      <PageHeader title="Assistant">
        Ask about your campaigns or tell the assistant what to change. Anything that spends money or
        is hard to undo waits for your approval.
      </PageHeader>
      <div class="flex flex-col gap-4 lg:h-[calc(100vh-13rem)] lg:min-h-[32rem] lg:flex-row">
        <ConversationList
          conversations={conversations}
          currentId={current?.id ?? null}
          more={total > conversations.length}
          awaitingApproval={awaitingApproval}
        />
        {/* On a phone the chat comes first and fits the screen, its message box in view. */}
        <section
          aria-label={current ? `Conversation: ${current.title}` : "New conversation"}
          class="order-first flex h-[calc(100dvh-23rem)] min-h-[24rem] min-w-0 flex-none lg:flex-1 [contain:inline-size] flex-col overflow-hidden lg:order-none rounded-lg border border-neutral-200 bg-neutral-50/60 shadow-sm lg:h-auto dark:border-neutral-800 dark:bg-neutral-950/40"
        >
          <header class="flex items-center justify-between gap-3 border-b border-neutral-200 bg-white px-5 py-3 dark:border-neutral-800 dark:bg-neutral-900">
            <h2 class="truncate text-sm font-semibold" data-conversation-heading>
              {current?.title ?? "New conversation"}
            </h2>
          </header>
          <div class="min-h-0 flex-1" {...{ [CHAT_LIVE_ATTRIBUTE]: "" }}>
            <AssistantChat conversationId={current?.id ?? null} />
          </div>
          <NoScriptChat view={history} path={current ? `/assistant/${current.id}` : "/assistant"} />
        </section>
      </div>
    </>
  );
}
