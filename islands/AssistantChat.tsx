import { useEffect } from "preact/hooks";
import { ChatWindow } from "@/components/chat/ChatWindow.tsx";
import {
  showAwaitingApproval,
  showStartedConversation,
} from "@/components/chat/conversation_list.ts";
import { onLiveSignal } from "@/components/live/signals.ts";

interface AssistantChatProps {
  /** The conversation to show; null for a new one. */
  conversationId: string | null;
}

/**
 * The full-page chat. When the first message starts a conversation, the address becomes the
 * conversation's own (so a reload or a shared link shows it) and the list beside gains it. The
 * list's "Needs your approval" marks follow the page's live signals.
 */
export default function AssistantChat({ conversationId }: AssistantChatProps) {
  useEffect(() =>
    onLiveSignal("attention", (signal) => {
      showAwaitingApproval(new Set(signal.awaitingConversations));
    }), []);
  return (
    <ChatWindow
      conversationId={conversationId}
      variant="page"
      onStarted={(id, text) => {
        history.replaceState(null, "", `/assistant/${id}`);
        showStartedConversation(id, text);
        const heading = document.querySelector("[data-conversation-heading]");
        if (heading) heading.textContent = text.split("\n")[0].trim();
      }}
    />
  );
}
