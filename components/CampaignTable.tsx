import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { CampaignListItem } from "@/domain/campaigns.ts";
import { formatCount, formatDecimalMoney, formatMoney, formatRoas } from "@/pages/format.ts";

const COLUMNS: Column[] = [
  { label: "Campaign" },
  { label: "Status" },
  { label: "Budget", align: "right" },
  { label: "Spend (7d)", align: "right" },
  { label: "Clicks (7d)", align: "right" },
  { label: "Conv. (7d)", align: "right" },
  { label: "CPA (7d)", align: "right" },
  { label: "ROAS (7d)", align: "right" },
];

interface CampaignTableProps {
  campaigns: readonly CampaignListItem[];
  /** Ad account names by id, shown under each campaign's name. */
  accountNames: ReadonlyMap<string, string>;
  caption: string;
}

/** Campaigns with status, budget and their last 7 days of results. */
export function CampaignTable({ campaigns, accountNames, caption }: CampaignTableProps) {
  return (
    <Table columns={COLUMNS} caption={caption}>
      {campaigns.map((campaign) => (
        <CampaignRow
          key={campaign.id}
          campaign={campaign}
          account={accountNames.get(campaign.adAccountId)}
        />
      ))}
    </Table>
  );
}

function CampaignRow({ campaign, account }: { campaign: CampaignListItem; account?: string }) {
  const { last7Days: week, currency } = campaign;
  return (
    <tr class="hover:bg-neutral-50 dark:hover:bg-neutral-800/50" data-campaign-id={campaign.id}>
      <Cell class="max-w-xs">
        <a
          href={`/campaigns/${campaign.id}`}
          class="block truncate font-medium text-neutral-900 hover:text-indigo-600 dark:text-neutral-100 dark:hover:text-indigo-400"
        >
          {campaign.name}
        </a>
        <span class="block truncate text-xs text-neutral-500 dark:text-neutral-400">
          <span class="capitalize">{campaign.objective}</span>
          {account && ` · ${account}`}
        </span>
      </Cell>
      <Cell>
        <StatusBadge status={campaign.status} />
      </Cell>
      <Cell align="right">
        {formatMoney(campaign.budgetAmountMinor, currency)}
        <span class="block text-xs text-neutral-500 dark:text-neutral-400">
          {campaign.budgetType}
        </span>
      </Cell>
      <Cell align="right">{formatMoney(week.spendMinor, currency)}</Cell>
      <Cell align="right">{formatCount(week.clicks)}</Cell>
      <Cell align="right">{formatCount(week.conversions)}</Cell>
      <Cell align="right">{formatDecimalMoney(week.cpa, currency)}</Cell>
      <Cell align="right">{formatRoas(week.roas)}</Cell>
    </tr>
  );
}
