import type { Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { RuleForm, type ScopeCampaign } from "@/components/rules/RuleForm.tsx";
import RulePreview from "@/islands/RulePreview.tsx";
import { NotFoundError } from "@/domain/errors.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import type { Rule } from "@/domain/rules/service.ts";
import { type FieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import { handleEditorPost, intentOf } from "@/pages/rule_editor.ts";
import { readRuleForm, type RuleFormValues, ruleFormValues } from "@/pages/rule_form.ts";
import type { PreviewView } from "@/pages/rules_view.ts";
import type { SignedInState } from "@/pages/state.ts";

interface EditRuleData {
  rule: Rule;
  campaigns: ScopeCampaign[];
  values: RuleFormValues;
  errors: FieldErrors;
  preview: PreviewView | null;
}

/** The rule and its account's campaigns, or null when it is not the actor's. */
async function load(state: SignedInState, id: string) {
  try {
    const rule = await state.services.domain.rules.get(state.actor, id);
    state.title = `Edit ${rule.name}`;
    const campaigns = (await state.services.domain.campaigns.list(state.actor, {
      adAccountId: rule.adAccountId,
      limit: MAX_PAGE_SIZE,
    })).items.map((campaign) => ({
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
    }));
    return { rule, campaigns };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

export const handler: Handlers<EditRuleData, SignedInState> = {
  async GET(_req, ctx) {
    const loaded = await load(ctx.state, ctx.params.id);
    if (!loaded) return ctx.renderNotFound();
    return ctx.render({
      ...loaded,
      values: ruleFormValues(loaded.rule),
      errors: {},
      preview: null,
    });
  },

  async POST(req, ctx) {
    const loaded = await load(ctx.state, ctx.params.id);
    if (!loaded) return ctx.renderNotFound();
    const form = await FormValues.from(req);
    // The account is fixed: whatever was posted, the rule's own is used.
    const values = { ...readRuleForm(form), adAccountId: loaded.rule.adAccountId };
    const outcome = await handleEditorPost(
      ctx.state.services,
      ctx.state.actor,
      values,
      intentOf(form.text("intent")),
      loaded.rule.id,
    );
    if (outcome.kind === "saved") {
      return redirect(`/rules/${outcome.rule.id}`, {
        flash: { kind: "success", message: `“${outcome.rule.name}” was saved.` },
      });
    }
    const status = Object.keys(outcome.errors).length > 0 ? 422 : 200;
    return ctx.render({ ...loaded, ...outcome }, { status });
  },
};

export default function EditRulePage({ data }: PageProps<EditRuleData, SignedInState>) {
  const { rule, campaigns, values, errors, preview } = data;
  return (
    <>
      <nav class="mb-2 text-sm">
        <a
          href={`/rules/${rule.id}`}
          class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400"
        >
          ← {rule.name}
        </a>
      </nav>
      <PageHeader title="Edit rule">
        The ad account is fixed once a rule exists. Saving keeps the rule enabled or disabled as it
        is.
      </PageHeader>
      <RuleForm
        id="rule-form"
        action={`/rules/${rule.id}/edit`}
        values={values}
        errors={errors}
        campaigns={campaigns}
        currency={rule.currency}
        submitLabel="Save changes"
        cancelHref={`/rules/${rule.id}`}
        preview={<RulePreview formId="rule-form" endpoint="/rules/preview" initial={preview} />}
      />
    </>
  );
}
