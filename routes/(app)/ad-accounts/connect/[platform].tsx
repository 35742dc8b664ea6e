import type { FreshContext, Handlers } from "$fresh/server.ts";
import type { OAuthPlatform } from "@/domain/platforms/oauth.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * Starts signing in with an ad platform (a form's POST, so another site cannot start one): the
 * browser goes to the platform's consent screen with a state bound to this session.
 */
export const handler: Handlers<unknown, SignedInState> = {
  async POST(_req, ctx: FreshContext<SignedInState>) {
    const { services, actor, sessionId } = ctx.state;
    const platform = ctx.params.platform as OAuthPlatform;
    if (!services.domain.connections.platforms().includes(platform) || !sessionId) {
      return ctx.renderNotFound();
    }
    const url = await services.domain.connections.start(
      actor,
      sessionId,
      platform,
      ctx.url.origin,
    );
    return redirect(url);
  },
};
