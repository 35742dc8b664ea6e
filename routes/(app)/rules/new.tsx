import type { Handlers, PageProps } from "$fresh/server.ts";
import type { Option } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { RuleForm, type ScopeCampaign } from "@/components/rules/RuleForm.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import RulePreview from "@/islands/RulePreview.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { type FieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import { handleEditorPost, intentOf } from "@/pages/rule_editor.ts";
import { NEW_RULE_VALUES, readRuleForm, type RuleFormValues } from "@/pages/rule_form.ts";
import type { PreviewView } from "@/pages/rules_view.ts";
import type { SignedInState } from "@/pages/state.ts";

interface NewRuleData {
  accounts: AdAccount[];
  campaigns: ScopeCampaign[];
  values: RuleFormValues;
  errors: FieldErrors;
  preview: PreviewView | null;
}

async function context(state: SignedInState, adAccountId: string) {
  state.title = "New rule";
  const accounts =
    (await state.services.domain.adAccounts.list(state.actor, { limit: MAX_PAGE_SIZE })).items;
  const account = accounts.find((candidate) => candidate.id === adAccountId);
  const campaigns = account
    ? (await state.services.domain.campaigns.list(state.actor, {
      adAccountId: account.id,
      limit: MAX_PAGE_SIZE,
    })).items.map((campaign) => ({
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
    }))
    : [];
  return { accounts, campaigns };
}

export const handler: Handlers<NewRuleData, SignedInState> = {
  async GET(_req, ctx) {
    const preset = ctx.url.searchParams.get("account") ?? "";
    const all = await context(ctx.state, preset);
    const adAccountId = all.accounts.find((account) => account.id === preset)?.id ??
      (all.accounts.length === 1 ? all.accounts[0].id : "");
    const { accounts, campaigns } = adAccountId === preset
      ? all
      : await context(ctx.state, adAccountId);
    return ctx.render({
      accounts,
      campaigns,
      values: { ...NEW_RULE_VALUES, rows: [...NEW_RULE_VALUES.rows], adAccountId },
      errors: {},
      preview: null,
    });
  },

  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const values = readRuleForm(form);
    const { accounts, campaigns } = await context(ctx.state, values.adAccountId);
    const outcome = await handleEditorPost(
      services,
      actor,
      values,
      intentOf(form.text("intent")),
      null,
    );
    if (outcome.kind === "saved") {
      return redirect(`/rules/${outcome.rule.id}`, {
        flash: {
          kind: "success",
          message:
            `“${outcome.rule.name}” was saved, disabled. Review its backtest, then enable it.`,
        },
      });
    }
    const status = Object.keys(outcome.errors).length > 0 ? 422 : 200;
    return ctx.render({ accounts, campaigns, ...outcome }, { status });
  },
};

export default function NewRulePage({ data }: PageProps<NewRuleData, SignedInState>) {
  const { accounts, campaigns, values, errors, preview } = data;
  const options: Option[] = accounts.map((account) => ({
    value: account.id,
    label: `${account.name} (${account.currency})`,
  }));
  const chosen = accounts.find((account) => account.id === values.adAccountId);
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/rules" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Rules
        </a>
      </nav>
      <PageHeader title="New rule">
        A rule watches campaigns on a schedule and acts when its conditions hold. New rules are
        saved disabled: check the backtest first.
      </PageHeader>
      {accounts.length === 0
        ? (
          <EmptyState
            title="Connect an ad account first"
            action={<LinkButton href="/ad-accounts#connect">Connect a sandbox account</LinkButton>}
          >
            Rules watch the campaigns of an ad account.
          </EmptyState>
        )
        : (
          <RuleForm
            id="rule-form"
            action="/rules/new"
            values={values}
            errors={errors}
            accounts={options}
            campaigns={campaigns}
            currency={chosen?.currency}
            submitLabel="Save rule"
            cancelHref="/rules"
            preview={<RulePreview formId="rule-form" endpoint="/rules/preview" initial={preview} />}
          />
        )}
    </>
  );
}
