import { ChangeTable } from "@/components/chat/ApprovalCard.tsx";
import type { ChangeConfirmation } from "@/domain/change_confirmation.ts";
import { groupChanges, previewChanges } from "@/pages/chat_preview.ts";

/**
 * What a change to confirm would do, as the assistant's approval card shows it: the summary,
 * why it is confirmed, and every field before → after.
 */
export function ChangePreview({ confirmation }: { confirmation: ChangeConfirmation }) {
  const { preview, reason } = confirmation;
  return (
    <div class="space-y-3" data-change-preview>
      <p class="text-sm font-medium" data-approval-summary>{preview.summary}</p>
      {reason && (
        <p class="text-xs text-neutral-700 dark:text-neutral-300">
          Why we ask: {reason}.
        </p>
      )}
      {groupChanges(previewChanges(preview)).map((group) => (
        <ChangeTable
          group={group}
          currency={preview.currency ?? null}
          labels={preview.labels ?? {}}
        />
      ))}
    </div>
  );
}
