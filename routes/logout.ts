import type { Handlers } from "$fresh/server.ts";
import { authenticateRequest } from "@/auth/authenticate.ts";
import { redirect, rejectCrossSite } from "@/pages/http.ts";
import { endSession } from "@/pages/session.ts";
import type { PageState } from "@/pages/state.ts";

export const handler: Handlers<unknown, PageState> = {
  /** Signs out: ends the browser's sign-in (refresh and access cookie alike), clears cookies. */
  async POST(req, ctx) {
    const { services } = ctx.state;
    const rejected = rejectCrossSite(req, services.config);
    if (rejected) return rejected;
    const auth = await authenticateRequest(req, services);
    const cookies = await endSession(services, auth);
    return redirect("/login", {
      cookies,
      flash: { kind: "success", message: "You are signed out." },
    });
  },
};
