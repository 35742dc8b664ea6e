/**
 * Ad account tools: list and get (read only).
 *
 * @module
 */
import { z } from "zod";
import type { AdAccount } from "../../domain/ad_accounts.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { adAccountSchema, pageShape } from "../schemas.ts";
import { defineTool, type McpTool } from "../tool.ts";

/** `list_ad_accounts`: the connected ad accounts, newest first (table). */
export const listAdAccountsTool: McpTool = defineTool({
  kind: "read",
  name: "list_ad_accounts",
  title: "List ad accounts",
  description: "Lists the user's connected ad accounts (newest first), paginated with skip/limit.",
  input: pageSchema.shape,
  output: pageShape(adAccountSchema),
  run: ({ domain, actor }, args) => domain.adAccounts.list(actor, args),
  present: (page) => ({
    structured: { ...page },
    text: page.total === 0 ? "No ad accounts are connected." : `${page.total} ad account(s): ` +
      page.items.map((account) => `${describe(account)} [${account.id}]`).join("; "),
    component: {
      type: "table",
      data: {
        title: "Ad accounts",
        columns: [
          { key: "name", label: "Name" },
          { key: "platform", label: "Platform" },
          { key: "currency", label: "Currency" },
          { key: "timezone", label: "Time zone" },
          { key: "status", label: "Status" },
        ],
        rows: page.items.map((account) => ({ ...account })),
        total: page.total,
      },
    },
  }),
});

/** `get_ad_account`: one ad account (card). */
export const getAdAccountTool: McpTool = defineTool({
  kind: "read",
  name: "get_ad_account",
  title: "Get ad account",
  description: "Gets one of the user's ad accounts by id.",
  input: { adAccountId: z.uuid().describe("Ad account id") },
  output: adAccountSchema.shape,
  run: ({ domain, actor }, args) => domain.adAccounts.get(actor, args.adAccountId),
  present: (account) => ({
    structured: { ...account },
    text: `Ad account ${describe(account)}, time zone ${account.timezone} [${account.id}].`,
    component: {
      type: "card",
      data: {
        title: account.name,
        fields: [
          { label: "Platform", value: account.platform },
          { label: "Currency", value: account.currency },
          { label: "Time zone", value: account.timezone },
          { label: "Status", value: account.status },
          { label: "Metrics synced", value: account.metricsSyncedAt ?? "never" },
        ],
      },
    },
  }),
});

function describe(account: AdAccount): string {
  return `"${account.name}" (${account.platform}, ${account.currency}, ${account.status})`;
}
