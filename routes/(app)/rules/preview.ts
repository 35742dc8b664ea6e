import type { Handlers } from "$fresh/server.ts";
import { FormValues } from "@/pages/forms.ts";
import { previewOf } from "@/pages/rule_editor.ts";
import { readRuleForm } from "@/pages/rule_form.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * The editor's live preview: the rule form's values in, which campaigns they match now out (as
 * JSON, for the `RulePreview` island). Nothing is saved. Same-origin posts only, as every form.
 */
export const handler: Handlers<unknown, SignedInState> = {
  async POST(req, ctx) {
    const values = readRuleForm(await FormValues.from(req));
    const preview = await previewOf(ctx.state.services, ctx.state.actor, values);
    return Response.json(preview, { headers: { "cache-control": "no-store" } });
  },
};
