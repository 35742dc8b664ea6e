import type { Handlers } from "$fresh/server.ts";
import { authenticateRequest } from "@/auth/authenticate.ts";
import { redirect, rejectCrossSite } from "@/pages/http.ts";
import { endSession } from "@/pages/session.ts";
import type { PageState } from "@/pages/state.ts";

export const handler: Handlers<unknown, PageState> = {
  /** Signs out: revokes the session behind the refresh cookie and clears the cookies. */
  async POST(req, ctx) {
    const { services } = ctx.state;
    const rejected = rejectCrossSite(req, services.config);
    if (rejected) return rejected;
    const auth = await authenticateRequest(req, services);
    const cookies = await endSession(services, req, auth?.actor ?? null);
    return redirect("/login", {
      cookies,
      flash: { kind: "success", message: "You are signed out." },
    });
  },
};
