import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { AdAccountLimits, CampaignAllowance } from "@/domain/ad_account_limits.ts";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import {
  type AllowanceUse,
  AUTOMATED_OPERATIONS,
  type AutomatedOperation,
  describeAllowance,
} from "@/domain/autopilot_limits.ts";
import { NotFoundError, ValidationError } from "@/domain/errors.ts";
import { formatMoney } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import {
  limitsFieldOf,
  type LimitsFormValues,
  limitsFormValues,
  readLimitsForm,
} from "@/pages/limits_form.ts";
import type { SignedInState } from "@/pages/state.ts";
import { SyncPanel } from "@/components/SyncPanel.tsx";
import type { SyncStatus } from "@/domain/connections/status.ts";

interface AdAccountData {
  account: AdAccount;
  sync: SyncStatus;
  limits: AdAccountLimits;
  usage: CampaignAllowance[];
  values: LimitsFormValues;
  errors: FieldErrors;
}

const OPERATION_LABELS: Record<AutomatedOperation, { label: string; hint: string }> = {
  pause: { label: "Pause a campaign", hint: "Stops spending; always safe to allow." },
  budget_decrease: { label: "Lower a budget", hint: "Spends less." },
  budget_increase: {
    label: "Raise a budget",
    hint: "Still within the per-change and cumulative limits below.",
  },
};

async function render(
  ctx: FreshContext<SignedInState, AdAccountData>,
  form?: { values: LimitsFormValues; errors: FieldErrors },
) {
  const { services, actor } = ctx.state;
  let loaded;
  try {
    loaded = await Promise.all([
      services.domain.adAccounts.get(actor, ctx.params.id),
      services.domain.limits.get(actor, ctx.params.id),
      services.domain.limits.usage(actor, ctx.params.id),
      services.domain.connections.syncStatus(actor, ctx.params.id),
    ]);
  } catch (error) {
    if (error instanceof NotFoundError) return ctx.renderNotFound();
    throw error;
  }
  const [account, limits, usage, sync] = loaded;
  ctx.state.title = account.name;
  const errors = form?.errors ?? {};
  return ctx.render({
    account,
    sync,
    limits,
    usage,
    values: form?.values ?? limitsFormValues(limits),
    errors,
  }, { status: Object.keys(errors).length > 0 ? 422 : 200 });
}

