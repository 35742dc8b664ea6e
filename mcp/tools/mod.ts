/**
 * Every tool the MCP server exposes, in listing order.
 *
 * @module
 */
import type { McpTool } from "../tool.ts";
import { getAdAccountTool, listAdAccountsTool } from "./ad_accounts.ts";
import { explainAlertTool, listAlertsTool } from "./alerts.ts";
import {
  archiveCampaignTool,
  createCampaignTool,
  getCampaignTool,
  listCampaignsTool,
  pauseCampaignTool,
  resumeCampaignTool,
  updateCampaignTool,
} from "./campaigns.ts";
import { listChangesTool, previewRollbackTool, rollbackChangesTool } from "./changes.ts";
import {
  backtestRuleTool,
  createRuleTool,
  draftRuleTool,
  enableRuleTool,
  listRulesTool,
  ruleActivityTool,
} from "./rules.ts";
import { creditBalanceTool, dailyTrendTool, performanceSummaryTool } from "./reports.ts";

/** The tools, read-only first. */
export const TOOLS: readonly McpTool[] = [
  listAdAccountsTool,
  getAdAccountTool,
  listCampaignsTool,
  getCampaignTool,
  performanceSummaryTool,
  dailyTrendTool,
  creditBalanceTool,
  listChangesTool,
  previewRollbackTool,
  listAlertsTool,
  explainAlertTool,
  listRulesTool,
  ruleActivityTool,
  draftRuleTool,
  backtestRuleTool,
  createCampaignTool,
  updateCampaignTool,
  pauseCampaignTool,
  resumeCampaignTool,
  archiveCampaignTool,
  rollbackChangesTool,
  createRuleTool,
  enableRuleTool,
];
