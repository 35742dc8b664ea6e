import type { FreshContext, Handlers } from "$fresh/server.ts";
import { DomainError, ValidationError } from "@/domain/errors.ts";
import type { OAuthPlatform } from "@/domain/platforms/oauth.ts";
import { fieldErrors } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * Where the platform sends the browser back after consent: the code is exchanged (if the state
 * is this session's, unused and fresh) and the person picks the accounts to connect.
 */
export const handler: Handlers<unknown, SignedInState> = {
  async GET(_req, ctx: FreshContext<SignedInState>) {
    const { services, actor, sessionId } = ctx.state;
    const platform = ctx.params.platform as OAuthPlatform;
    if (!services.domain.connections.platforms().includes(platform) || !sessionId) {
      return ctx.renderNotFound();
    }
    try {
      const { connectionId } = await services.domain.connections.complete(
        actor,
        sessionId,
        platform,
        ctx.url.searchParams,
        ctx.url.origin,
      );
      return redirect(`/ad-accounts/picker/${connectionId}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const message = error instanceof ValidationError
        ? Object.values(fieldErrors(error.issues)).join(" ")
        : error.message;
      return redirect("/ad-accounts", {
        flash: { kind: "error", message: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` },
      });
    }
  },
};
