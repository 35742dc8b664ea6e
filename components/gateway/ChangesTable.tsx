import { FieldChanges } from "@/components/gateway/FieldChanges.tsx";
import { RequesterLink } from "@/components/gateway/RequesterLink.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { ChangedCampaign, ChangeRecord } from "@/domain/change_history.ts";
import { formatDateTime } from "@/pages/format.ts";
import { actorKindLabel, fieldChangeViews, fieldList } from "@/pages/gateway_view.ts";

const COLUMNS: readonly Column[] = [
  { label: "Time" },
  { label: "Campaign or account" },
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
  rename_ad_account: "Renamed the ad account",
  disconnect_ad_account: "Disconnected the ad account",
};

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

interface ChangesTableProps {
  changes: ChangeRecord[];
  campaigns: ReadonlyMap<string, ChangedCampaign>;
  /** Connected ad accounts by id (disconnected ones are absent). */
  accounts: ReadonlyMap<string, { name: string; currency: string }>;
}

/** Changes newest first, like an ad platform's change history; assistant rows link their run. */
export function ChangesTable({ changes, campaigns, accounts }: ChangesTableProps) {
  return (
    <Table columns={COLUMNS} caption="Change history">
      {changes.map((change) => {
        const account = accounts.get(change.adAccountId);
        return (
          <tr data-change-id={change.id} data-actor-kind={change.actorKind} class="align-top">
            <Cell>
              <time datetime={change.createdAt}>
                {formatDateTime(change.createdAt, { seconds: true })}
              </time>
            </Cell>
            <Cell class="max-w-xs truncate">
              {change.campaignId === null
                ? <AccountName id={change.adAccountId} name={account?.name ?? null} />
                : (
                  <CampaignName
                    id={change.campaignId}
                    campaign={campaigns.get(change.campaignId)}
                  />
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
                  account?.currency ?? null,
                )}
              />
              {change.campaignId !== null && (
                <a
                  href={`/rollbacks/new?change=${change.id}`}
                  class={`mt-1 inline-block text-xs ${LINK}`}
                  data-rollback-change
                >
                  Undo…
                </a>
              )}
            </Cell>
          </tr>
        );
      })}
    </Table>
  );
}

function CampaignName({ id, campaign }: { id: string; campaign: ChangedCampaign | undefined }) {
  if (campaign?.deleted) return <span>{campaign.name} (deleted)</span>;
  return (
    <a href={`/campaigns/${id}`} class={LINK} data-campaign-link>
      {campaign?.name ?? `Campaign ${id.slice(0, 8)}…`}
    </a>
  );
}

/** The ad account itself; a disconnected one has no page left to link. */
function AccountName({ id, name }: { id: string; name: string | null }) {
  if (name === null) return <span>Ad account {id.slice(0, 8)}… (disconnected)</span>;
  return <a href={`/ad-accounts/${id}`} class={LINK} data-account-link>Ad account {name}</a>;
}
