/**
 * The rule editor's round trip, shared by the new and edit pages: what each of the form's
 * buttons does (add or remove a condition row, preview matches, save), and turning the domain's
 * refusals into sentences on the form's fields. Every button posts the whole form, so the editor
 * works without JavaScript.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import type { Rule } from "../domain/rules/service.ts";
import type { FieldErrors } from "./forms.ts";
import {
  BLANK_ROW,
  MAX_CONDITION_ROWS,
  parseRuleForm,
  ruleFieldErrors,
  type RuleFormValues,
} from "./rule_form.ts";
import { previewError, type PreviewView, previewView } from "./rules_view.ts";
import type { PageServices } from "./state.ts";

/** What a post of the editor comes to. */
export type EditorOutcome =
  | { kind: "render"; values: RuleFormValues; errors: FieldErrors; preview: PreviewView | null }
  | { kind: "saved"; rule: Rule };

/** The button pressed: `save`, `add_condition`, `preview` or `remove:N`. */
export function intentOf(text: string): string {
  return text === "" ? "save" : text;
}

/** The preview of the typed values, or a sentence saying why there is none yet. */
export async function previewOf(
  services: PageServices,
  actor: Actor,
  values: RuleFormValues,
): Promise<PreviewView> {
  const { draft, errors } = parseRuleForm({ ...values, name: values.name || "Preview" });
  const first = Object.values(errors)[0];
  if (first) return previewError(first);
  try {
    return previewView(await services.domain.rulePreview.preview(actor, draft));
  } catch (error) {
    if (error instanceof ValidationError) {
      return previewError(Object.values(ruleFieldErrors(error.issues))[0] ?? error.message);
    }
    if (error instanceof NotFoundError) return previewError("Choose an ad account.");
    throw error;
  }
}

/**
 * Handles one post of the editor: row buttons and preview re-render the form; save creates
 * (`ruleId` null) or updates the rule, or re-renders with the reasons it was refused.
 */
export async function handleEditorPost(
  services: PageServices,
  actor: Actor,
  values: RuleFormValues,
  intent: string,
  ruleId: string | null,
): Promise<EditorOutcome> {
  const render = (errors: FieldErrors = {}, preview: PreviewView | null = null) => ({
    kind: "render" as const,
    values,
    errors,
    preview,
  });
  if (intent === "add_condition") {
    if (values.rows.length < MAX_CONDITION_ROWS) values.rows.push({ ...BLANK_ROW });
    return render();
  }
  const removed = intent.match(/^remove:(\d+)$/);
  if (removed) {
    values.rows.splice(Number(removed[1]), 1);
    return render();
  }
  if (intent === "preview") return render({}, await previewOf(services, actor, values));
  const { draft, errors } = parseRuleForm(values);
  if (Object.keys(errors).length > 0) return render(errors);
  try {
    const rules = services.domain.rules;
    if (ruleId === null) return { kind: "saved", rule: await rules.create(actor, draft) };
    const { adAccountId: _fixed, ...changes } = draft;
    return { kind: "saved", rule: await rules.update(actor, ruleId, changes) };
  } catch (error) {
    if (error instanceof ValidationError) return render(ruleFieldErrors(error.issues));
    if (error instanceof NotFoundError) {
      return render({ adAccountId: "Choose one of your ad accounts." });
    }
    throw error;
  }
}
