import { FieldChanges } from "@/components/gateway/FieldChanges.tsx";
import { RequesterLink } from "@/components/gateway/RequesterLink.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { ChangedCampaign, ChangeRecord } from "@/domain/change_history.ts";
import { formatDateTime } from "@/pages/format.ts";
import { actorKindLabel, fieldChangeViews, fieldList } from "@/pages/gateway_view.ts";

const COLUMNS: readonly Column[] = [
  { label: "Time" },
  { label: "Campaign" },
  { label: "Change" },
  { label: "Changed by" },
  { label: "Fields" },
];

const OPERATION_LABELS: Record<string, string> = {
  create: "Created",
  update: "Edited",
  pause: "Paused",
  resume: "Resumed",
  archive: "Archived",
  to_draft: "Back to draft",
  delete: "Deleted",
};

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

interface ChangesTableProps {
  changes: ChangeRecord[];
  campaigns: ReadonlyMap<string, ChangedCampaign>;
  /** Currency by ad account id. */
  currencies: ReadonlyMap<string, string>;
}

/** Changes newest first, like an ad platform's change history; assistant rows link their run. */
export function ChangesTable({ changes, campaigns, currencies }: ChangesTableProps) {
  return (
    <Table columns={COLUMNS} caption="Change history">
      {changes.map((change) => {
        const campaign = campaigns.get(change.campaignId);
        return (
          <tr data-change-id={change.id} data-actor-kind={change.actorKind} class="align-top">
            <Cell>
              <time datetime={change.createdAt}>
                {formatDateTime(change.createdAt, { seconds: true })}
              </time>
            </Cell>
            <Cell class="max-w-xs truncate">
              {campaign?.deleted
                ? <span>{campaign.name} (deleted)</span>
                : (
                  <a href={`/campaigns/${change.campaignId}`} class={LINK} data-campaign-link>
                    {campaign?.name ?? `Campaign ${change.campaignId.slice(0, 8)}…`}
                  </a>
                )}
            </Cell>
            <Cell>
              {OPERATION_LABELS[change.operation] ?? change.operation}
              {change.approvalId && (
                <a href={`/approvals/${change.approvalId}`} class={`ml-2 text-xs ${LINK}`}>
                  approved
                </a>
              )}
            </Cell>
            <Cell>
              <span class="block text-xs text-neutral-500 dark:text-neutral-400">
                {actorKindLabel(change.actorKind)}
              </span>
              <RequesterLink kind={change.actorKind} id={change.sourceId} />
              {change.sourceId && (
                <a
                  href={`/changes?source_id=${encodeURIComponent(change.sourceId)}`}
                  class={`block text-xs ${LINK}`}
                >
                  all its changes
                </a>
              )}
            </Cell>
            <Cell class="whitespace-normal">
              <FieldChanges
                changes={fieldChangeViews(
                  fieldList(change.fields),
                  currencies.get(change.adAccountId) ?? null,
                )}
              />
              <a
                href={`/rollbacks/new?change=${change.id}`}
                class={`mt-1 inline-block text-xs ${LINK}`}
                data-rollback-change
              >
                Undo…
              </a>
            </Cell>
          </tr>
        );
      })}
    </Table>
  );
}
