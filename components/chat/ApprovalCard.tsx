/**
 * The approval card of a `confirmation` event: the server's summary and reason, the exact
 * before/after of every field that would change, and Approve / Reject. Once a decision is on its
 * way or recorded (here or in another tab), the buttons are gone and the card says the outcome,
 * so it can never be answered twice.
 *
 * @module
 */
import type { ConfirmationItem, Decision } from "@/pages/chat_view.ts";
import {
  changeValue,
  currencyOf,
  fieldLabel,
  groupChanges,
  type PreviewGroup,
} from "@/pages/chat_preview.ts";
import { Button } from "@/components/ui/Button.tsx";
import { CheckIcon, CrossIcon, ShieldIcon, SpinnerIcon } from "./icons.tsx";
import { toolLabel } from "./ToolStep.tsx";

interface ApprovalCardProps {
  item: ConfirmationItem;
  /** A decision sent from this tab and not yet confirmed by the log. */
  pending: Decision | undefined;
  onDecide: (item: ConfirmationItem, decision: Decision) => void;
}

const FRAME = {
  open: "border-amber-300 bg-amber-50/70 dark:border-amber-700/60 dark:bg-amber-950/30",
  approve: "border-emerald-300 bg-white dark:border-emerald-800 dark:bg-neutral-900",
  reject: "border-neutral-300 bg-white dark:border-neutral-700 dark:bg-neutral-900",
  expired: "border-neutral-300 bg-white dark:border-neutral-700 dark:bg-neutral-900",
};

/** An approval request and its outcome. */
export function ApprovalCard({ item, pending, onDecide }: ApprovalCardProps) {
  const state = item.decision ?? (item.expired ? "expired" : "open");
  const currency = item.currency ?? currencyOf(item.summary);
  const titleId = `approval-${item.key}`;
  return (
    <section
      aria-labelledby={titleId}
      data-chat-item="confirmation"
      data-decision={item.decision ?? (item.expired ? "expired" : pending ? "pending" : "open")}
      class={`rounded-lg border shadow-sm ${FRAME[state]}`}
    >
      <header class="flex items-center gap-2 px-4 pt-3 text-xs font-semibold uppercase tracking-wide text-amber-800 dark:text-amber-300">
        <ShieldIcon />
        <h3 id={titleId}>Approval needed · {toolLabel(item.tool)}</h3>
      </header>
      <div class="space-y-3 px-4 py-3">
        <p class="text-sm font-medium text-neutral-900 dark:text-neutral-100" data-approval-summary>
          {item.summary}
        </p>
        {item.reason && (
          <p class="text-xs text-neutral-600 dark:text-neutral-400">
            Why it needs your approval: {item.reason}.
          </p>
        )}
        {groupChanges(item.changes).map((group) => (
          <ChangeTable
            group={group}
            currency={currency}
            labels={item.labels ?? {}}
          />
        ))}
      </div>
      <footer class="flex flex-wrap items-center gap-2 border-t border-black/5 px-4 py-3 dark:border-white/10">
        <Outcome
          state={state}
          pending={pending}
          onDecide={(decision) => onDecide(item, decision)}
        />
      </footer>
    </section>
  );
}

/** One resource's field changes, before → after (also the campaign pages' confirmations). */
export function ChangeTable(
  { group, currency, labels }: {
    group: PreviewGroup;
    currency: string | null;
    labels: Readonly<Record<string, string>>;
  },
) {
  const what = group.resource === "ad_account" ? "Ad account" : "Campaign";
  return (
    <div class="overflow-x-auto rounded-md border border-neutral-200 bg-white dark:border-neutral-800 dark:bg-neutral-900">
      <table class="min-w-full text-xs">
        <caption class="border-b border-neutral-200 px-3 py-2 text-left font-medium text-neutral-700 dark:border-neutral-800 dark:text-neutral-300">
          {what} “{group.name}”{group.id === null ? " (new)" : ""}
        </caption>
        <thead class="text-neutral-500 dark:text-neutral-400">
          <tr>
            <th scope="col" class="px-3 py-1.5 text-left font-medium">Field</th>
            <th scope="col" class="px-3 py-1.5 text-left font-medium">Before</th>
            <th scope="col" class="px-3 py-1.5 text-left font-medium">After</th>
          </tr>
        </thead>
        <tbody class="divide-y divide-neutral-100 dark:divide-neutral-800">
          {group.changes.map((change) => (
            <tr data-change-field={change.field}>
              <th
                scope="row"
                class="px-3 py-1.5 text-left font-medium text-neutral-700 dark:text-neutral-300"
              >
                {fieldLabel(change.field)}
              </th>
              <td class="px-3 py-1.5 text-neutral-500 dark:text-neutral-400">
                {change.before === null ? "—" : (
                  <span class="line-through decoration-neutral-400">
                    {changeValue(change.field, change.before, currency, labels)}
                  </span>
                )}
              </td>
              <td class="break-all px-3 py-1.5 font-medium text-neutral-900 dark:text-neutral-100">
                {changeValue(change.field, change.after, currency, labels)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface OutcomeProps {
  state: "open" | "approve" | "reject" | "expired";
  pending: Decision | undefined;
  onDecide: (decision: Decision) => void;
}

/** The buttons while undecided; afterwards, what was decided. */
function Outcome({ state, pending, onDecide }: OutcomeProps) {
  if (state === "approve") {
    return (
      <p
        class="flex items-center gap-1.5 text-sm font-medium text-emerald-700 dark:text-emerald-400"
        role="status"
      >
        <CheckIcon /> Approved
      </p>
    );
  }
  if (state === "reject") {
    return (
      <p
        class="flex items-center gap-1.5 text-sm font-medium text-neutral-600 dark:text-neutral-300"
        role="status"
      >
        <CrossIcon /> Rejected — nothing was changed
      </p>
    );
  }
  if (state === "expired") {
    return (
      <p class="text-sm text-neutral-600 dark:text-neutral-400" role="status">
        No longer waiting: the run ended before a decision. Nothing was changed.
      </p>
    );
  }
  if (pending) {
    return (
      <p
        class="flex items-center gap-1.5 text-sm text-neutral-700 dark:text-neutral-300"
        role="status"
      >
        <SpinnerIcon /> {pending === "approve" ? "Approving…" : "Rejecting…"}
      </p>
    );
  }
  return (
    <>
      <Button type="button" onClick={() => onDecide("approve")} data-approve>
        <CheckIcon /> Approve
      </Button>
      <Button type="button" variant="secondary" onClick={() => onDecide("reject")} data-reject>
        <CrossIcon /> Reject
      </Button>
      <span class="text-xs text-neutral-500 dark:text-neutral-400">
        Nothing changes until you approve.
      </span>
    </>
  );
}
