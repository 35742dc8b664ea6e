import { defineRoute } from "$fresh/server.ts";
import { conversationsAwaitingApproval } from "@/agent/runs/views.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/chat/AssistantPage.tsx";
import type { SignedInState } from "@/lib/pages/state.ts";

/** `/assistant`: the conversation list and a new conversation. */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Assistant";
  const [page, awaitingApproval] = await Promise.all([
    services.domain.conversations.list(actor, { limit: LISTED_CONVERSATIONS }),
    conversationsAwaitingApproval(services.db, actor.userId),
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
