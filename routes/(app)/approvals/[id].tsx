import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { ApprovalSummary } from "@/components/gateway/ApprovalSummary.tsx";
import { conversationHref } from "@/components/runs/RunOverview.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import type { Approval } from "@/domain/approvals.ts";
import { ConflictError, NotFoundError } from "@/domain/errors.ts";
import { accountCurrencies, approvalCurrency } from "@/pages/approvals_view.ts";
import { formatDateTime } from "@/pages/format.ts";
import { actorKindLabel } from "@/pages/gateway_view.ts";
import { redirect } from "@/pages/http.ts";
import { FormValues } from "@/pages/forms.ts";
import type { SignedInState } from "@/pages/state.ts";

interface ApprovalData {
  approval: Approval;
  currency: string | null;
  /** The conversation of the run that asked, for requests from the assistant. */
  conversationId: string | null;
  /** The decision was the signed-in user's own (so "you"). */
  decidedByYou: boolean;
}

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

async function load(ctx: FreshContext<SignedInState, ApprovalData>): Promise<ApprovalData> {
  const { services, actor } = ctx.state;
  const [approval, currencies] = await Promise.all([
    services.domain.approvals.get(actor, ctx.params.id),
    accountCurrencies(services, actor),
  ]);
  let conversationId: string | null = null;
  if (approval.requester.kind === "assistant" && approval.requester.id) {
    conversationId = await services.runs.runDetail(actor, approval.requester.id)
      .then((run) => run.conversationId, (error) => {
        // A run that is gone still leaves the request decidable.
        if (error instanceof NotFoundError) return null;
        throw error;
      });
  }
  return {
    approval,
    currency: approvalCurrency(approval, currencies),
    conversationId,
    decidedByYou: approval.decidedBy === actor.userId,
  };
}

export const handler: Handlers<ApprovalData, SignedInState> = {
  async GET(_req, ctx) {
    try {
      const data = await load(ctx);
      ctx.state.title = "Approval request";
      return ctx.render(data);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
  },

  /**
   * Approve or reject (`decision`). The app frame's middleware already refused cross-site posts
   * and anything not signed in with the browser's session cookies, so this is a person.
   */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const decision = form.text("decision");
    const here = `/approvals/${encodeURIComponent(ctx.params.id)}`;
    if (decision !== "approve" && decision !== "reject") {
      return redirect(here, { flash: { kind: "error", message: "Choose Approve or Reject." } });
    }
    try {
      // A run waiting at its gate for this approval hears the decision and goes on.
      const approval = await services.runs.decideApproval(actor, ctx.params.id, decision);
      const requester = actorKindLabel(approval.requester.kind);
      const message = approval.requester.kind === "assistant"
        ? decision === "approve"
          ? "Approved. The assistant's run continues and makes the change once."
          : "Rejected. The assistant's run continues without making the change."
        : decision === "approve"
        ? `Approved. Nothing has changed yet: when the requester (${requester}) retries, the ` +
          "change runs once."
        : `Rejected. The requester's (${requester}) retry will be refused; nothing changes.`;
      return redirect(here, { flash: { kind: "success", message } });
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ConflictError) {
        return redirect(here, { flash: { kind: "error", message: `${error.message}.` } });
      }
      throw error;
    }
  },
};

export default function ApprovalPage({ data }: PageProps<ApprovalData, SignedInState>) {
  const { approval, currency, conversationId, decidedByYou } = data;
  const decider = decidedByYou ? "you" : "another person";
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/approvals" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Approvals
        </a>
      </nav>
      <header class="mb-6">
        <h1 class="text-2xl font-semibold tracking-tight">Approval request</h1>
      </header>
      <div class="space-y-6" data-approval-id={approval.id} data-approval-status={approval.status}>
        <Card>
          <ApprovalSummary approval={approval} currency={currency} />
          {approval.requester.kind === "assistant" && approval.requester.id && (
            <p class="mt-4 flex flex-wrap gap-4 text-sm">
              <a href={`/runs/${approval.requester.id}`} class={LINK}>The run that asked</a>
              {conversationId && (
                <a href={conversationHref(conversationId)} class={LINK} data-conversation-link>
                  Its conversation
                </a>
              )}
            </p>
          )}
        </Card>
        {approval.status === "pending" && (
          <Card
            title="Your decision"
            description="Approving lets the requester's retry make exactly this change, once. If the campaign changes in the meantime, the retry is refused and asks again."
          >
            <div class="flex flex-wrap gap-3">
              <form method="post" action={approval.path}>
                <input type="hidden" name="decision" value="approve" />
                <Button data-decision="approve">Approve</Button>
              </form>
              <form method="post" action={approval.path}>
                <input type="hidden" name="decision" value="reject" />
                <Button variant="secondary" data-decision="reject">Reject</Button>
              </form>
            </div>
          </Card>
        )}
        {approval.status === "approved" && (
          <p class="text-sm" data-decision-note>
            Approved by {decider}
            {approval.decidedAt && ` on ${formatDateTime(approval.decidedAt)}`}. The requester's
            retry will now run it once; until then nothing has changed.
          </p>
        )}
        {approval.status === "rejected" && (
          <p class="text-sm" data-decision-note>
            Rejected by {decider}
            {approval.decidedAt && ` on ${formatDateTime(approval.decidedAt)}`}. Nothing was
            changed.
          </p>
        )}
        {approval.status === "used" && (
          <p class="text-sm" data-decision-note>
            {approval.decidedBy ? `Approved by ${decider}` : "Approved"}
            {approval.decidedAt && ` on ${formatDateTime(approval.decidedAt)}`} and applied
            {approval.usedAt && ` on ${formatDateTime(approval.usedAt)}`}.{" "}
            <a
              href={campaignOf(approval) ? `/changes?campaign=${campaignOf(approval)}` : "/changes"}
              class={LINK}
            >
              See the change history
            </a>
          </p>
        )}
        {approval.status === "expired" && (
          <p class="text-sm" data-decision-note>
            Expired on {formatDateTime(approval.expiresAt)}{" "}
            without a decision. The requester has to ask again.
          </p>
        )}
      </div>
    </>
  );
}

/** The campaign an approval's operation changes, if it names one. */
function campaignOf(approval: Approval): string | null {
  const id = approval.operation.campaignId;
  return typeof id === "string" ? id : null;
}
