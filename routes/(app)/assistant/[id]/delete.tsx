import type { Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import type { Conversation } from "@/domain/conversations.ts";
import { ConflictError, NotFoundError } from "@/domain/errors.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * `/assistant/<id>/delete`: asks for confirmation (GET), then deletes the conversation (POST),
 * stopping the assistant's answer in it first if one is still going. A page rather than a
 * script dialog, so it works without JavaScript.
 */
export const handler: Handlers<Conversation, SignedInState> = {
  async GET(_req, ctx) {
    const { services, actor } = ctx.state;
    try {
      const conversation = await services.domain.conversations.get(actor, ctx.params.id);
      ctx.state.title = `Delete ${conversation.title}`;
      return ctx.render(conversation);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
  },

  async POST(_req, ctx) {
    const { services, actor } = ctx.state;
    try {
      const conversation = await services.domain.conversations.get(actor, ctx.params.id);
      await services.runs.deleteConversation(actor, conversation.id);
      return redirect("/assistant", {
        flash: { kind: "success", message: `Deleted “${conversation.title}”.` },
      });
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ConflictError) {
        return redirect(`/assistant/${encodeURIComponent(ctx.params.id)}`, {
          flash: {
            kind: "error",
            message: "The assistant is still stopping its answer there. Try again in a moment.",
          },
        });
      }
      throw error;
    }
  },
};

export default function DeleteConversation({ data: conversation }: PageProps<Conversation>) {
  return (
    <>
      <PageHeader title="Delete conversation" />
      <Card class="max-w-xl">
        <div class="space-y-3 text-sm" data-delete-conversation={conversation.id}>
          <p>
            Delete <strong>“{conversation.title}”</strong>{" "}
            and its messages? This cannot be undone. Changes the assistant already made to your
            campaigns stay, and its runs stay listed under Runs.
          </p>
          <p class="text-neutral-600 dark:text-neutral-400">
            If the assistant is still answering in it, that answer is stopped first, and a change
            waiting for your approval there is not made.
          </p>
          <form method="post" class="flex flex-wrap gap-3 pt-1">
            <Button variant="danger">Delete conversation</Button>
            <LinkButton variant="secondary" href={`/assistant/${conversation.id}`}>
              Cancel
            </LinkButton>
          </form>
        </div>
      </Card>
    </>
  );
}
