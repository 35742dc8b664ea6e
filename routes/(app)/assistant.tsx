import { defineRoute, type Handlers } from "$fresh/server.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/assistant/AssistantPage.tsx";
import { postChatMessage } from "@/pages/chat_form.ts";
import type { SignedInState } from "@/pages/state.ts";

/** `POST /assistant`: the first message of a new conversation, sent without JavaScript. */
export const handler: Handlers<unknown, SignedInState> = {
  async POST(req, ctx) {
    return await postChatMessage(req, ctx.state, undefined) ?? ctx.renderNotFound();
  },
};

/** `/assistant`: the conversation list and a new conversation. */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Assistant";
  const [page, awaitingApproval] = await Promise.all([
    services.domain.conversations.list(actor, { limit: LISTED_CONVERSATIONS }),
    services.runs.conversationsAwaitingApproval(actor),
  ]);
  return (
    <AssistantPage
      conversations={page.items}
      total={page.total}
      current={null}
      awaitingApproval={awaitingApproval}
      history={null}
    />
  );
});
