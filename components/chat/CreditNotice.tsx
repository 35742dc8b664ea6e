/**
 * The chat's credit line under the message box: what a message costs and what is left, a warning
 * once the balance covers only a few messages, and a plain sentence when it covers none — each
 * with the way to more credits. Live: it follows the balance (`use_credits.ts`).
 *
 * @module
 */
import type { LiveCredits } from "@/components/live/credits.ts";
import { formatCredits, isLowBalance, isOutOfCredits } from "@/domain/agent_pricing.ts";
import { formatCount } from "@/pages/format.ts";

/** Said when the balance pays for no further answer (the chat stops sending). */
export const OUT_OF_CREDITS =
  "You're out of credits, so the assistant can't answer until more are added.";

/** The line itself; nothing until the page's credits are known. */
export function CreditNotice({ credits }: { credits: LiveCredits | null }) {
  if (!credits) return null;
  const { balance, messageCost } = credits;
  const cost = `A message costs about ${formatCredits(messageCost)}; you have ${
    formatCount(balance)
  }.`;
  if (!isOutOfCredits(balance) && !isLowBalance(balance, messageCost)) {
    return (
      <p class="px-4 pb-2 text-xs text-neutral-600 dark:text-neutral-400" data-credit-notice="ok">
        {cost}
      </p>
    );
  }
  const out = isOutOfCredits(balance);
  return (
    <p
      role="status"
      data-credit-notice={out ? "out" : "low"}
      class="mx-3 mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
    >
      {out ? OUT_OF_CREDITS : `Credits are running low. ${cost}`}{" "}
      <a href="/credits" class="font-medium underline">How to get more credits</a>
    </p>
  );
}