export const handler: Handlers<AdAccountData, SignedInState> = {
  GET(_req, ctx) {
    return render(ctx);
  },

  /** `intent` = limits (save the form), freeze or unfreeze. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const here = `/ad-accounts/${encodeURIComponent(ctx.params.id)}`;
    let current: AdAccountLimits;
    try {
      current = await services.domain.limits.get(actor, ctx.params.id);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
    const intent = form.text("intent");
    if (intent === "freeze" || intent === "unfreeze") {
      await services.domain.limits.put(actor, current.adAccountId, {
        ...current,
        frozen: intent === "freeze",
      });
      const message = intent === "freeze"
        ? "Frozen: no change is made to this account's campaigns until you unfreeze it."
        : "Unfrozen: changes within the limits are made again.";
      return redirect(`${here}#limits`, { flash: { kind: "success", message } });
    }
    if (intent !== "limits") {
      return redirect(here, { flash: { kind: "error", message: "Unknown action." } });
    }
    const { values, input, errors } = readLimitsForm(form, current);
    if (!input) return render(ctx, { values, errors });
    try {
      await services.domain.limits.put(actor, current.adAccountId, input);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(ctx, { values, errors: limitsErrors(error) });
      }
      throw error;
    }
    return redirect(`${here}#limits`, {
      flash: { kind: "success", message: "Autopilot limits saved." },
    });
  },
};

function limitsErrors(error: ValidationError): FieldErrors {
  const errors = fieldErrors(error.issues, limitsFieldOf);
  if (errors.maxDailyIncreasePercent?.includes("maxWeeklyIncreasePercent")) {
    errors.maxDailyIncreasePercent = "Must not be more than the 7-day limit.";
  }
  return errors;
}

export default function AdAccountPage({ data }: PageProps<AdAccountData, SignedInState>) {
  const { account, sync, limits, usage, values, errors } = data;
  const money = (minor: number) => formatMoney(minor, account.currency);
  return (
    <>
      <nav class="mb-2 text-sm">
        <a
          href="/ad-accounts"
          class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400"
        >
          ← Ad accounts
        </a>
      </nav>
      <header class="mb-6 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 class="text-2xl font-semibold tracking-tight">{account.name}</h1>
          <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
            <span class="capitalize">{account.platform}</span> · {account.currency} ·{" "}
            {account.timezone} ·{" "}
            <a
              href={`/campaigns?account=${account.id}`}
              class="text-indigo-700 underline dark:text-indigo-300"
            >
              Campaigns
            </a>{" "}
            ·{" "}
            <a
              href={`/changes?account=${account.id}`}
              class="text-indigo-700 underline dark:text-indigo-300"
            >
              Change history
            </a>
          </p>
        </div>
        <div class="flex gap-2">
          {limits.frozen && <StatusBadge status="frozen" label="Frozen" />}
          <StatusBadge status={account.status} />
        </div>
      </header>

      {account.platform !== "sandbox" && <SyncPanel account={account} sync={sync} />}

      <div id="limits" class="space-y-6">
        <FreezeSwitch frozen={limits.frozen} action={`/ad-accounts/${account.id}`} />

        <Card
          title="Autopilot limits"
          description={limits.isDefault
            ? "The safe defaults: nobody has changed them for this account yet."
            : "Hard caps apply to everyone; the rest to software (the assistant, MCP clients, API tokens, rules)."}
        >
          <form
            method="post"
            action={`/ad-accounts/${account.id}`}
            class="space-y-5"
            novalidate
            data-limits-form
          >
            <input type="hidden" name="intent" value="limits" />
            <FormError message={errors[""]} />
            <fieldset class="space-y-3">
              <legend class="text-sm font-semibold">Hard caps, for everyone</legend>
              <div class="grid gap-4 sm:grid-cols-2">
                <TextField
                  name="maxCampaignDailyBudget"
                  label={`Max daily budget per campaign (${account.currency})`}
                  inputMode="decimal"
                  value={values.text.maxCampaignDailyBudget}
                  error={errors.maxCampaignDailyBudget}
                  hint="A budget above this is refused, whoever asks."
                />
                <TextField
                  name="maxAccountDailyBudget"
                  label={`Max total daily budget of the account (${account.currency})`}
                  inputMode="decimal"
                  value={values.text.maxAccountDailyBudget}
                  error={errors.maxAccountDailyBudget}
                  hint="Sum of the daily budgets of active campaigns."
                />
              </div>
            </fieldset>
            <fieldset class="space-y-3">
              <legend class="text-sm font-semibold">Budget increases by software</legend>
              <p class="text-xs text-neutral-500 dark:text-neutral-400">
                Above these, software's increase waits for your approval. The cumulative limits add
                up all software's increases of a campaign over a rolling window.
              </p>
              <div class="grid gap-4 sm:grid-cols-3">
                <TextField
                  name="maxIncreasePerChangePercent"
                  label="Per change (%)"
                  inputMode="numeric"
                  value={values.text.maxIncreasePerChangePercent}
                  error={errors.maxIncreasePerChangePercent}
                />
                <TextField
                  name="maxDailyIncreasePercent"
                  label="Over 24 hours (%)"
                  inputMode="numeric"
                  value={values.text.maxDailyIncreasePercent}
                  error={errors.maxDailyIncreasePercent}
                />
                <TextField
                  name="maxWeeklyIncreasePercent"
                  label="Over 7 days (%)"
                  inputMode="numeric"
                  value={values.text.maxWeeklyIncreasePercent}
                  error={errors.maxWeeklyIncreasePercent}
                />
              </div>
            </fieldset>
            <fieldset class="space-y-2">
              <legend class="text-sm font-semibold">
                What software may do without asking you
              </legend>
              {AUTOMATED_OPERATIONS.map((operation) => (
                <label class="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="automatedOperations"
                    value={operation}
                    checked={values.operations.includes(operation)}
                    class="mt-0.5"
                  />
                  <span>
                    <span class="font-medium">{OPERATION_LABELS[operation].label}</span>
                    <span class="block text-xs text-neutral-500 dark:text-neutral-400">
                      {OPERATION_LABELS[operation].hint}
                    </span>
                  </span>
                </label>
              ))}
              <p class="text-xs text-neutral-500 dark:text-neutral-400">
                Creating, resuming, archiving or deleting a campaign, and changing a budget's type,
                always wait for you.
              </p>
              {errors.automatedOperations && (
                <p data-field-error="automatedOperations" class="text-xs text-red-600">
                  {errors.automatedOperations}
                </p>
              )}
            </fieldset>
            <Button>Save limits</Button>
          </form>
        </Card>

        <Card
          title="Increase allowance used"
          description="Software's budget increases of each active campaign so far, against the cumulative limits."
        >
          {usage.length === 0
            ? (
              <p class="text-sm text-neutral-500 dark:text-neutral-400">
                No active campaign with a daily budget.
              </p>
            )
            : <UsageTable usage={usage} money={money} />}
        </Card>
      </div>
    </>
  );
}

function FreezeSwitch({ frozen, action }: { frozen: boolean; action: string }) {
  if (frozen) {
    return (
      <section
        class="rounded-lg border-2 border-red-500 bg-red-50 p-5 dark:bg-red-500/10"
        data-frozen="true"
        role="status"
      >
        <h2 class="text-lg font-semibold text-red-800 dark:text-red-300">
          This account is frozen
        </h2>
        <p class="mt-1 text-sm text-red-800 dark:text-red-300">
          No change is made to its campaigns — not by the assistant, MCP clients, API tokens or
          rules, and not by you either until you unfreeze it. Reading still works.
        </p>
        <form method="post" action={action} class="mt-3">
          <input type="hidden" name="intent" value="unfreeze" />
          <Button variant="secondary">Unfreeze</Button>
        </form>
      </section>
    );
  }
  return (
    <section
      class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-neutral-200 bg-white p-4 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
      data-frozen="false"
    >
      <p class="text-sm">
        <span class="font-semibold">Freeze switch.</span>{" "}
        Stops every change to this account's campaigns at once, including software in the middle of
        a batch.
      </p>
      <form method="post" action={action}>
        <input type="hidden" name="intent" value="freeze" />
        <Button variant="danger">Freeze account</Button>
      </form>
    </section>
  );
}

const USAGE_COLUMNS: readonly Column[] = [
  { label: "Campaign" },
  { label: "Daily budget", align: "right" },
  { label: "Last 24 hours" },
  { label: "Last 7 days" },
];

function UsageTable(
  { usage, money }: { usage: CampaignAllowance[]; money: (minor: number) => string },
) {
  return (
    <Table columns={USAGE_COLUMNS} caption="Increase allowance used per campaign">
      {usage.map((campaign) => (
        <tr data-allowance-campaign={campaign.campaignId}>
          <Cell>
            <a
              href={`/campaigns/${campaign.campaignId}`}
              class="text-indigo-600 hover:underline dark:text-indigo-400"
            >
              {campaign.name}
            </a>
          </Cell>
          <Cell align="right">{money(campaign.dailyBudgetMinor)}</Cell>
          <Cell>
            <Allowance use={campaign.last24h} window="daily" />
          </Cell>
          <Cell>
            <Allowance use={campaign.last7d} window="weekly" />
          </Cell>
        </tr>
      ))}
    </Table>
  );
}

function Allowance({ use, window }: { use: AllowanceUse; window: "daily" | "weekly" }) {
  return (
    <span
      class={use.exceeded ? "font-medium text-red-700 dark:text-red-400" : ""}
      data-allowance={window}
    >
      {describeAllowance(use, window)}
    </span>
  );
}
