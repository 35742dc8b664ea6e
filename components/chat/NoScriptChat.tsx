/**
 * The chat for a browser without JavaScript, inside `<noscript>`: the conversation rendered on
 * the server (the same transcript the island shows), and a plain form that posts a message
 * (`pages/chat_form.ts`); the answer shows on reload. It also hides the island's server-rendered
 * shell, whose spinner, connection state and keyboard hints mean nothing without scripts.
 *
 * @module
 */
import { activeRun, type ChatView, runStatusLabel } from "@/pages/chat_view.ts";
import { CHAT_MESSAGE_FIELD } from "@/pages/chat_form.ts";
import { MAX_USER_CONTENT_CHARS } from "@/api/chat/protocol.ts";
import { buttonClass } from "@/components/ui/Button.tsx";
import { Transcript } from "./Transcript.tsx";

/** Marks the island's wrapper, hidden without JavaScript. */
export const CHAT_LIVE_ATTRIBUTE = "data-chat-live";

/** Without scripts: no live chat, and approval cards' buttons (they need it) give way to a link. */
const NO_SCRIPT_CSS = `[${CHAT_LIVE_ATTRIBUTE}]{display:none!important}` +
  "[data-chat-nojs] [data-approve],[data-chat-nojs] [data-reject]{display:none!important}";

interface NoScriptChatProps {
  /** The conversation so far; null for a new one. */
  view: ChatView | null;
  /** Where the form posts and the reload link points. */
  path: string;
}

/** The whole no-JavaScript chat, to place beside the chat island. */
export function NoScriptChat({ view, path }: NoScriptChatProps) {
  const run = view && activeRun(view);
  const noop = () => {};
  return (
    <noscript>
      <style dangerouslySetInnerHTML={{ __html: NO_SCRIPT_CSS }} />
      <div class="flex h-full min-h-0 flex-col" data-chat-nojs>
        <div class="min-h-0 flex-1 overflow-y-auto px-5 py-5">
          {view && view.items.length > 0
            ? <Transcript view={view} pendingDecisions={{}} onDecide={noop} />
            : (
              <p class="py-10 text-center text-sm text-neutral-600 dark:text-neutral-400">
                Ask the assistant about your campaigns, or tell it what to change.
              </p>
            )}
        </div>
        {run && (
          <p
            class="mx-3 mb-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
            data-nojs-run={run.status}
          >
            {run.status === "waiting_confirmation"
              ? (
                <>
                  The assistant waits for your approval: decide on the{" "}
                  <a href="/approvals" class="font-medium underline">Approvals</a> page.
                </>
              )
              : <>{runStatusLabel(run.status)}. The answer appears when you reload.</>}{" "}
            <a href={path} class="font-medium underline" data-reload>Reload</a>
          </p>
        )}
        <form
          method="post"
          action={path}
          class="border-t border-neutral-200 p-3 dark:border-neutral-800"
          data-nojs-form
        >
          <label for="chat-input-nojs" class="text-sm font-medium">Message the assistant</label>
          <textarea
            id="chat-input-nojs"
            name={CHAT_MESSAGE_FIELD}
            required
            rows={3}
            maxLength={MAX_USER_CONTENT_CHARS}
            class="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm dark:border-neutral-700 dark:bg-neutral-900"
          />
          <div class="mt-2 flex items-center justify-between gap-3">
            <p class="text-xs text-neutral-600 dark:text-neutral-400">
              The answer appears when you reload the page.
            </p>
            <button type="submit" class={buttonClass("primary")}>Send</button>
          </div>
        </form>
      </div>
    </noscript>
  );
}
