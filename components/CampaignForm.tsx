import type { ComponentChildren } from "preact";
import {
  FormError,
  type Option,
  optionsOf,
  SelectField,
  TextField,
} from "@/components/forms/Field.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { BUDGET_TYPES, CAMPAIGN_OBJECTIVES } from "@/domain/campaigns.ts";
import type { CampaignFormValues } from "@/pages/campaign_form.ts";
import { ChangePreview } from "@/components/gateway/ChangePreview.tsx";
import type { ChangeConfirmation } from "@/domain/change_confirmation.ts";
import type { CampaignWarnings } from "@/pages/campaign_warnings.ts";
import type { FieldErrors } from "@/pages/forms.ts";

interface CampaignFormProps {
  action: string;
  values: CampaignFormValues;
  errors: FieldErrors;
  /** Ad accounts to choose from when creating; omitted when editing (it cannot change). */
  accounts?: readonly Option[];
  /** Currency code shown next to the budget. */
  currency?: string;
  submitLabel: string;
  cancelHref: string;
  /** Risky values to confirm: shown above the form, and saving again confirms them. */
  warnings?: CampaignWarnings | null;
  /**
   * A change to confirm (a budget raised past the approval threshold), with the risk warnings
   * already confirmed: its preview above the form, and saving again confirms it.
   */
  confirmation?: { change: ChangeConfirmation; confirmedRisks: string } | null;
}

function Fieldset({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="border-t border-neutral-200 pt-5 first:border-t-0 first:pt-0 dark:border-neutral-800">
      {/* A floated legend sits inside the box instead of cutting through its border. */}
      <legend class="float-left mb-3 w-full text-sm font-semibold text-neutral-900 dark:text-neutral-100">
        {legend}
      </legend>
      <div class="clear-both space-y-4">{children}</div>
    </fieldset>
  );
}

/** The campaign create and edit form: a plain POST that works without JavaScript. */
export function CampaignForm(props: CampaignFormProps) {
  const { action, values, errors, accounts, currency, submitLabel, cancelHref, warnings } = props;
  const { confirmation } = props;
  const creating = accounts !== undefined;
  return (
    <form
      method="post"
      action={action}
      class="max-w-2xl space-y-6 rounded-lg border border-neutral-200 bg-white p-6 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
      novalidate
    >
      <FormError message={errors[""]} />
      {warnings && (
        <Alert kind="warning">
          <p class="font-semibold">Check before saving</p>
          <ul class="mt-1 list-disc space-y-1 pl-5">
            {Object.entries(warnings.messages).map(([field, message]) => (
              <li data-form-warning={field}>{message}</li>
            ))}
          </ul>
          <p class="mt-2">If this is what you meant, save again to confirm.</p>
          <input type="hidden" name="confirmRisks" value={warnings.fingerprint} />
        </Alert>
      )}
      {confirmation && (
        <Alert kind="warning">
          <p class="mb-2 font-semibold">Confirm this change</p>
          <ChangePreview confirmation={confirmation.change} />
          <p class="mt-2">Save again to confirm, or change the values.</p>
          <input type="hidden" name="confirmChange" value={confirmation.change.digest} />
          <input type="hidden" name="confirmRisks" value={confirmation.confirmedRisks} />
        </Alert>
      )}
      <Fieldset legend="Basics">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={200}
          value={values.name}
          error={errors.name}
        />
        {creating && (
          <div class="grid gap-4 sm:grid-cols-2">
            <SelectField
              name="adAccountId"
              label="Ad account"
              options={accounts}
              value={values.adAccountId}
              error={errors.adAccountId}
              placeholder="Choose an account"
              required
            />
            <SelectField
              name="objective"
              label="Objective"
              options={optionsOf(CAMPAIGN_OBJECTIVES)}
              value={values.objective}
              error={errors.objective}
              required
            />
          </div>
        )}
        <TextField
          name="landingUrl"
          label="Landing page URL"
          type="url"
          placeholder="https://example.com/spring-sale"
          value={values.landingUrl}
          error={errors.landingUrl}
        />
      </Fieldset>
      <Fieldset legend="Budget and schedule">
        <div class="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="budgetType"
            label="Budget type"
            options={optionsOf(BUDGET_TYPES)}
            value={values.budgetType}
            error={errors.budgetType}
            hint="A lifetime budget needs an end date."
          />
          <TextField
            name="budgetAmount"
            label={currency ? `Amount (${currency})` : "Amount"}
            inputMode="decimal"
            placeholder="50.00"
            required
            value={values.budgetAmount}
            error={errors.budgetAmount}
            hint={creating ? "In the ad account's currency." : undefined}
          />
          <TextField
            name="startDate"
            label="Start date"
            type="date"
            value={values.startDate}
            error={errors.startDate}
          />
          <TextField
            name="endDate"
            label="End date"
            type="date"
            value={values.endDate}
            error={errors.endDate}
          />
        </div>
      </Fieldset>
      <Fieldset legend="Targeting">
        <TextField
          name="countries"
          label="Countries"
          placeholder="US, CA, GB"
          value={values.countries}
          error={errors.countries}
          hint="Two-letter country codes separated by commas; empty for everywhere."
        />
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            name="ageMin"
            label="Minimum age"
            inputMode="numeric"
            placeholder="13"
            value={values.ageMin}
            error={errors.ageMin}
          />
          <TextField
            name="ageMax"
            label="Maximum age"
            inputMode="numeric"
            placeholder="65"
            value={values.ageMax}
            error={errors.ageMax}
          />
        </div>
      </Fieldset>
      <div class="flex items-center gap-3 border-t border-neutral-200 pt-5 dark:border-neutral-800">
        <Button>
          {confirmation
            ? `Confirm and ${submitLabel.toLowerCase()}`
            : warnings
            ? `${submitLabel} anyway`
            : submitLabel}
        </Button>
        <LinkButton href={cancelHref} variant="ghost">Cancel</LinkButton>
      </div>
    </form>
  );
}
