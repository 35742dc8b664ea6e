import { LiveComponent } from "@/components/live/live_component.ts";

interface PendingApprovalsBadgeProps {
  /** Pending approval requests when the page was rendered. */
  count: number;
}

/**
 * The number of approval requests waiting for the user, beside the Approvals menu link.
 * Server-rendered it shows the count of the page load; hydrated, it follows the page's live
 * signals, so a request made or decided anywhere (the chat, another tab) shows up at once.
 * `data-live-attention` says whether it listens yet.
 */
export default class PendingApprovalsBadge
  extends LiveComponent<PendingApprovalsBadgeProps, { count: number; listening: boolean }> {
  override state = { count: this.props.count, listening: false };

  override componentDidMount(): void {
    this.follow(
      "attention",
      (signal) => this.setState({ count: signal.pendingApprovals, listening: true }),
    );
  }

  override render() {
    const { count, listening } = this.state;
    return (
      <span data-live-attention={listening ? "listening" : "static"}>
        {count > 0 && (
          <span
            class="ml-2 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white"
            data-pending-approvals={count}
          >
            {count > 99 ? "99+" : count}
            <span class="sr-only">{count === 1 ? " request waits" : " requests wait"} for you</span>
          </span>
        )}
      </span>
    );
  }
}
