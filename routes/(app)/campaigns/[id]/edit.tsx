import type { Handlers, PageProps } from "$fresh/server.ts";
import { CampaignForm } from "@/components/CampaignForm.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import type { Campaign } from "@/domain/campaigns.ts";
import { updateCampaignSchema } from "@/domain/campaigns.ts";
import { type ChangeConfirmation, needsConfirmation } from "@/domain/change_confirmation.ts";
import { ConflictError, NotFoundError, ValidationError } from "@/domain/errors.ts";
import {
  campaignFieldOf,
  type CampaignFormValues,
  campaignFormValues,
  parseCampaignForm,
  readCampaignForm,
} from "@/pages/campaign_form.ts";
import { type CampaignWarnings, campaignWarnings } from "@/pages/campaign_warnings.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface EditCampaignData {
  campaign: Campaign;
  values: CampaignFormValues;
  errors: FieldErrors;
  warnings?: CampaignWarnings | null;
  confirmation?: ChangeConfirmation | null;
  /** The risk warnings' fingerprint the user already confirmed, kept through the confirmation. */
  confirmedRisks?: string;
}

/** The campaign, or null when it is not the actor's (or does not exist). */
async function load(state: SignedInState, id: string): Promise<Campaign | null> {
  try {
    const campaign = await state.services.domain.campaigns.get(state.actor, id);
    state.title = `Edit ${campaign.name}`;
    return campaign;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

export const handler: Handlers<EditCampaignData, SignedInState> = {
  async GET(_req, ctx) {
    const campaign = await load(ctx.state, ctx.params.id);
    if (!campaign) return ctx.renderNotFound();
    return ctx.render({ campaign, values: campaignFormValues(campaign), errors: {} });
  },

  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const campaign = await load(ctx.state, ctx.params.id);
    if (!campaign) return ctx.renderNotFound();
    // An archived campaign cannot change: say so instead of a form that would fail on save.
    if (campaign.status === "archived") {
      return ctx.render({ campaign, values: campaignFormValues(campaign), errors: {} }, {
        status: 409,
      });
    }
    const form = await FormValues.from(req);
    const values = readCampaignForm(form);
    const { fields, errors: parseErrors } = parseCampaignForm(values, campaign.currency);
    // Targeting the form does not edit (languages, interests …) is kept as it was.
    const { countries: _c, ageMin: _min, ageMax: _max, ...kept } = campaign.targeting;
    const input = { ...fields, targeting: { ...kept, ...fields.targeting } };
    const invalid = (errors: FieldErrors) =>
      ctx.render({ campaign, values, errors }, { status: 422 });
    if (Object.keys(parseErrors).length > 0) {
      const checked = updateCampaignSchema.safeParse(input);
      const issues = checked.success ? [] : checked.error.issues.map((issue) => ({
        field: issue.path.map(String).join("."),
        message: issue.message,
      }));
      return invalid({ ...fieldErrors(issues, campaignFieldOf), ...parseErrors });
    }
    const account = await services.domain.adAccounts.get(actor, campaign.adAccountId);
    const warnings = await campaignWarnings(
      services,
      actor,
      {
        adAccountId: account.id,
        currency: campaign.currency,
        timezone: account.timezone,
        campaign,
      },
      fields,
      form.text("confirmRisks"),
    );
    if (warnings) return ctx.render({ campaign, values, errors: {}, warnings });
    const confirmation = await needsConfirmation(
      services.domain.gateway,
      actor,
      { type: "update", campaignId: campaign.id, input },
      form.text("confirmChange"),
    );
    if (confirmation) {
      const confirmedRisks = form.text("confirmRisks");
      return ctx.render({ campaign, values, errors: {}, confirmation, confirmedRisks });
    }
    try {
      const updated = await services.domain.campaigns.update(actor, campaign.id, input);
      return redirect(`/campaigns/${campaign.id}`, {
        flash: { kind: "success", message: `“${updated.name}” was saved.` },
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        return invalid(fieldErrors(error.issues, campaignFieldOf));
      }
      if (error instanceof ConflictError) return invalid({ "": error.message });
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
  },
};

export default function EditCampaignPage({ data }: PageProps<EditCampaignData, SignedInState>) {
  const { campaign, values, errors, warnings, confirmation, confirmedRisks } = data;
  return (
    <>
      <nav class="mb-2 text-sm">
        <a
          href={`/campaigns/${campaign.id}`}
          class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400"
        >
          ← {campaign.name}
        </a>
      </nav>
      <PageHeader title="Edit campaign">
        The objective and ad account are fixed once a campaign exists.
      </PageHeader>
      {campaign.status === "archived"
        ? (
          <EmptyState
            title="This campaign is archived"
            action={
              <LinkButton href={`/campaigns/${campaign.id}`} variant="secondary">
                Back to the campaign
              </LinkButton>
            }
          >
            Archived campaigns have stopped for good and cannot be changed. To run it again, create
            a new campaign.
          </EmptyState>
        )
        : (
          <CampaignForm
            action={`/campaigns/${campaign.id}/edit`}
            values={values}
            errors={errors}
            currency={campaign.currency}
            submitLabel="Save changes"
            warnings={warnings}
            confirmation={confirmation &&
              { change: confirmation, confirmedRisks: confirmedRisks ?? "" }}
            cancelHref={`/campaigns/${campaign.id}`}
          />
        )}
    </>
  );
}
