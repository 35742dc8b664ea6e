/**
 * Drives a `ChatModel` through one user turn the way the agent graph does — generate, run the
 * tool calls, append the results, generate again — against canned tool data, so offline tests
 * can assert on the calls chosen without a database.
 *
 * @module
 */
import type {
  ChatModel,
  ModelMessage,
  ModelToolCall,
  ToolSpec,
} from "../../../agent/models/types.ts";
import type { ToolResultLike } from "../../../agent/models/tool_result.ts";

/** Fixed "now" of the offline tests: Thursday 2026-11-26, noon UTC. */
export const NOW = new Date("2026-11-26T12:00:00.000Z");

/** Ids of the canned data. */
export const IDS = {
  account: "0b7f6a52-3c1e-4d8e-9a51-6f1d2a3b4c01",
  spring: "1a2b3c4d-0000-4000-8000-000000000001",
  brand: "1a2b3c4d-0000-4000-8000-000000000002",
  newsletter: "1a2b3c4d-0000-4000-8000-000000000003",
  blackFriday: "1a2b3c4d-0000-4000-8000-000000000004",
  summer: "1a2b3c4d-0000-4000-8000-000000000005",
} as const;

/** Every tool name the MCP server lists, with loose schemas (the offline model ignores them). */
export const TOOL_SPECS: ToolSpec[] = [
  "list_ad_accounts",
  "get_ad_account",
  "list_campaigns",
  "get_campaign",
  "performance_summary",
  "daily_trend",
  "credit_balance",
  "create_campaign",
  "update_campaign",
  "pause_campaign",
  "resume_campaign",
  "archive_campaign",
].map((name) => ({ name, description: name, parameters: { type: "object", properties: {} } }));

const totals = {
  impressions: 120_000,
  clicks: 2_400,
  spendMinor: 123_456,
  conversions: 48,
  revenueMinor: 480_000,
  ctr: "0.020000",
  cpc: "0.5144",
  cpa: "25.7200",
  roas: "3.8880",
};

/** A canned campaign (USD, on the canned account) as the list tools return it. */
export function campaign(
  id: string,
  name: string,
  status: string,
  objective: string,
  budgetAmountMinor: number,
  budgetType = "daily",
) {
  return {
    id,
    adAccountId: IDS.account,
    externalId: null,
    name,
    objective,
    status,
    budgetType,
    budgetAmountMinor,
    currency: "USD",
    startDate: null,
    endDate: null,
    targeting: {},
    landingUrl: null,
    createdAt: "2026-10-01T00:00:00.000Z",
    updatedAt: "2026-10-01T00:00:00.000Z",
    last7Days: totals,
  };
}

/** The canned campaigns. */
export const CAMPAIGNS = [
  campaign(IDS.spring, "Spring Sale — Search", "active", "sales", 5_000),
  campaign(IDS.brand, "Brand Awareness Q4", "active", "awareness", 3_000),
  campaign(IDS.newsletter, "Newsletter Leads", "paused", "leads", 2_000),
  campaign(IDS.blackFriday, "Black Friday Blowout", "active", "sales", 6_000),
  campaign(IDS.summer, "Summer Clearance", "archived", "sales", 4_000),
];

/** The canned ad account. */
export const ACCOUNT = {
  id: IDS.account,
  platform: "sandbox",
  externalAccountId: "sbx-1",
  name: "Demo Store",
  currency: "USD",
  timezone: "UTC",
  status: "active",
  metricsSyncedAt: null,
  createdAt: "2026-10-01T00:00:00.000Z",
  updatedAt: "2026-10-01T00:00:00.000Z",
};

/** Answers a tool call from the canned data (write tools apply, as after an approval). */
export function cannedTool(call: ModelToolCall): ToolResultLike {
  return cannedToolsOver(CAMPAIGNS)(call);
}

/** Like `cannedTool`, over another set of campaigns. */
export function cannedToolsOver(
  campaigns: readonly ReturnType<typeof campaign>[],
): (call: ModelToolCall) => ToolResultLike {
  return (call) => answer(campaigns, call);
}

