/**
 * The message box: Enter sends, Shift+Enter adds a line (and Enter while an input method is
 * composing does neither). Sending is blocked, with the reason shown, while a run is active or a
 * message is on its way; the text stays if the server refuses it. The box stays focusable while a
 * message is sent (read-only, not disabled, which would drop the focus), and focus comes back to
 * it after sending, so a keyboard user types the next message straight away.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { SendIcon } from "./icons.tsx";

interface ComposerProps {
  /** Why sending is not possible now; null when it is. */
  blockedBecause: string | null;
  sending: boolean;
  /** Resolves true when the message was accepted (the box is then cleared). */
  onSend: (text: string) => Promise<boolean>;
  /** Text to put into the box (a suggestion was picked); changes of the object apply it. */
  draft?: { text: string } | null;
  /** Focus the box when the composer appears (the floating panel opening). */
  autoFocus?: boolean;
  /** Unique on the page. */
  id: string;
}

/** The input box at the bottom of the chat. */
export function Composer({ blockedBecause, sending, onSend, draft, autoFocus, id }: ComposerProps) {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (draft) {
      setText(draft.text);
      input.current?.focus();
    }
  }, [draft]);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, []);
  const canSend = text.trim() !== "" && !sending && blockedBecause === null;
  const submit = async () => {
    if (!canSend) return;
    const message = text.trim();
    if (await onSend(message)) setText((current) => current.trim() === message ? "" : current);
    // Sent with the button (now disabled, so focus fell to the page) or with Enter: back to the box.
    input.current?.focus();
  };
  const hintId = `${id}-hint`;
  return (
    <form
      class="border-t border-neutral-200 p-3 dark:border-neutral-800"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class="flex items-end gap-2 rounded-lg border border-neutral-300 bg-white px-3 py-2 shadow-sm focus-within:border-indigo-500 focus-within:ring-1 focus-within:ring-indigo-500 dark:border-neutral-700 dark:bg-neutral-900">
        <label for={id} class="sr-only">Message the assistant</label>
        <textarea
          id={id}
          ref={input}
          rows={1}
          value={text}
          readOnly={sending}
          aria-busy={sending}
          aria-describedby={hintId}
          placeholder="Ask about your campaigns, or tell the assistant what to change…"
          class="field-sizing-content max-h-40 min-h-6 flex-1 resize-none bg-transparent text-sm leading-6 placeholder:text-neutral-400 focus:outline-none read-only:opacity-60 dark:placeholder:text-neutral-500"
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="submit"
          disabled={!canSend}
          aria-label="Send message"
          class="inline-flex h-8 w-8 shrink-0 items-center justify-center rounded-md bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-40 dark:focus-visible:ring-offset-neutral-900"
        >
          <SendIcon />
        </button>
      </div>
      <p id={hintId} class="mt-1.5 px-1 text-xs text-neutral-500 dark:text-neutral-400">
        {sending ? "Sending…" : blockedBecause ?? "Enter to send · Shift+Enter for a new line"}
      </p>
    </form>
  );
}
