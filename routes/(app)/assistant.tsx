import { defineRoute } from "$fresh/server.ts";
import { AssistantPage, LISTED_CONVERSATIONS } from "@/components/chat/AssistantPage.tsx";
import type { SignedInState } from "@/lib/pages/state.ts";

/** `/assistant`: the conversation list and a new conversation. */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Assistant";
  const page = await services.domain.conversations.list(actor, { limit: LISTED_CONVERSATIONS });
  return <AssistantPage conversations={page.items} total={page.total} current={null} />;
});
