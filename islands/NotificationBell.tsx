import { LiveComponent } from "@/components/live/live_component.ts";

interface NotificationBellProps {
  /** The unread count when the page was rendered. */
  unread: number;
}

/**
 * The bell in the page header: a link to `/notifications` with the unread count. Server-rendered
 * it works without JavaScript; hydrated, it listens to the page's live signals and updates the
 * count as notifications arrive or are read in another tab.
 */
export default class NotificationBell
  extends LiveComponent<NotificationBellProps, { count: number }> {
  override state = { count: this.props.unread };

  override componentDidMount(): void {
    this.follow("unread", (signal) => this.setState({ count: signal.unread }));
  }

  override render() {
    const { count } = this.state;
    return (
      <a
        href="/notifications"
        class="relative inline-flex h-9 w-9 items-center justify-center rounded-full text-neutral-600 hover:bg-neutral-100 hover:text-neutral-900 dark:text-neutral-300 dark:hover:bg-neutral-800"
        data-notification-bell={count}
      >
        <svg
          viewBox="0 0 24 24"
          class="h-5 w-5"
          fill="none"
          stroke="currentColor"
          aria-hidden="true"
        >
          <path
            stroke-linecap="round"
            stroke-linejoin="round"
            stroke-width="1.8"
            d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2a2 2 0 0 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0m6 0H9"
          />
        </svg>
        {count > 0 && (
          <span class="absolute -right-0.5 -top-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1 text-xs font-semibold text-white">
            {count > 99 ? "99+" : count}
          </span>
        )}
        <span class="sr-only">
          {count === 0 ? "Notifications" : `${count} unread notification${count === 1 ? "" : "s"}`}
        </span>
      </a>
    );
  }
}
