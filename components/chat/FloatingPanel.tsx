/**
 * The floating assistant's panel, loaded on demand by `islands/FloatingAssistant.tsx`: a dialog
 * with a header (full-page link, new conversation, close) over the chat of the most recently
 * active conversation, or of a new one when there is none. Escape closes it.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { ChatWindow } from "./ChatWindow.tsx";
import { CrossIcon, SpinnerIcon } from "./icons.tsx";

/** Props of `FloatingPanel`. */
export interface FloatingPanelProps {
  onClose: () => void;
}

/** What the panel shows: still looking, or a conversation (null = new). */
type Target = { loading: true } | { loading: false; id: string | null; generation: number };

/** The most recently active conversation's id, or null (none, or the list failed). */
async function latestConversation(): Promise<string | null> {
  try {
    const response = await fetch("/api/v1/conversations?limit=1", {
      credentials: "same-origin",
      headers: { accept: "application/json" },
    });
    if (!response.ok) return null;
    const page = await response.json() as { items?: { id?: unknown }[] };
    const id = page.items?.[0]?.id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

const HEADER_BUTTON =
  "rounded-md px-2 py-1 text-xs font-medium text-neutral-600 hover:bg-neutral-100 hover:text-neutral-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-neutral-100";

/** The panel. */
export function FloatingPanel({ onClose }: FloatingPanelProps) {
  const [target, setTarget] = useState<Target>({ loading: true });
  const [started, setStarted] = useState<string | null>(null);
  useEffect(() => {
    latestConversation().then((id) => setTarget({ loading: false, id, generation: 0 }));
  }, []);
  // Escape closes the panel wherever the focus is (it may be on the page behind it, or nowhere
  // after the panel was restored on a new page), unless something inside already used the key.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && !event.isComposing) onClose();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [onClose]);
  const conversationId = started ?? (target.loading ? null : target.id);
  return (
    <div
      role="dialog"
      aria-label="Assistant"
      data-floating-panel
      class="fixed inset-x-2 bottom-2 z-40 flex [contain:inline-size] h-[min(40rem,calc(100vh-1rem))] flex-col overflow-hidden rounded-xl border border-neutral-200 bg-neutral-50 shadow-2xl sm:inset-x-auto sm:bottom-5 sm:right-5 sm:w-[26rem] dark:border-neutral-800 dark:bg-neutral-950"
    >
      <header class="flex items-center gap-1 border-b border-neutral-200 bg-white px-3 py-2 dark:border-neutral-800 dark:bg-neutral-900">
        <h2 class="mr-auto text-sm font-semibold">Assistant</h2>
        <button
          type="button"
          class={HEADER_BUTTON}
          disabled={target.loading}
          onClick={() => {
            setStarted(null);
            setTarget((current) => ({
              loading: false,
              id: null,
              generation: current.loading ? 1 : current.generation + 1,
            }));
          }}
        >
          New
        </button>
        <a
          class={HEADER_BUTTON}
          href={conversationId ? `/assistant/${conversationId}` : "/assistant"}
          data-full-page
        >
          Full page
        </a>
        <button
          type="button"
          class={HEADER_BUTTON}
          aria-label="Close the assistant"
          onClick={onClose}
        >
          <CrossIcon />
        </button>
      </header>
      <div class="min-h-0 flex-1">
        {target.loading
          ? (
            <p
              class="flex items-center justify-center gap-2 py-10 text-sm text-neutral-500 dark:text-neutral-400"
              role="status"
            >
              <SpinnerIcon /> Loading…
            </p>
          )
          : (
            <ChatWindow
              // A new conversation is a fresh chat (new socket, empty view).
              key={`${target.generation}:${target.id ?? "new"}`}
              conversationId={target.id}
              variant="panel"
              onStarted={(id) => setStarted(id)}
            />
          )}
      </div>
    </div>
  );
}
