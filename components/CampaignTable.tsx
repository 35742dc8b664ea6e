import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { CAMPAIGN_SORTS, CampaignListItem } from "@/domain/campaigns.ts";
import { formatCount, formatDecimalMoney, formatMoney, formatRoas } from "@/pages/format.ts";

type SortKey = typeof CAMPAIGN_SORTS[number];

/** The columns after the selection box: label, alignment, and the ascending sort key if any. */
const COLUMNS: { label: string; align?: "right"; sort?: SortKey }[] = [
  { label: "Campaign", sort: "name" },
  { label: "Status" },
  { label: "Budget", align: "right", sort: "budget_amount_minor" },
  { label: "Spend", align: "right", sort: "spend" },
  { label: "Clicks", align: "right", sort: "clicks" },
  { label: "Conv.", align: "right", sort: "conversions" },
  { label: "CPA", align: "right", sort: "cpa" },
  { label: "ROAS", align: "right", sort: "roas" },
];

/** Keys whose first click sorts high to low: people look for the biggest spenders first. */
const DESCENDING_FIRST = new Set<SortKey>([
  "budget_amount_minor",
  "spend",
  "clicks",
  "conversions",
  "roas",
]);

interface CampaignTableProps {
  campaigns: readonly CampaignListItem[];
  /** Ad account names by id, shown under each campaign's name. */
  accountNames: ReadonlyMap<string, string>;
  caption: string;
  /** Sortable headers: links on `url` (other parameters kept), `current` marked with aria-sort. */
  sort?: { url: URL; current: SortKey };
  /** The id of the form the rows' selection boxes belong to (bulk actions). */
  selectForm?: string;
}

/** The header of one column: a sort link when sortable, marked when it is the current sort. */
function column(
  spec: typeof COLUMNS[number],
  sort: CampaignTableProps["sort"],
): Column {
  if (!sort || !spec.sort) return { label: spec.label, align: spec.align };
  const key = spec.sort;
  const current = sort.current === key
    ? "ascending" as const
    : sort.current === `-${key}`
    ? "descending" as const
    : undefined;
  const next = current === "ascending"
    ? `-${key}`
    : current === "descending" || !DESCENDING_FIRST.has(key)
    ? key
    : `-${key}`;
  const target = new URL(sort.url);
  target.searchParams.set("sort", next);
  target.searchParams.delete("skip");
  return {
    label: spec.label,
    align: spec.align,
    sort: { href: `${target.pathname}${target.search}`, current },
  };
}

/** Campaigns with status, budget and their results over the page's period. */
export function CampaignTable(
  { campaigns, accountNames, caption, sort, selectForm }: CampaignTableProps,
) {
  const columns = [
    ...(selectForm ? [{ label: "Select", srOnly: true }] : []),
    ...COLUMNS.map((spec) => column(spec, sort)),
  ];
  return (
    <Table columns={columns} caption={caption}>
      {campaigns.map((campaign) => (
        <CampaignRow
          key={campaign.id}
          campaign={campaign}
          account={accountNames.get(campaign.adAccountId)}
          selectForm={selectForm}
        />
      ))}
    </Table>
  );
}

function CampaignRow(
  { campaign, account, selectForm }: {
    campaign: CampaignListItem;
    account?: string;
    selectForm?: string;
  },
) {
  const { totals, currency } = campaign;
  return (
    <tr class="hover:bg-neutral-50 dark:hover:bg-neutral-800/50" data-campaign-id={campaign.id}>
      {selectForm && (
        <Cell>
          <input
            type="checkbox"
            name="id"
            value={campaign.id}
            form={selectForm}
            aria-label={`Select ${campaign.name}`}
            class="size-4 rounded border-neutral-300 dark:border-neutral-600"
          />
        </Cell>
      )}
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
      <Cell align="right">{formatMoney(totals.spendMinor, currency)}</Cell>
      <Cell align="right">{formatCount(totals.clicks)}</Cell>
      <Cell align="right">{formatCount(totals.conversions)}</Cell>
      <Cell align="right">{formatDecimalMoney(totals.cpa, currency)}</Cell>
      <Cell align="right">{formatRoas(totals.roas)}</Cell>
    </tr>
  );
}
