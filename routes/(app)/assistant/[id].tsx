import { defineRoute } from "$fresh/server.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/assistant/AssistantPage.tsx";
import { NotFoundError } from "@/domain/errors.ts";
import type { SignedInState } from "@/pages/state.ts";

/** `/assistant/<conversation id>`: the conversation list and that conversation's chat. */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  const conversations = services.domain.conversations;
  try {
    const [current, page, awaitingApproval] = await Promise.all([
      conversations.get(actor, ctx.params.id),
      conversations.list(actor, { limit: LISTED_CONVERSATIONS }),
      services.runs.conversationsAwaitingApproval(actor),
    ]);
    ctx.state.title = current.title;
    return (
      <AssistantPage
        conversations={page.items}
        total={page.total}
        current={current}
        awaitingApproval={awaitingApproval}
      />
    );
  } catch (error) {
    // Someone else's conversation, a deleted one or a made-up id: all simply not found.
    if (error instanceof NotFoundError) return ctx.renderNotFound();
    throw error;
  }
});