function answer(
  campaigns: readonly ReturnType<typeof campaign>[],
  call: ModelToolCall,
): ToolResultLike {
  const args = call.args;
  switch (call.name) {
    case "list_ad_accounts":
      return ok("1 ad account", { items: [ACCOUNT], total: 1, skip: 0, limit: 20 });
    case "list_campaigns": {
      const items = campaigns.filter((item) =>
        (args.status === undefined || item.status === args.status) &&
        (args.search === undefined ||
          item.name.toLowerCase().includes(String(args.search).toLowerCase()))
      );
      return ok(`${items.length} campaign(s)`, {
        items,
        total: items.length,
        skip: 0,
        limit: Number(args.limit ?? 20),
      });
    }
    case "performance_summary":
    case "daily_trend": {
      const report = {
        from: String(args.from ?? "2026-11-19"),
        to: String(args.to ?? "2026-11-25"),
        adAccountId: args.adAccountId ?? null,
        campaignId: args.campaignId ?? null,
        currency: "USD",
        totals,
      };
      return ok(
        "report",
        call.name === "daily_trend"
          ? { ...report, daily: [{ ...totals, date: report.to }] }
          : report,
      );
    }
    case "credit_balance":
      return ok("Credit balance: 87 credits.", { balance: 87 });
    case "create_campaign":
      return ok("Created", {
        status: "applied",
        campaign: {
          ...campaign("9e9e9e9e-0000-4000-8000-000000000009", "", "draft", "", 0),
          ...args,
        },
      });
    case "update_campaign":
    case "pause_campaign":
    case "resume_campaign":
    case "archive_campaign": {
      const found = campaigns.find((item) => item.id === args.campaignId);
      if (!found) return { content: [{ type: "text", text: "campaign not found" }], isError: true };
      const status =
        { pause_campaign: "paused", resume_campaign: "active", archive_campaign: "archived" }[
          call.name as "pause_campaign"
        ] ?? found.status;
      return ok("Applied", { status: "applied", campaign: { ...found, ...args, status } });
    }
    default:
      return { content: [{ type: "text", text: `unknown tool ${call.name}` }], isError: true };
  }
}

function ok(text: string, structuredContent: Record<string, unknown>): ToolResultLike {
  return { content: [{ type: "text", text }], structuredContent };
}

/**
 * How the agent graph stores a tool result in a `tool` message: the structured content as JSON,
 * an error as `{status: "error", message}`, text when there is nothing structured.
 */
export function agentEncoding(result: ToolResultLike): string {
  const text = (result.content ?? []).map((item) => item.text ?? "").join("\n");
  if (result.isError) return JSON.stringify({ status: "error", message: text });
  return result.structuredContent ? JSON.stringify(result.structuredContent) : text;
}

/** What one user turn produced. */
export interface Conversation {
  /** Every tool call, in order. */
  calls: ModelToolCall[];
  /** The final text. */
  reply: string;
  /** The whole history after the turn. */
  messages: ModelMessage[];
}

/**
 * Sends `text` after `history` and loops model → tools until the model answers without tool
 * calls (at most `maxSteps` model calls).
 */
export async function converse(
  model: ChatModel,
  text: string,
  options: {
    history?: ModelMessage[];
    tool?: (call: ModelToolCall) => ToolResultLike | Promise<ToolResultLike>;
    /** How results are stored in `tool` messages; default: the agent graph's encoding. */
    encode?: (result: ToolResultLike) => string;
    maxSteps?: number;
    /** The time zone the runner would pass (the ad accounts' zone). */
    timeZone?: string;
  } = {},
): Promise<Conversation> {
  const messages: ModelMessage[] = [...(options.history ?? []), { role: "user", content: text }];
  const calls: ModelToolCall[] = [];
  const tool = options.tool ?? cannedTool;
  for (let step = 0; step < (options.maxSteps ?? 6); step++) {
    const turn = await model.generate({
      messages,
      tools: TOOL_SPECS,
      timeZone: options.timeZone,
    });
    messages.push({ role: "assistant", content: turn.content, toolCalls: turn.toolCalls });
    if (turn.toolCalls.length === 0) return { calls, reply: turn.content, messages };
    for (const call of turn.toolCalls) {
      calls.push(call);
      messages.push({
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content: (options.encode ?? agentEncoding)(await tool(call)),
      });
    }
  }
  throw new Error(`no final answer after ${options.maxSteps ?? 6} steps: ${JSON.stringify(calls)}`);
}
