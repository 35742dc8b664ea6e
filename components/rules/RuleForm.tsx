import type { ComponentChildren } from "preact";
import { FormError, type Option, SelectField, TextField } from "../forms/Field.tsx";
import { Button, LinkButton } from "../ui/Button.tsx";
import { RULE_METRICS, RULE_OPERATORS } from "@/domain/rules/model.ts";
import {
  ACTION_TYPES,
  type ConditionRow,
  FREQUENCIES,
  labelOf,
  type RuleFormValues,
  SCOPE_KINDS,
  WINDOW_KINDS,
} from "@/pages/rule_form.ts";
import type { FieldErrors } from "@/pages/forms.ts";

/** A campaign the scope may choose. */
export interface ScopeCampaign {
  id: string;
  name: string;
  status: string;
}

interface RuleFormProps {
  id: string;
  action: string;
  values: RuleFormValues;
  errors: FieldErrors;
  /** Ad accounts to choose from when creating; omitted when editing (it cannot change). */
  accounts?: readonly Option[];
  campaigns: readonly ScopeCampaign[];
  currency?: string;
  submitLabel: string;
  cancelHref: string;
  /** The server-rendered preview (from "Preview matches"), or the live island. */
  preview?: ComponentChildren;
}

const choices = (values: readonly string[]): Option[] =>
  values.map((value) => ({ value, label: labelOf(value) }));

function Fieldset({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="border-t border-neutral-200 pt-5 first:border-t-0 first:pt-0 dark:border-neutral-800">
      <legend class="float-left mb-3 w-full text-sm font-semibold text-neutral-900 dark:text-neutral-100">
        {legend}
      </legend>
      <div class="clear-both space-y-4">{children}</div>
    </fieldset>
  );
}

/** A field-level error line without a field shell (for groups of controls). */
function GroupError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} data-field-error={id} class="text-xs text-red-600 dark:text-red-400">
      {message}
    </p>
  );
}

function ConditionRowFields(
  { index, row, errors, currency }: {
    index: number;
    row: ConditionRow;
    errors: FieldErrors;
    currency?: string;
  },
) {
  const name = (field: string) => `c${index}.${field}`;
  return (
    <div
      class="grid gap-3 rounded-md border border-neutral-200 p-3 sm:grid-cols-6 dark:border-neutral-800"
      data-condition-row={index}
    >
      <SelectField
        name={name("metric")}
        label={`Condition ${index + 1}`}
        options={choices(RULE_METRICS)}
        value={row.metric}
        error={errors[name("metric")]}
      />
      <SelectField
        name={name("window")}
        label="Period"
        options={choices(WINDOW_KINDS)}
        value={row.window}
        error={errors[name("window")]}
      />
      <TextField
        name={name("days")}
        label="Days (last N)"
        inputMode="numeric"
        value={row.days}
        error={errors[name("days")]}
      />
      <SelectField
        name={name("operator")}
        label="Is"
        options={RULE_OPERATORS.map((operator) => ({ value: operator, label: operator }))}
        value={row.operator}
        error={errors[name("operator")]}
      />
      <TextField
        name={name("value")}
        label="Value"
        inputMode="decimal"
        placeholder={currency ? `e.g. 40 (${currency})` : "e.g. 40"}
        value={row.value}
        error={errors[name("value")]}
      />
      <SelectField
        name={name("compare")}
        label="Compared with"
        options={[
          { value: "", label: "the value" },
          ...RULE_METRICS.map((metric) => ({ value: metric, label: `value × ${labelOf(metric)}` })),
        ]}
        value={row.compare}
        error={errors[name("compare")]}
      />
      <div class="sm:col-span-6">
        <button
          type="submit"
          name="intent"
          value={`remove:${index}`}
          class="text-xs font-medium text-neutral-500 hover:text-red-600 dark:text-neutral-400"
          formnovalidate
        >
          Remove condition {index + 1}
        </button>
      </div>
    </div>
  );
}

/**
 * The rule editor: a plain POST form that works without JavaScript. Conditions are numbered
 * rows; "Add a condition", "Remove" and "Preview matches" post the form back to re-render it
 * (nothing is saved). A hidden default button makes Enter save.
 */
