import { defineRoute, type Handlers } from "$fresh/server.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/assistant/AssistantPage.tsx";
import { NotFoundError } from "@/domain/errors.ts";
import { postChatMessage } from "@/pages/chat_form.ts";
import { emptyView, foldEvents } from "@/pages/chat_view.ts";
import type { SignedInState } from "@/pages/state.ts";

/** `POST /assistant/<id>`: a message sent without JavaScript. */
export const handler: Handlers<unknown, SignedInState> = {
  async POST(req, ctx) {
    return await postChatMessage(req, ctx.state, ctx.params.id) ?? ctx.renderNotFound();
  },
};

/**
 * `/assistant/<conversation id>`: the conversation list and that conversation's chat (and, for
 * a browser without JavaScript, the conversation rendered here).
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  const conversations = services.domain.conversations;
  try {
    const [current, page, awaitingApproval, events] = await Promise.all([
      conversations.get(actor, ctx.params.id),
      conversations.list(actor, { limit: LISTED_CONVERSATIONS }),
      services.runs.conversationsAwaitingApproval(actor),
      services.domain.conversationEvents.after(actor, ctx.params.id, 0),
    ]);
    ctx.state.title = current.title;
    return (
      <AssistantPage
        conversations={page.items}
        total={page.total}
        current={current}
        awaitingApproval={awaitingApproval}
        history={foldEvents(emptyView(), events)}
      />
    );
  } catch (error) {
    // Someone else's conversation, a deleted one or a made-up id: all simply not found.
    if (error instanceof NotFoundError) return ctx.renderNotFound();
    throw error;
  }
});
