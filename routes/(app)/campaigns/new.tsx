import type { Handlers, PageProps } from "$fresh/server.ts";
import { CampaignForm } from "@/components/CampaignForm.tsx";
import type { Option } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { createCampaignSchema } from "@/domain/campaigns.ts";
import { ConflictError, NotFoundError, ValidationError } from "@/domain/errors.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import {
  campaignFieldOf,
  type CampaignFormValues,
  creationErrors,
  NEW_CAMPAIGN_VALUES,
  objectiveOf,
  parseCampaignForm,
  readCampaignForm,
} from "@/pages/campaign_form.ts";
import { type CampaignWarnings, campaignWarnings } from "@/pages/campaign_warnings.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface NewCampaignData {
  accounts: AdAccount[];
  values: CampaignFormValues;
  errors: FieldErrors;
  warnings?: CampaignWarnings | null;
}

/** The actor's ad accounts to choose from; also titles the page. */
async function accountsOf(state: SignedInState): Promise<AdAccount[]> {
  state.title = "New campaign";
  return (await state.services.domain.adAccounts.list(state.actor, { limit: MAX_PAGE_SIZE })).items;
}

export const handler: Handlers<NewCampaignData, SignedInState> = {
  async GET(_req, ctx) {
    const accounts = await accountsOf(ctx.state);
    const preset = ctx.url.searchParams.get("account");
    const adAccountId = accounts.find((account) => account.id === preset)?.id ??
      (accounts.length === 1 ? accounts[0].id : "");
    return ctx.render({ accounts, values: { ...NEW_CAMPAIGN_VALUES, adAccountId }, errors: {} });
  },

  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const accounts = await accountsOf(ctx.state);
    const form = await FormValues.from(req);
    const values = readCampaignForm(form);
    const account = accounts.find((candidate) => candidate.id === values.adAccountId);
    const { fields, errors: parseErrors } = parseCampaignForm(values, account?.currency ?? "USD");
    const input = {
      ...fields,
      adAccountId: values.adAccountId,
      objective: objectiveOf(values),
    };
    const localErrors = { ...parseErrors, ...creationErrors(values, accounts.map((a) => a.id)) };
    const invalid = (errors: FieldErrors) =>
      ctx.render({ accounts, values, errors }, { status: 422 });
    if (Object.keys(localErrors).length > 0) {
      // Also show what the domain would say about the other fields, in one round.
      const checked = createCampaignSchema.safeParse(input);
      const domainIssues = checked.success ? [] : checked.error.issues.map((issue) => ({
        field: issue.path.map(String).join("."),
        message: issue.message,
      }));
      return invalid({ ...fieldErrors(domainIssues, campaignFieldOf), ...localErrors });
    }
    const warnings = await campaignWarnings(
      services,
      actor,
      { adAccountId: account!.id, currency: account!.currency, timezone: account!.timezone },
      fields,
      form.text("confirmRisks"),
    );
    if (warnings) return ctx.render({ accounts, values, errors: {}, warnings });
    try {
      const campaign = await services.domain.campaigns.create(actor, {
        ...input,
        budgetType: fields.budgetType!,
        budgetAmountMinor: fields.budgetAmountMinor!,
        objective: input.objective!,
      });
      return redirect(`/campaigns/${campaign.id}`, {
        flash: { kind: "success", message: `“${campaign.name}” was created as a draft.` },
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        return invalid(fieldErrors(error.issues, campaignFieldOf));
      }
      if (error instanceof NotFoundError) return invalid({ adAccountId: "Choose an ad account." });
      // The account's limits refuse it (its budget cap, or the account is frozen).
      if (error instanceof ConflictError) return invalid({ "": error.message });
      throw error;
    }
  },
};

export default function NewCampaignPage({ data }: PageProps<NewCampaignData, SignedInState>) {
  const { accounts, values, errors, warnings } = data;
  const options: Option[] = accounts.map((account) => ({
    value: account.id,
    label: `${account.name} (${account.currency})`,
  }));
  const chosen = accounts.find((account) => account.id === values.adAccountId);
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/campaigns" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Campaigns
        </a>
      </nav>
      <PageHeader title="New campaign">
        New campaigns start as drafts; launch one from its page when it is ready.
      </PageHeader>
      {accounts.length === 0
        ? (
          <EmptyState
            title="Connect an ad account first"
            action={<LinkButton href="/ad-accounts#connect">Connect a sandbox account</LinkButton>}
          >
            Campaigns run in an ad account. Connect a sandbox account to try it out.
          </EmptyState>
        )
        : (
          <CampaignForm
            action="/campaigns/new"
            values={values}
            errors={errors}
            accounts={options}
            currency={chosen?.currency}
            submitLabel="Create campaign"
            warnings={warnings}
            cancelHref="/campaigns"
          />
        )}
    </>
  );
}