export function RuleForm(props: RuleFormProps) {
  const { id, action, values, errors, accounts, campaigns, currency } = props;
  return (
    <form
      id={id}
      method="post"
      action={action}
      class="space-y-6 rounded-lg border border-neutral-200 bg-white p-6 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
      novalidate
      data-rule-form
    >
      {/* The first submit button is what Enter presses: saving, not adding a row. */}
      <button type="submit" name="intent" value="save" class="hidden" tabindex={-1} aria-hidden />
      <FormError message={errors[""]} />
      <Fieldset legend="Rule">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={200}
          value={values.name}
          error={errors.name}
        />
        {accounts
          ? (
            <SelectField
              name="adAccountId"
              label="Ad account"
              options={accounts}
              value={values.adAccountId}
              error={errors.adAccountId}
              placeholder="Choose an account"
              required
            />
          )
          : <input type="hidden" name="adAccountId" value={values.adAccountId} />}
      </Fieldset>

      <Fieldset legend="When">
        {values.keptConditions !== "" && values.rows.length === 0
          ? (
            <p class="text-sm text-neutral-600 dark:text-neutral-400" data-kept-conditions>
              This rule's conditions use nested groups, which the form cannot show as rows; they are
              kept as they are. Change them through the API, or add rows to replace them.
              <input type="hidden" name="keptConditions" value={values.keptConditions} />
            </p>
          )
          : (
            <SelectField
              name="match"
              label="Fire when"
              options={[
                { value: "all", label: "all conditions hold (AND)" },
                { value: "any", label: "any condition holds (OR)" },
              ]}
              value={values.match}
            />
          )}
        <GroupError id="field-conditions" message={errors.conditions} />
        {values.rows.map((row, index) => (
          <ConditionRowFields index={index} row={row} errors={errors} currency={currency} />
        ))}
        <p class="text-xs text-neutral-500 dark:text-neutral-400">
          Money is in the account's currency{currency ? ` (${currency})` : ""}. A row whose value is
          empty is left out. "Compared with value × a metric" reads "7-day spend {">"}{" "}
          2 × daily budget" as value 2.
        </p>
        <div class="flex flex-wrap gap-2">
          <Button type="submit" name="intent" value="add_condition" variant="secondary">
            Add a condition
          </Button>
          <Button type="submit" name="intent" value="preview" variant="secondary">
            Preview matches
          </Button>
        </div>
        {props.preview}
      </Fieldset>

      <Fieldset legend="Minimum data">
        <label class="flex items-center gap-2 text-sm">
          <input type="checkbox" name="gateEnabled" checked={values.gateEnabled} />
          Only fire with enough data (recommended)
        </label>
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            name="minImpressions"
            label="At least impressions"
            inputMode="numeric"
            value={values.minImpressions}
            error={errors.minImpressions}
          />
          <TextField
            name="minClicks"
            label="or at least clicks"
            inputMode="numeric"
            value={values.minClicks}
            error={errors.minClicks}
          />
        </div>
        <GroupError id="field-gate" message={errors.gate} />
      </Fieldset>

      <Fieldset legend="Then">
        <SelectField
          name="actionType"
          label="Action"
          options={choices(ACTION_TYPES)}
          value={values.actionType}
          error={errors.actionType}
        />
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            name="percent"
            label="Change budget by (%)"
            inputMode="decimal"
            placeholder="-20"
            value={values.percent}
            error={errors.percent}
            hint="For “Change budget by %”: negative lowers it."
          />
          <TextField
            name="amount"
            label={currency ? `Set budget to (${currency})` : "Set budget to"}
            inputMode="decimal"
            value={values.amount}
            error={errors.amount}
          />
          <TextField
            name="minBudget"
            label="Never below"
            inputMode="decimal"
            value={values.minBudget}
            error={errors.minBudget}
          />
          <TextField
            name="maxBudget"
            label="Never above"
            inputMode="decimal"
            value={values.maxBudget}
            error={errors.maxBudget}
          />
        </div>
      </Fieldset>

      <Fieldset legend="Schedule">
        <div class="grid gap-4 sm:grid-cols-3">
          <SelectField
            name="frequency"
            label="Check"
            options={choices(FREQUENCIES)}
            value={values.frequency}
            error={errors.frequency}
          />
          <TextField
            name="at"
            label="At (daily)"
            type="time"
            value={values.at}
            error={errors.at}
          />
          <TextField
            name="cooldownHours"
            label="Cooldown (hours)"
            inputMode="numeric"
            value={values.cooldownHours}
            error={errors.cooldownHours}
            hint="Per campaign and action."
          />
        </div>
        <p class="text-xs text-neutral-500 dark:text-neutral-400">
          Times are in the ad account's time zone.
        </p>
      </Fieldset>

      <Fieldset legend="Campaigns">
        <SelectField
          name="scopeKind"
          label="Watch"
          options={choices(SCOPE_KINDS)}
          value={values.scopeKind}
          error={errors.scope}
        />
        {campaigns.length > 0 && (
          <div>
            <p class="mb-1 text-sm font-medium">Chosen campaigns</p>
            <div class="grid max-h-48 gap-1 overflow-y-auto sm:grid-cols-2">
              {campaigns.map((campaign) => (
                <label class="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="campaignIds"
                    value={campaign.id}
                    checked={values.campaignIds.includes(campaign.id)}
                  />
                  {campaign.name}
                  <span class="text-xs text-neutral-500 dark:text-neutral-400">
                    ({campaign.status})
                  </span>
                </label>
              ))}
            </div>
          </div>
        )}
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            name="nameContains"
            label="Filter: name contains"
            value={values.nameContains}
            error={errors.nameContains}
            hint="New campaigns that match are included automatically."
          />
          <div>
            <p class="mb-1 text-sm font-medium">Filter: status</p>
            {["active", "paused"].map((status) => (
              <label class="mr-4 inline-flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="statuses"
                  value={status}
                  checked={values.statuses.includes(status)}
                />
                {labelOf(status === "active" ? "Active" : "Paused")}
              </label>
            ))}
          </div>
        </div>
      </Fieldset>

      <div class="flex items-center gap-3 border-t border-neutral-200 pt-5 dark:border-neutral-800">
        <Button name="intent" value="save">{props.submitLabel}</Button>
        <LinkButton href={props.cancelHref} variant="ghost">Cancel</LinkButton>
      </div>
    </form>
  );
}
