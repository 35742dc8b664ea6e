import { currentCredits, type LiveCredits, watchCredits } from "@/components/live/credits.ts";
import { LiveComponent } from "@/components/live/live_component.ts";
import { formatCredits } from "@/domain/agent_pricing.ts";

/**
 * The credit balance in the menu, a link to `/credits`. Server-rendered it works without
 * JavaScript; hydrated, it follows the live stream, so a run's charges and an admin's grant show
 * at once. It also seeds the page's credits for the chat (`currentCredits`).
 */
export default class CreditBalance extends LiveComponent<LiveCredits, { balance: number }> {
  override state = { balance: (currentCredits(this.props) ?? this.props).balance };

  override componentDidMount(): void {
    this.onUnmount(watchCredits(({ balance }) => this.setState({ balance })));
  }

  override render() {
    const { balance } = this.state;
    return (
      <a
        href="/credits"
        class="inline-flex items-center gap-1 rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-700 hover:bg-indigo-100 dark:bg-indigo-500/10 dark:text-indigo-300"
        data-credit-balance={balance}
      >
        {formatCredits(balance)}
      </a>
    );
  }
}
