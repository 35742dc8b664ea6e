import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Pagination } from "@/components/ui/Pagination.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { Notification } from "@/domain/notifications/mod.ts";
import type { Page } from "@/domain/pagination.ts";
import { formatDateTime } from "@/pages/format.ts";
import { FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface NotificationsData {
  page: Page<Notification>;
  unreadOnly: boolean;
}

/** Severity → the badge colour's status word. */
const SEVERITY_TONE: Record<string, string> = {
  info: "running",
  warning: "pending",
  critical: "failed",
};

export const handler: Handlers<NotificationsData, SignedInState> = {
  async GET(_req, ctx: FreshContext<SignedInState, NotificationsData>) {
    ctx.state.title = "Notifications";
    const skip = Math.max(0, Math.floor(Number(ctx.url.searchParams.get("skip")) || 0));
    const unreadOnly = ctx.url.searchParams.get("unread") === "true";
    const page = await ctx.state.services.domain.notifications.list(ctx.state.actor, {
      skip,
      limit: 20,
      unread: unreadOnly ? "true" : undefined,
    });
    return ctx.render({ page, unreadOnly });
  },

  /** `intent` = read (one, by `id`) or read_all; then back to the list. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    if (form.text("intent") === "read_all") {
      await services.domain.notifications.markAllRead(actor);
    } else {
      const id = form.text("id");
      if (/^[0-9a-f-]{36}$/.test(id)) await services.domain.notifications.markRead(actor, [id]);
    }
    const back = form.text("unread") === "true" ? "/notifications?unread=true" : "/notifications";
    return redirect(back);
  },
};

export default function NotificationsPage(
  { data, url, state }: PageProps<NotificationsData, SignedInState>,
) {
  const { page, unreadOnly } = data;
  return (
    <>
      <PageHeader title="Notifications">
        Alerts, rules and approvals that need your attention.{" "}
        <a
          href="/settings/notifications"
          class="text-indigo-700 underline dark:text-indigo-300"
        >
          Choose what reaches you where
        </a>.
      </PageHeader>
      <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Filter" class="flex gap-3 text-sm">
          <a
            href="/notifications"
            aria-current={unreadOnly ? undefined : "page"}
            class={unreadOnly ? "text-neutral-500 dark:text-neutral-400" : "font-semibold"}
          >
            All
          </a>
          <a
            href="/notifications?unread=true"
            aria-current={unreadOnly ? "page" : undefined}
            class={unreadOnly ? "font-semibold" : "text-neutral-500 dark:text-neutral-400"}
          >
            Unread ({state.unreadNotifications})
          </a>
        </nav>
        {state.unreadNotifications > 0 && (
          <form method="post" action="/notifications">
            <input type="hidden" name="intent" value="read_all" />
            <Button variant="secondary">Mark all read</Button>
          </form>
        )}
      </div>
      {page.total === 0
        ? (
          <EmptyState title={unreadOnly ? "Nothing unread" : "No notifications yet"}>
            Alerts about your campaigns and changes waiting for approval appear here.
          </EmptyState>
        )
        : (
          <ul class="divide-y divide-neutral-200 rounded-lg border border-neutral-200 bg-white dark:divide-neutral-800 dark:border-neutral-800 dark:bg-neutral-900">
            {page.items.map((item) => (
              <li
                class={`flex flex-wrap items-start gap-4 px-5 py-4 ${
                  item.readAt ? "opacity-70" : ""
                }`}
                data-notification-id={item.id}
                data-read={item.readAt ? "true" : "false"}
              >
                <StatusBadge status={SEVERITY_TONE[item.severity] ?? ""} label={item.severity} />
                <div class="min-w-0 flex-1">
                  <p class={item.readAt ? "" : "font-semibold"}>
                    {item.link ? <a href={item.link} class="hover:underline">{item.title}</a> : (
                      item.title
                    )}
                  </p>
                  {item.body && (
                    <p class="mt-1 whitespace-pre-line text-sm text-neutral-600 dark:text-neutral-400">
                      {item.body}
                    </p>
                  )}
                  <p class="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
                    {formatDateTime(item.createdAt)} · {item.kind} · {item.type}
                  </p>
                </div>
                {!item.readAt && (
                  <form method="post" action="/notifications">
                    <input type="hidden" name="id" value={item.id} />
                    <input type="hidden" name="unread" value={unreadOnly ? "true" : "false"} />
                    <button
                      type="submit"
                      class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                    >
                      Mark read
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
      <Pagination url={url} total={page.total} skip={page.skip} limit={page.limit} />
    </>
  );
}
