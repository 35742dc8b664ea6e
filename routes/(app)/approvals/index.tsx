import { defineRoute } from "$fresh/server.ts";
import { ApprovalSummary } from "@/components/gateway/ApprovalSummary.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { APPROVAL_STATUSES } from "@/domain/approvals.ts";
import {
  accountCurrencies,
  approvalCurrency,
  type ApprovalStatusFilter,
  statusFromUrl,
} from "@/pages/approvals_view.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;

const STATUS_LABELS: Record<ApprovalStatusFilter, string> = {
  pending: "Pending",
  approved: "Approved",
  rejected: "Rejected",
  expired: "Expired",
  used: "Applied",
};

/**
 * Changes software asked to make and a person must decide on, whoever asked (the assistant, an
 * outside MCP client, an API token, a rule): those still waiting first, then the rest, newest
 * first; a status filter narrows the list.
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Approvals";
  const status = statusFromUrl(ctx.url);
  const skip = Number(ctx.url.searchParams.get("skip"));
  const [page, currencies] = await Promise.all([
    services.domain.approvals.list(actor, {
      status,
      skip: Number.isSafeInteger(skip) && skip > 0 ? skip : 0,
      limit: PAGE_SIZE,
    }, { pendingFirst: true }),
    accountCurrencies(services, actor),
  ]);
  const tab = (value: ApprovalStatusFilter | undefined, label: string) => {
    const current = value === status;
    return (
      <a
        href={value ? `/approvals?status=${value}` : "/approvals"}
        aria-current={current ? "page" : undefined}
        class={`rounded-md px-3 py-1.5 text-sm font-medium ${
          current
            ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300"
            : "text-neutral-600 hover:bg-neutral-100 dark:text-neutral-400 dark:hover:bg-neutral-800"
        }`}
      >
        {label}
      </a>
    );
  };
  return (
    <>
      <PageHeader title="Approvals">
        Changes software asked to make that need your decision. Approving does not make the change
        by itself: the requester's retry (same idempotency key, or naming the request) makes it,
        once. Nothing but you, signed in here, can approve.
      </PageHeader>
      <nav aria-label="Status" class="mb-4 flex flex-wrap gap-1">
        {tab(undefined, "All")}
        {APPROVAL_STATUSES.map((value) => tab(value, STATUS_LABELS[value]))}
      </nav>
      {page.total === 0
        ? (
          <EmptyState title={status ? "No requests with this status" : "No approval requests"}>
            When the assistant, an MCP client, an API token or a rule asks for a change that needs a
            person, it waits here for you.
          </EmptyState>
        )
        : (
          <>
            <Paged url={ctx.url} page={page}>
              <ul class="space-y-3">
                {page.items.map((approval) => (
                  <li
                    class="rounded-lg border border-neutral-200 bg-white p-5 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
                    data-approval-id={approval.id}
                    data-approval-status={approval.status}
                  >
                    <ApprovalSummary
                      approval={approval}
                      currency={approvalCurrency(approval, currencies)}
                      linked
                    />
                    {approval.status === "pending" && (
                      <p class="mt-3 text-sm">
                        <a
                          href={approval.path}
                          class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                        >
                          Review and decide →
                        </a>
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </Paged>
          </>
        )}
    </>
  );
});
