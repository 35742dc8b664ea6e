/**
 * The full-page assistant's conversation list (server-rendered links, most recently active
 * first) with "New conversation", and rename and delete for each conversation (plain forms). A `<template>` of one entry lets the chat island add a
 * conversation it just started without owning the list (see `conversation_list.ts`).
 *
 * @module
 */
import { type Conversation, MAX_CONVERSATION_TITLE } from "@/domain/conversations.ts";
import { inputClass } from "@/components/forms/Field.tsx";
import { buttonClass } from "@/components/ui/Button.tsx";
import { formatMomentDate } from "@/pages/format.ts";

interface ConversationListProps {
  conversations: readonly Conversation[];
  /** The conversation shown, if any. */
  currentId: string | null;
  /** More conversations exist than are listed. */
  more: boolean;
  /** Conversations with a run waiting for the user's approval (as of page load; the chat
   * island keeps the marks live). */
  awaitingApproval: ReadonlySet<string>;
}

const LINK =
  "block rounded-md px-3 py-2 text-sm hover:bg-neutral-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-neutral-800 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:aria-[current=page]:bg-indigo-500/10 dark:aria-[current=page]:text-indigo-300";

/** The list of conversations beside the chat. */
export function ConversationList(
  { conversations, currentId, more, awaitingApproval }: ConversationListProps,
) {
  return (
    <nav
      aria-label="Conversations"
      class="flex max-h-72 flex-col rounded-lg border border-neutral-200 bg-white shadow-sm lg:max-h-none lg:w-64 lg:shrink-0 dark:border-neutral-800 dark:bg-neutral-900"
    >
      <div class="flex items-center justify-between gap-2 border-b border-neutral-200 px-3 py-3 dark:border-neutral-800">
        <h2 class="text-sm font-semibold">Conversations</h2>
        <a
          href="/assistant"
          class={buttonClass("primary", "px-2.5 py-1 text-xs")}
          data-new-conversation
        >
          New conversation
        </a>
      </div>
      <ul class="min-h-0 flex-1 space-y-0.5 overflow-y-auto p-2" data-conversation-list>
        {conversations.length === 0 && (
          <li
            class="px-3 py-6 text-center text-xs text-neutral-500 dark:text-neutral-400"
            data-conversation-empty
          >
            No conversations yet.
          </li>
        )}
        {conversations.map((conversation) => (
          <li data-conversation-id={conversation.id} class="relative">
            <a
              href={`/assistant/${conversation.id}`}
              aria-current={conversation.id === currentId ? "page" : undefined}
              class={`${LINK} pr-9`}
            >
              <span class="block truncate font-medium" data-conversation-title>
                {conversation.title}
              </span>
              <span
                class="flex items-center gap-2 text-xs text-neutral-600 dark:text-neutral-400"
                data-conversation-meta
              >
                {formatMomentDate(conversation.updatedAt)}
                {awaitingApproval.has(conversation.id) && <AwaitingApprovalBadge />}
              </span>
            </a>
            <ConversationActions conversation={conversation} />
          </li>
        ))}
      </ul>
      {more && (
        <p class="border-t border-neutral-200 px-3 py-2 text-xs text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
          Showing the most recent {conversations.length}.
        </p>
      )}
      <template data-awaiting-approval-badge>
        <AwaitingApprovalBadge />
      </template>
      <template data-conversation-item>
        <li class="relative">
          <a href="/assistant" class={`${LINK} pr-9`}>
            <span class="block truncate font-medium" data-conversation-title>New conversation</span>
            <span
              class="flex items-center gap-2 text-xs text-neutral-500 dark:text-neutral-400"
              data-conversation-meta
            >
              Just now
            </span>
          </a>
          {/* Pointed at the started conversation by `showStartedConversation`. */}
          <ConversationActions conversation={{ id: "new", title: "New conversation" }} />
        </li>
      </template>
    </nav>
  );
}

/** Marks a conversation whose assistant waits for the user's answer. */
function AwaitingApprovalBadge() {
  return (
    <span
      class="rounded-full bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800 dark:bg-amber-500/15 dark:text-amber-300"
      data-awaiting-approval
    >
      Needs your approval
    </span>
  );
}

/**
 * Rename and delete for one conversation: a disclosure (`<details>`, no script needed) with a
 * rename form and a link to the delete confirmation page.
 */
function ConversationActions(
  { conversation }: { conversation: Pick<Conversation, "id" | "title"> },
) {
  const inputId = `rename-${conversation.id}`;
  return (
    <details class="absolute right-1 top-1.5" data-conversation-actions>
      <summary
        class="flex size-7 cursor-pointer list-none items-center justify-center rounded-md text-neutral-600 hover:bg-neutral-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-neutral-300 dark:hover:bg-neutral-700 [&::-webkit-details-marker]:hidden"
        aria-label={`Rename or delete “${conversation.title}”`}
        title="Rename or delete"
      >
        <span aria-hidden="true">⋯</span>
      </summary>
      <div class="absolute right-0 z-20 mt-1 w-64 space-y-3 rounded-md border border-neutral-200 bg-white p-3 shadow-lg dark:border-neutral-700 dark:bg-neutral-900">
        <form
          method="post"
          action={`/assistant/${conversation.id}/rename`}
          class="space-y-2"
          data-rename-conversation
        >
          <label for={inputId} class="block text-xs font-medium">Title</label>
          <input
            id={inputId}
            name="title"
            value={conversation.title}
            required
            maxLength={MAX_CONVERSATION_TITLE}
            class={inputClass()}
          />
          <button type="submit" class={buttonClass("secondary", "w-full px-2.5 py-1 text-xs")}>
            Rename
          </button>
        </form>
        <a
          href={`/assistant/${conversation.id}/delete`}
          class="block text-xs font-medium text-red-700 hover:underline dark:text-red-400"
          data-delete-conversation-link
        >
          Delete conversation…
        </a>
      </div>
    </details>
  );
}
