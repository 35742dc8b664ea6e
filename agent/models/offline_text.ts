/**
 * A fallback for tool results that arrive as text only (an agent that stores just the MCP
 * result's text instead of `formatToolResult`'s JSON): recovers the list items the offline
 * assistant needs from the list tools' text summaries, so finding a campaign or an account by
 * name still works. Best effort by design — structured results are always preferred.
 *
 * @module
 */
import { parseNumber } from "./offline_amounts.ts";
import { currencyExponent, toMinorUnits } from "../../domain/money.ts";

const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;

/** `{items, total}` recovered from a list tool's text, or null when the text does not fit. */
export function structuredFromText(
  tool: string,
  text: string,
): Record<string, unknown> | null {
  if (tool === "list_campaigns") return campaignsFromText(text);
  if (tool === "list_ad_accounts") return accountsFromText(text);
  if (tool === "credit_balance") {
    const match = /(-?\d+)\s+credits?/i.exec(text);
    return match ? { balance: Number(match[1]) } : null;
  }
  return null;
}

// `"Name" (active, sales, USD 50.00 daily), last 7 days spend USD 12.00, 3 conversions [id]`
const CAMPAIGN = new RegExp(
  String.raw`"(.+?)" \((\w+), (\w+), ([A-Z]{3}) ([\d.]+) (daily|lifetime)\)[^\[]*\[(${UUID})\]`,
  "giu",
);

function campaignsFromText(text: string): Record<string, unknown> | null {
  if (/^No campaigns match/i.test(text)) return { items: [], total: 0 };
  const items = [...text.matchAll(CAMPAIGN)].map((match) => {
    const [, name, status, objective, currency, amount, budgetType, id] = match;
    const parsed = parseNumber(amount);
    return {
      id,
      name,
      status,
      objective,
      currency,
      budgetType,
      budgetAmountMinor: parsed ? toMinorUnits(parsed, currencyExponent(currency)) ?? 0 : 0,
    };
  });
  if (items.length === 0) return null;
  const total = Number(/^(\d+) campaign/i.exec(text)?.[1] ?? items.length);
  return { items, total };
}

// `"Name" (sandbox, USD, active) [id]`
const ACCOUNT = new RegExp(String.raw`"(.+?)" \((\w+), ([A-Z]{3}), (\w+)\) \[(${UUID})\]`, "giu");

function accountsFromText(text: string): Record<string, unknown> | null {
  if (/^No ad accounts/i.test(text)) return { items: [], total: 0 };
  const items = [...text.matchAll(ACCOUNT)].map(([, name, platform, currency, status, id]) => ({
    id,
    name,
    platform,
    currency,
    status,
  }));
  return items.length > 0 ? { items, total: items.length } : null;
}
