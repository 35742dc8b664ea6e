import { FieldChanges } from "@/components/gateway/FieldChanges.tsx";
import { RequesterLink } from "@/components/gateway/RequesterLink.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { Approval } from "@/domain/approvals.ts";
import { formatDateTime } from "@/pages/format.ts";
import { fieldChangeViews } from "@/pages/gateway_view.ts";
import { previewChanges, previewLabels } from "@/pages/chat_preview.ts";

interface ApprovalSummaryProps {
  approval: Approval;
  /** The account's currency, for money fields; null when the account is gone. */
  currency: string | null;
  /** Links the heading to the request's own page (in lists). */
  linked?: boolean;
}

/**
 * One approval request: who asked, why it needs a person, what would change (before → after)
 * and until when it waits.
 */
export function ApprovalSummary({ approval, currency, linked }: ApprovalSummaryProps) {
  const changes = fieldChangeViews(
    previewChanges(approval.preview),
    currency,
    previewLabels(approval.preview),
  );
  return (
    <div class="space-y-3">
      <div class="flex flex-wrap items-start justify-between gap-3">
        <p class="font-medium" data-summary>
          {linked
            ? (
              <a href={approval.path} class="hover:underline" data-approval-link={approval.id}>
                {approval.preview.summary}
              </a>
            )
            : approval.preview.summary}
        </p>
        <StatusBadge
          status={approval.status}
          label={approval.status === "used" ? "Applied" : undefined}
        />
      </div>
      <dl class="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
        <dt class="text-neutral-500 dark:text-neutral-400">Asked by</dt>
        <dd>
          <RequesterLink kind={approval.requester.kind} id={approval.requester.id} />
        </dd>
        <dt class="text-neutral-500 dark:text-neutral-400">Why a person decides</dt>
        <dd data-reason>{approval.reason || "—"}</dd>
        <dt class="text-neutral-500 dark:text-neutral-400">
          {approval.status === "pending" ? "Expires" : "Asked"}
        </dt>
        <dd>
          {approval.status === "pending"
            ? <time datetime={approval.expiresAt}>{formatDateTime(approval.expiresAt)}</time>
            : <time datetime={approval.createdAt}>{formatDateTime(approval.createdAt)}</time>}
        </dd>
      </dl>
      <FieldChanges changes={changes} />
    </div>
  );
}
