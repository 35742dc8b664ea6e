/**
 * What the rule pages show, worked out from the domain's answers: the preview list, the rule's
 * run summary in words, and where a page may go after a rule form.
 *
 * @module
 */
import { conditionValueWords } from "../domain/rules/describe.ts";
import type { RulePreview } from "../domain/rules/preview.ts";

/** The preview as the editor shows it (serializable: the island receives it as JSON). */
export interface PreviewView {
  /** A sentence instead of a list when the draft cannot be previewed yet. */
  error?: string;
  evaluated: number;
  matches: { campaignId: string; campaignName: string; values: string }[];
  gateHeld: { campaignId: string; campaignName: string }[];
}

/** The preview in words. */
export function previewView(preview: RulePreview): PreviewView {
  return {
    evaluated: preview.campaignsEvaluated,
    matches: preview.matches.map((match) => ({
      campaignId: match.campaignId,
      campaignName: match.campaignName,
      values: match.evaluation.conditions
        .map((condition) => conditionValueWords(condition, preview.currency)).join("; "),
    })),
    gateHeld: preview.gateHeld.map((held) => ({
      campaignId: held.campaignId,
      campaignName: held.campaignName,
    })),
  };
}

/** A preview that could not run, with the first reason. */
export function previewError(message: string): PreviewView {
  return { error: message, evaluated: 0, matches: [], gateHeld: [] };
}
