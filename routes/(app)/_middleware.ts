import type { FreshContext } from "$fresh/server.ts";
import { authenticateRequest, isUnsafeMethod } from "@/auth/authenticate.ts";
import { clearSessionCookies } from "@/auth/cookies.ts";
import { NotFoundError } from "@/domain/errors.ts";
import { withDisplaySettings } from "@/pages/display_scope.ts";
import { noStore, redirect, rejectCrossSite, withCookies } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * Guards the signed-in app: forms posted from another site get 403 before any cookie is used;
 * signed-out visitors are sent to `/login?next=…`; signed-in requests get the actor, the user,
 * the credit balance (with what a message costs), the number of pending approvals, of unread notifications and of open alerts in
 * `ctx.state`, plus any rotated session cookies on the response, which is never stored in a
 * cache (`Cache-Control: no-store`). Pages render in the user's locale and time zone.
 */
export async function handler(req: Request, ctx: FreshContext<SignedInState>) {
  const { services } = ctx.state;
  if (isUnsafeMethod(req.method)) {
    const rejected = rejectCrossSite(req, services.config);
    if (rejected) return rejected;
  }
  // Bearer credentials are for the API; pages authenticate with the session cookies only.
  const auth = await authenticateRequest(cookiesOnly(req), services);
  if (!auth) return signInFirst(ctx.url, []);
  try {
    // The badge's count is one COUNT query beside the frame's other two reads.
    const [user, creditOutlook, pendingApprovals, unreadNotifications, openAlerts] = await Promise
      .all([
        services.domain.accounts.getProfile(auth.actor),
        services.domain.credits.outlook(auth.actor),
        services.domain.approvals.countPending(auth.actor),
        services.domain.notifications.unreadCount(auth.actor),
        services.domain.alerts.countOpen(auth.actor),
      ]);
    ctx.state.actor = auth.actor;
    ctx.state.sessionId = auth.sessionId;
    ctx.state.user = user;
    ctx.state.credits = creditOutlook.balance;
    ctx.state.creditOutlook = creditOutlook;
    ctx.state.pendingApprovals = pendingApprovals;
    ctx.state.unreadNotifications = unreadNotifications;
    ctx.state.openAlerts = openAlerts;
  } catch (error) {
    // The user was deleted while the access token still lives: treat as signed out.
    if (error instanceof NotFoundError) {
      return signInFirst(ctx.url, clearSessionCookies(services.config));
    }
    throw error;
  }
  const display = { locale: ctx.state.user.locale, timeZone: ctx.state.user.timezone };
  ctx.state.display = display;
  const response = await withDisplaySettings(display, () => ctx.next());
  return noStore(withCookies(response, auth.setCookies));
}

function signInFirst(url: URL, cookies: string[]): Response {
  const next = `${url.pathname}${url.search}`;
  return redirect(`/login?next=${encodeURIComponent(next)}`, { cookies });
}

function cookiesOnly(req: Request): Request {
  if (!req.headers.has("authorization")) return req;
  const headers = new Headers(req.headers);
  headers.delete("authorization");
  return new Request(req.url, { headers });
}
