import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { FieldChanges } from "@/components/gateway/FieldChanges.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { NotFoundError, ValidationError } from "@/domain/errors.ts";
import type { FieldPlan, RollbackPlan, RollbackSelection } from "@/domain/rollbacks.ts";
import { formatDateTime, formatMoney } from "@/pages/format.ts";
import { actorKindLabel, fieldChangeViews } from "@/pages/gateway_view.ts";
import { redirect } from "@/pages/http.ts";
import { FormValues } from "@/pages/forms.ts";
import type { SignedInState } from "@/pages/state.ts";
import { countOf } from "@/domain/counts.ts";

/** What to undo: one source's changes (`?source_id=`, e.g. a run) or chosen ones (`?change=`). */
function selectionOf(params: URLSearchParams): RollbackSelection | null {
  const sourceId = params.get("source_id");
  if (sourceId) return { sourceId };
  const changeIds = params.getAll("change").filter(Boolean);
  return changeIds.length > 0 ? { changeIds } : null;
}

/** The selection as the hidden fields of the apply form. */
function selectionFields(selection: RollbackSelection) {
  return selection.sourceId
    ? <input type="hidden" name="source_id" value={selection.sourceId} />
    : (selection.changeIds ?? []).map((id) => (
      <input key={id} type="hidden" name="change" value={id} />
    ));
}

interface RollbackData {
  selection: RollbackSelection;
  plan: RollbackPlan;
  /** Account currency per campaign id, for money fields. */
  currencies: Map<string, string>;
}

const OUTCOME_LABELS: Record<FieldPlan["outcome"], string> = {
  will_restore: "Will be restored",
  already_restored: "Already restored",
  changed_since: "Changed since — left alone",
  not_reversible: "Cannot be undone",
};

async function load(
  ctx: FreshContext<SignedInState, RollbackData>,
  selection: RollbackSelection,
): Promise<RollbackData> {
  const { services, actor } = ctx.state;
  const plan = await services.domain.rollbacks.plan(actor, selection);
  const campaigns = await Promise.all(
    [...new Set(plan.fields.map((field) => field.campaignId))].map((id) =>
      services.domain.campaigns.get(actor, id).catch(() => null)
    ),
  );
  const currencies = new Map(
    campaigns.flatMap((campaign) => campaign ? [[campaign.id, campaign.currency] as const] : []),
  );
  return { selection, plan, currencies };
}

export const handler: Handlers<RollbackData, SignedInState> = {
  async GET(req, ctx) {
    const selection = selectionOf(new URL(req.url).searchParams);
    if (!selection) return redirect("/changes");
    try {
      ctx.state.title = "Roll back changes";
      return ctx.render(await load(ctx, selection));
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationError) {
        return ctx.renderNotFound();
      }
      throw error;
    }
  },

  /** Applies the rollback (a person asked: no approval needed), then shows what it did. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const params = new URLSearchParams();
    for (const id of form.all("change")) params.append("change", id);
    if (form.text("source_id")) params.set("source_id", form.text("source_id"));
    const selection = selectionOf(params);
    if (!selection) return redirect("/changes");
    try {
      const rollback = await services.domain.rollbacks.apply(actor, selection, "user");
      const restored = rollback.outcomes.filter((outcome) => outcome.status === "restored");
      const refused = rollback.outcomes.filter((outcome) => outcome.status === "refused");
      const message = `Rolled back: ${countOf(restored.length, "campaign")} restored` +
        (refused.length > 0 ? `, ${refused.length} refused (${refused[0].message})` : "") + ".";
      return redirect(`/changes?source_id=${rollback.id}`, {
        flash: { kind: refused.length > 0 ? "error" : "success", message },
      });
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationError) {
        return ctx.renderNotFound();
      }
      throw error;
    }
  },
};

export default function RollbackPage({ data }: PageProps<RollbackData, SignedInState>) {
  const { plan, selection, currencies } = data;
  const restoring = plan.fields.filter((field) => field.outcome === "will_restore").length;
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/changes" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Change history
        </a>
      </nav>
      <header class="mb-6">
        <h1 class="text-2xl font-semibold tracking-tight">Roll back changes</h1>
        <p class="mt-1 text-sm text-neutral-500 dark:text-neutral-400">
          {plan.changeIds.length}{" "}
          change(s) selected. Nothing happens until you roll back; the rollback is recorded in the
          history and can itself be rolled back.
        </p>
      </header>
      <div class="space-y-6">
        <Card title="What rolling back does">
          <table class="w-full text-sm" data-rollback-plan>
            <thead>
              <tr class="text-left text-neutral-500 dark:text-neutral-400">
                <th class="py-1 pr-4 font-medium">Campaign</th>
                <th class="py-1 pr-4 font-medium">Change</th>
                <th class="py-1 font-medium">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {plan.fields.map((field) => (
                <tr
                  class="border-t border-neutral-200 dark:border-neutral-800"
                  data-outcome={field.outcome}
                >
                  <td class="py-2 pr-4 align-top">
                    <a href={`/campaigns/${field.campaignId}`} class="hover:underline">
                      {field.campaignName}
                    </a>
                  </td>
                  <td class="py-2 pr-4 align-top">{fieldCell(field, currencies)}</td>
                  <td class="py-2 align-top">
                    {OUTCOME_LABELS[field.outcome]}
                    {field.outcome === "changed_since" &&
                      ` (by ${actorKindLabel(field.changedBy.actorKind).toLowerCase()}, ${
                        formatDateTime(field.changedBy.at)
                      })`}
                    {field.outcome === "not_reversible" && `: ${field.reason}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        {plan.spendSince.some((item) => item.spendMinor > 0) && (
          <Card title="Spend a rollback cannot return">
            <ul class="text-sm">
              {plan.spendSince.filter((item) => item.spendMinor > 0).map((item) => (
                <li>
                  {plan.fields.find((field) => field.campaignId === item.campaignId)?.campaignName}:
                  {" "}
                  {formatMoney(item.spendMinor, item.currency)} since {formatDateTime(item.since)}
                </li>
              ))}
            </ul>
          </Card>
        )}
        {plan.accountChangeIds.length > 0 && (
          <p class="text-sm text-neutral-600 dark:text-neutral-400" data-account-changes>
            {plan.accountChangeIds.length}{" "}
            change(s) to ad accounts themselves (renamed, disconnected) are not rolled back: rename
            an account again on its page; a disconnected account is connected again as a new one.
          </p>
        )}
        <form method="post" action="/rollbacks/new">
          {selectionFields(selection)}
          <Button disabled={restoring === 0} data-apply-rollback>
            {restoring === 0 ? "Nothing to restore" : `Roll back (${restoring} field(s))`}
          </Button>
        </form>
      </div>
    </>
  );
}

/** The field's restore as "current → restored", money in the campaign's currency. */
function fieldCell(field: FieldPlan, currencies: ReadonlyMap<string, string>) {
  const current = "current" in field ? field.current : null;
  const views = fieldChangeViews(
    [{ field: field.field, before: current, after: field.before }],
    currencies.get(field.campaignId) ?? null,
  );
  return <FieldChanges changes={views} />;
}
