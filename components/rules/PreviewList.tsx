import type { PreviewView } from "@/pages/rules_view.ts";

/**
 * Which campaigns a rule draft matches now: the ones it would act on, and the ones only the
 * minimum-data gate holds back, each with its condition values.
 */
export function PreviewList({ preview }: { preview: PreviewView }) {
  if (preview.error) {
    return (
      <p class="text-sm text-amber-700 dark:text-amber-300" data-preview-error>
        {preview.error}
      </p>
    );
  }
  return (
    <div class="space-y-2 text-sm" data-preview-matches={preview.matches.length}>
      <p class="font-medium">
        {preview.matches.length === 0
          ? `Right now no campaign matches (of ${preview.evaluated} watched).`
          : `Right now ${preview.matches.length} of ${preview.evaluated} watched campaign${
            preview.evaluated === 1 ? "" : "s"
          } would match:`}
      </p>
      {preview.matches.length > 0 && (
        <ul class="list-disc space-y-1 pl-5">
          {preview.matches.map((match) => (
            <li data-preview-match={match.campaignId}>
              <span class="font-medium">{match.campaignName}</span>
              <span class="text-neutral-500 dark:text-neutral-400">— {match.values}</span>
            </li>
          ))}
        </ul>
      )}
      {preview.gateHeld.length > 0 && (
        <p class="text-neutral-500 dark:text-neutral-400" data-preview-gate-held>
          Held back by the minimum-data gate: {preview.gateHeld.map((held) =>
            held.campaignName
          ).join(", ")}.
        </p>
      )}
    </div>
  );
}
