import { defineRoute } from "$fresh/server.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/assistant/AssistantPage.tsx";
import type { SignedInState } from "@/pages/state.ts";

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
    />
  );
});
