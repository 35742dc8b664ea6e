import type { Handlers } from "$fresh/server.ts";
import { MAX_CONVERSATION_TITLE } from "@/domain/conversations.ts";
import { NotFoundError, ValidationError } from "@/domain/errors.ts";
import { FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * `POST /assistant/<id>/rename` (the conversation list's rename form, which works without
 * JavaScript): renames the conversation and returns to it.
 */
export const handler: Handlers<unknown, SignedInState> = {
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const here = `/assistant/${encodeURIComponent(ctx.params.id)}`;
    const title = (await FormValues.from(req)).text("title");
    try {
      const renamed = await services.domain.conversations.rename(actor, ctx.params.id, { title });
      return redirect(here, {
        flash: { kind: "success", message: `Renamed to “${renamed.title}”.` },
      });
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ValidationError) {
        return redirect(here, {
          flash: {
            kind: "error",
            message: `Enter a title of at most ${MAX_CONVERSATION_TITLE} characters.`,
          },
        });
      }
      throw error;
    }
  },
};
