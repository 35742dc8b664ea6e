/**
 * The chat island's connection to one conversation: a `ChatClient` on the page's own origin
 * (authenticated by the session cookies), the conversation's history replayed from seq 0, live
 * events folded into a `ChatView`, and the actions the user can take (send, approve or reject,
 * cancel). Browser-only: everything touching the socket runs in effects.
 *
 * @module
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ChatClient, ChatRequestError } from "@/api/chat/client.ts";
import { CHAT_PATH } from "@/api/chat/protocol.ts";
import {
  type ChatEvent,
  type ChatView,
  type ConfirmationItem,
  type Decision,
  emptyView,
  errorMessage,
  foldEvents,
} from "@/pages/chat_view.ts";

/**
 * How the socket is doing, as the chat shows it. `expired`: the sign-in ended and could not be
 * refreshed, so the client stopped reconnecting until the user signs in again.
 */
export type Connection = "connecting" | "open" | "reconnecting" | "expired";

/** What the chat window reads and calls. */
export interface ChatSession {
  view: ChatView;
  /** Null until the first message of a new conversation is acknowledged. */
  conversationId: string | null;
  connection: Connection;
  /** The history is still being replayed. */
  loading: boolean;
  /** A message is on its way (until its `ack`). */
  sending: boolean;
  /** A cancel was asked for and not yet acknowledged. */
  cancelling: boolean;
  /** The latest refusal, in plain words. */
  notice: string | null;
  /** Decisions sent from this tab and not yet reflected by the event log. */
  pendingDecisions: Readonly<Record<string, Decision>>;
  /** Sends a message; resolves false when it was refused (the notice says why). */
  send(text: string): Promise<boolean>;
  decide(item: ConfirmationItem, decision: Decision): void;
  cancel(runId: string): void;
  dismissNotice(): void;
}

/** Called once a new conversation exists (after the first message's `ack`). */
export type ConversationStarted = (conversationId: string, firstMessage: string) => void;

/** Events are folded at most this often, so a long replay or fast stream renders in batches. */
const FOLD_INTERVAL_MS = 16;

function chatUrl(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${CHAT_PATH}`;
}

function codeOf(error: unknown): string {
  return error instanceof ChatRequestError ? error.code : "internal";
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connects to `initialId` (or to nothing until the first message) and follows it. */
export function useChatSession(
  initialId: string | null,
  onStarted?: ConversationStarted,
): ChatSession {
  const [view, setView] = useState<ChatView>(emptyView);
  const [conversationId, setConversationId] = useState(initialId);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [replayUntil, setReplayUntil] = useState<number | null>(initialId ? null : 0);
  const [sending, setSending] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [sentDecisions, setSentDecisions] = useState<Record<string, Decision>>({});
  const client = useRef<ChatClient | null>(null);
  /** The conversation shown; read by the event listener, which outlives renders. */
  const current = useRef(initialId);
  /** Events of a conversation not (yet) shown: a new one's events may precede its `ack`. */
  const parked = useRef(new Map<string, ChatEvent[]>());
  const queue = useRef<ChatEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const started = useRef(onStarted);
  started.current = onStarted;

  const flush = useCallback(() => {
    timer.current = undefined;
    const batch = queue.current.splice(0);
    if (batch.length > 0) setView((previous) => foldEvents(previous, batch));
  }, []);

  const enqueue = useCallback((events: ChatEvent[]) => {
    queue.current.push(...events);
    timer.current ??= setTimeout(flush, FOLD_INTERVAL_MS);
  }, [flush]);

  useEffect(() => {
    const chat = new ChatClient({ url: chatUrl });
    client.current = chat;
    let everOpen = false;
    chat.onEvent((event) => {
      const id = event.metadata.conversation_id;
      if (id === current.current) return enqueue([event]);
      const list = parked.current.get(id) ?? [];
      list.push(event);
      parked.current.set(id, list);
    });
    chat.onStatus((status) => {
      if (status === "open") everOpen = true;
      if (status === "expired") return setConnection("expired");
      setConnection(status === "open" ? "open" : everOpen ? "reconnecting" : "connecting");
    });
    chat.onError((error) => setNotice(errorMessage(error.metadata.code, error.content)));
    chat.onLive((status) => setNotice(status.metadata.live ? null : status.content));
    void chat.connect();
    if (initialId) {
      chat.resume(initialId, 0).then(
        (ack) => setReplayUntil(ack.metadata.last_seq ?? 0),
        (error) => {
          setReplayUntil(0);
          setNotice(errorMessage(codeOf(error), detailOf(error)));
        },
      );
    }
    return () => {
      clearTimeout(timer.current);
      chat.close();
      client.current = null;
    };
  }, []);

  // A decision is pending until the log shows it (from this tab or another), so it is derived.
  const pendingDecisions = useMemo(() => {
    const pending: Record<string, Decision> = {};
    for (const [id, decision] of Object.entries(sentDecisions)) {
      const settled = view.items.some((item) =>
        item.kind === "confirmation" && item.confirmationId === id &&
        (item.decision || item.expired)
      );
      if (!settled) pending[id] = decision;
    }
    return pending;
  }, [view, sentDecisions]);

  const send = useCallback(async (text: string) => {
    const chat = client.current;
    if (!chat) return false;
    setSending(true);
    setNotice(null);
    try {
      const ack = await chat.sendUser(text, { conversationId: current.current ?? undefined });
      const id = ack.metadata.conversation_id;
      if (id && id !== current.current) {
        current.current = id;
        setConversationId(id);
        enqueue(parked.current.get(id) ?? []);
        parked.current.delete(id);
        started.current?.(id, text);
      }
      return true;
    } catch (error) {
      setNotice(errorMessage(codeOf(error), detailOf(error)));
      return false;
    } finally {
      setSending(false);
    }
  }, [enqueue]);

  /** Confirmations answered from this tab; a ref, so a double click sends nothing more. */
  const answered = useRef(new Set<string>());

  const decide = useCallback((item: ConfirmationItem, decision: Decision) => {
    const chat = client.current;
    const id = item.confirmationId;
    if (!chat || !item.runId || item.decision || item.expired || answered.current.has(id)) return;
    answered.current.add(id);
    setSentDecisions((previous) => ({ ...previous, [id]: decision }));
    setNotice(null);
    chat.confirm(item.runId, id, decision).catch((error) => {
      // Refused or cut off: the card shows the log's truth again and may be answered anew.
      answered.current.delete(id);
      setNotice(errorMessage(codeOf(error), detailOf(error)));
      setSentDecisions((previous) => {
        const next = { ...previous };
        delete next[id];
        return next;
      });
    });
  }, []);

  const cancel = useCallback((runId: string) => {
    const chat = client.current;
    if (!chat) return;
    setCancelling(true);
    chat.cancel(runId)
      .catch((error) => setNotice(errorMessage(codeOf(error), detailOf(error))))
      .finally(() => setCancelling(false));
  }, []);

  return {
    view,
    conversationId,
    connection,
    loading: replayUntil === null || view.lastSeq < replayUntil,
    sending,
    cancelling,
    notice,
    pendingDecisions,
    send,
    decide,
    cancel,
    dismissNotice: () => setNotice(null),
  };
}
