/**
 * The chat without JavaScript: a message posted with the plain form beside the server-rendered
 * conversation starts a run exactly as the socket or `POST /api/v1/conversations/{id}/messages`
 * would (`runs.submit`), then redirects (303) to the conversation, where a reload shows the
 * answer. A refusal (a run still going, no credits) comes back as a flash in plain words.
 *
 * @module
 */
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { errorMessage } from "./chat_view.ts";
import { FormValues } from "./forms.ts";
import { redirect } from "./http.ts";
import type { SignedInState } from "./state.ts";

/** The field of the message box. */
export const CHAT_MESSAGE_FIELD = "content";

/**
 * Handles the form posted to `/assistant` (a new conversation, when `conversationId` is
 * undefined) or `/assistant/<id>`; null when the conversation is not the user's (404).
 */
export async function postChatMessage(
  req: Request,
  state: SignedInState,
  conversationId: string | undefined,
): Promise<Response | null> {
  const here = conversationId ? `/assistant/${encodeURIComponent(conversationId)}` : "/assistant";
  const content = (await FormValues.from(req)).text(CHAT_MESSAGE_FIELD).trim();
  if (content === "") {
    return redirect(here, { flash: { kind: "error", message: "Enter a message." } });
  }
  try {
    const submitted = await state.services.runs.submit(state.actor, { conversationId, content });
    return redirect(`/assistant/${encodeURIComponent(submitted.conversationId)}`, {
      flash: {
        kind: "success",
        message: "Sent. The assistant's answer appears when you reload the page.",
      },
    });
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    if (!(error instanceof DomainError)) throw error;
    // A plain conflict refusing a message is the conversation's run still going (as on the socket).
    const code = error.code === "conflict" ? "run_active" : error.code;
    return redirect(here, { flash: { kind: "error", message: errorMessage(code, error.message) } });
  }
}
