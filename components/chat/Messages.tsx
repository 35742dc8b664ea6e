/**
 * The two kinds of chat message: the user's (right, filled) and the assistant's (left, plain),
 * the latter with its embedded component below the text.
 *
 * @module
 */
import type { AssistantItem, UserItem } from "@/pages/chat_view.ts";
import { EmbeddedComponentView } from "./EmbeddedComponent.tsx";
import { MessageText } from "./MessageText.tsx";

/** A message the user sent. */
export function UserMessage({ item }: { item: UserItem }) {
  return (
    <div class="flex justify-end" data-chat-item="user">
      <p class="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 text-sm text-white shadow-sm">
        <span class="sr-only">You:</span>
        {item.text}
      </p>
    </div>
  );
}

/** Assistant text (growing while it streams) and its embedded component. */
export function AssistantMessage({ item }: { item: AssistantItem }) {
  return (
    <div
      class="flex flex-col gap-3"
      data-chat-item="assistant"
      data-streaming={item.streaming ? "true" : undefined}
      aria-busy={item.streaming ? "true" : undefined}
    >
      {item.text.trim() !== "" && (
        <div class="max-w-[92%] break-words rounded-2xl rounded-bl-sm bg-white px-4 py-2 text-sm text-neutral-800 shadow-sm ring-1 ring-neutral-200 dark:bg-neutral-900 dark:text-neutral-100 dark:ring-neutral-800">
          <span class="sr-only">Assistant:</span>
          <MessageText text={item.text} withoutTables={item.component?.type === "table"} />
          {item.streaming && (
            <span
              class="ml-0.5 inline-block h-3.5 w-1.5 translate-y-0.5 animate-pulse rounded-sm bg-indigo-500"
              aria-hidden="true"
            />
          )}
        </div>
      )}
      {item.component && <EmbeddedComponentView component={item.component} id={item.key} />}
    </div>
  );
}
