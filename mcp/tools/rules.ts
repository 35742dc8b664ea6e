/**
 * Automated rule tools: draft a rule (validated, with its conflicts), backtest a draft or a
 * saved rule (a summary card the chat embeds), save a rule (disabled), enable it (a person
 * approves first when software asks), list rules, and say what rules did recently.
 *
 * Rule drafts are camelCase JSON with money in major units of the ad account's currency, as in
 * `POST /api/v1/rules` (there in snake_case).
 *
 * @module
 */
import { z } from "zod";
import { MAX_PAGE_SIZE } from "../../domain/pagination.ts";
import { findConflicts, type RuleConflict } from "../../domain/rules/conflicts.ts";
import { countOf } from "../../domain/counts.ts";
import { ruleSentence, scheduleWords } from "../../domain/rules/describe.ts";
import { parseDraft, type RuleDraft, toDefinition } from "../../domain/rules/model.ts";
import type { Rule, StoredBacktest } from "../../domain/rules/service.ts";
import { formatMinor } from "../../domain/money.ts";
import { pendingApprovalSchema } from "../schemas.ts";
import {
  CHANGE_ARGUMENTS,
  defineTool,
  type McpBatchTool,
  type McpReadTool,
  type McpTool,
  type Presentation,
  type ToolContext,
} from "../tool.ts";

const DRAFT_DESCRIPTION = "A rule draft: {name, adAccountId, scope: {kind: 'all'} | " +
  "{kind: 'campaigns', campaignIds} | {kind: 'filter', nameContains?, statuses?}, conditions: " +
  "{match: 'all'|'any', conditions: [{metric, window, operator, value} | {metric, window, " +
  "operator, compareTo: {metric, window, factor}}]}, gate?: {enabled, minImpressions, " +
  "minClicks} (default on: 1000 impressions or 10 clicks), action: {type: 'pause' | " +
  "'pause_until_tomorrow' | 'resume' | 'notify_only'} | {type: 'adjust_budget', percent, " +
  "minBudget?, maxBudget?} | {type: 'set_budget', amount, minBudget?, maxBudget?}, schedule: " +
  "{frequency: 'every_15_minutes' | 'hourly'} | {frequency: 'daily', at: 'HH:MM'}, " +
  "cooldownHours? (default 24)}. Metrics: spend, impressions, clicks, conversions, revenue, " +
  "ctr (%), cpc, cpa, roas, budget_used_pct, daily_budget. Windows: {kind: 'today'}, " +
  "{kind: 'yesterday'}, {kind: 'last_n_days', n}, {kind: 'lifetime'}. Operators: >, >=, <, <=. " +
  "Money in major units of the account's currency (CPA 40 = USD 40.00).";

const draftArgument = z.record(z.string(), z.unknown()).describe(DRAFT_DESCRIPTION);
const ruleOutput = z.record(z.string(), z.unknown());

/** The draft validated against its account (money decimals, campaigns) and its conflicts. */
async function checkDraft(
  { domain, actor }: ToolContext,
  input: unknown,
): Promise<{ draft: RuleDraft; currency: string; warnings: RuleConflict[] }> {
  const draft = parseDraft(input);
  const account = await domain.adAccounts.get(actor, draft.adAccountId);
  toDefinition(draft, account.currency);
  const [rules, campaigns] = [
    await domain.rules.list(actor, { adAccountId: account.id, limit: MAX_PAGE_SIZE }),
    await domain.campaigns.list(actor, { adAccountId: account.id, limit: MAX_PAGE_SIZE }),
  ];
  const warnings = findConflicts(
    { id: "draft", ...draft },
    rules.items.filter((rule) => rule.enabled),
    campaigns.items,
  );
  return { draft, currency: account.currency, warnings };
}

/** The backtest as the chat's summary card. */
export function backtestPresentation(result: StoredBacktest, name: string): Presentation {
  const money = (minor: number) => formatMinor(minor, result.currency, { grouping: true });
  const { withRule, withoutRule } = result.outcome;
  const conversions = (value: number) => String(Math.round(value * 10) / 10);
  return {
    structured: {
      ruleId: result.ruleId,
      from: result.from,
      to: result.to,
      days: result.days,
      campaignsEvaluated: result.campaignsEvaluated,
      firingCount: result.firingCount,
      blockedCount: result.blockedCount,
      gateBlockedCount: result.gateBlockedCount,
      outcome: result.outcome,
      estimateNote: result.estimateNote,
      firings: result.firings.slice(0, 20).map((firing) => ({
        at: firing.at,
        campaignName: firing.campaignName,
        action: firing.action,
        blocked: firing.blocked?.message ?? null,
      })),
    },
    text: `Backtest of “${name}” over ${result.days} days (${result.from} to ${result.to}) on ` +
      `${countOf(result.campaignsEvaluated, "campaign")}: ${
        countOf(result.firingCount, "firing")
      }, ` +
      `${result.blockedCount} stopped by the account's limits, ${result.gateBlockedCount} held ` +
      `back by the data gate. Estimated spend ${money(withoutRule.spendMinor)} without the ` +
      `rule, ${money(withRule.spendMinor)} with it; conversions ${
        conversions(withoutRule.conversions)
      } → ${conversions(withRule.conversions)}. ${result.estimateNote}`,
    component: {
      type: "card",
      data: {
        title: `Backtest: ${name} (last ${result.days} days, estimate)`,
        fields: [
          { label: "Firings", value: String(result.firingCount) },
          { label: "Stopped by limits", value: String(result.blockedCount) },
          { label: "Held back by the data gate", value: String(result.gateBlockedCount) },
          { label: "Campaigns watched", value: String(result.campaignsEvaluated) },
          { label: "Spend without the rule", value: money(withoutRule.spendMinor) },
          { label: "Spend with the rule", value: money(withRule.spendMinor) },
          {
            label: "Conversions without → with",
            value: `${conversions(withoutRule.conversions)} → ${conversions(withRule.conversions)}`,
          },
        ],
      },
    },
  };
}

function ruleCard(rule: Rule, title: string): Presentation["component"] {
  const backtest = rule.latestBacktest;
  const money = (minor: number) => formatMinor(minor, rule.currency, { grouping: true });
  const backtestFields = backtest
    ? [
      {
        label: `Backtest (last ${backtest.days} days)`,
        value:
          `${
            countOf(backtest.firingCount, "firing")
          }, ${backtest.blockedCount} stopped by limits, ` +
          `${backtest.gateBlockedCount} held back by the data gate`,
      },
      {
        label: "Spend without → with the rule (estimate)",
        value: `${money(backtest.outcome.withoutRule.spendMinor)} → ${
          money(backtest.outcome.withRule.spendMinor)
        }`,
      },
    ]
    : [{ label: "Backtest", value: "none yet" }];
  return {
    type: "card",
    data: {
      title,
      fields: [
        { label: "Rule", value: rule.name },
        { label: "Status", value: rule.enabled ? "enabled" : "disabled" },
        { label: "What it does", value: ruleSentence(rule, rule.currency) },
        {
          label: "Warnings",
          value: rule.warnings.length === 0
            ? "none"
            : rule.warnings.map((warning) => warning.message).join("; "),
        },
        ...backtestFields,
      ],
    },
  };
}

/** `draft_rule`: validates a draft and answers it with its conflicts (nothing saved). */
export const draftRuleTool: McpTool = defineTool({
  kind: "read",
  name: "draft_rule",
  title: "Draft a rule",
  description: "Checks an automated rule draft without saving it: answers the validated draft " +
    "with its defaults, a sentence saying what it does, and warnings when enabled rules of the " +
    "account could act against it. Next: backtest_rule with the same draft.",
  input: { rule: draftArgument },
  output: { draft: ruleOutput, sentence: z.string(), warnings: z.array(ruleOutput) },
  run: (context, args) => checkDraft(context, args.rule),
  present: ({ draft, currency, warnings }) => {
    const sentence = ruleSentence(draft, currency);
    return {
      structured: { draft: { ...draft }, sentence, warnings: warnings.map((w) => ({ ...w })) },
      text: `Draft “${draft.name}”: ${sentence}` +
        (warnings.length > 0
          ? ` Warnings: ${warnings.map((warning) => warning.message).join("; ")}.`
          : " No conflicts with enabled rules."),
      component: {
        type: "card",
        data: {
          title: `Rule draft: ${draft.name}`,
          fields: [
            { label: "What it does", value: sentence },
            {
              label: "Warnings",
              value: warnings.length === 0 ? "none" : warnings.map((w) => w.message).join("; "),
            },
          ],
        },
      },
    };
  },
});

/** `backtest_rule`: replays a draft or a saved rule over stored history (summary card). */
export const backtestRuleTool: McpTool = defineTool({
  kind: "read",
  name: "backtest_rule",
  title: "Backtest a rule",
  description: "Replays a rule over the last `days` complete days of stored metrics (default " +
    "30, at most 90) as its schedule would have run it: firings, what the account's limits and " +
    "the data gate stopped, and spend and conversions with vs without it (an estimate). Give " +
    "`ruleId` for a saved rule (the result is stored as its latest backtest) or `rule` for a " +
    "draft.",
  input: {
    ruleId: z.uuid().optional().describe("A saved rule's id."),
    rule: draftArgument.optional(),
    days: z.number().int().min(1).max(90).optional(),
  },
  output: { backtest: ruleOutput },
  async run({ domain, actor }, args) {
    if (args.ruleId) {
      const rule = await domain.rules.get(actor, args.ruleId);
      return {
        name: rule.name,
        result: await domain.rules.backtest(actor, rule.id, { days: args.days }),
      };
    }
    const draft = parseDraft(args.rule ?? {});
    return {
      name: draft.name,
      result: await domain.rules.backtestDraft(actor, draft, { days: args.days }),
    };
  },
  present: ({ name, result }) => {
    const presentation = backtestPresentation(result, name);
    return { ...presentation, structured: { backtest: presentation.structured } };
  },
});

/** `list_rules`: the user's rules (table). */
export const listRulesTool: McpTool = defineTool({
  kind: "read",
  name: "list_rules",
  title: "List rules",
  description: "Lists the user's automated rules, oldest first: whether each is enabled, what " +
    "it does, its schedule, conflict warnings and latest backtest summary. Optional adAccountId.",
  input: { adAccountId: z.uuid().optional() },
  output: { items: z.array(ruleOutput), total: z.number() },
  run: ({ domain, actor }, args) =>
    domain.rules.list(actor, { adAccountId: args.adAccountId, limit: MAX_PAGE_SIZE }),
  present: (page) => ({
    structured: { items: page.items.map((rule) => ({ ...rule })), total: page.total },
    text: page.total === 0
      ? "No rules yet."
      : page.items.map((rule) =>
        `“${rule.name}” (${rule.enabled ? "enabled" : "disabled"}, id ${rule.id}): ${
          ruleSentence(rule, rule.currency)
        }`
      ).join(" "),
    component: {
      type: "table",
      data: {
        title: "Rules",
        columns: [
          { key: "name", label: "Rule" },
          { key: "status", label: "Status" },
          { key: "schedule", label: "Schedule" },
          { key: "warnings", label: "Warnings" },
        ],
        rows: page.items.map((rule) => ({
          name: rule.name,
          status: rule.enabled ? "enabled" : "disabled",
          schedule: scheduleWords(rule.schedule),
          warnings: rule.warnings.length,
        })),
        total: page.total,
      },
    },
  }),
});

/** `rule_activity`: what rules did since a time (default: the last 7 days), with held requests. */
export const ruleActivityTool: McpTool = defineTool({
  kind: "read",
  name: "rule_activity",
  title: "Rule activity",
  description: "What the user's automated rules did recently (default: the last 7 days): each " +
    "change a rule made and each change waiting for the user's approval, newest first, per " +
    "rule. Answers 'what did my rules do this week?'.",
  input: {
    since: z.iso.datetime({ offset: true }).optional().describe("ISO time; default 7 days ago."),
  },
  output: { since: z.string(), items: z.array(ruleOutput), total: z.number() },
  async run({ domain, actor, clock }, args) {
    const since = args.since ?? new Date(clock.now().getTime() - 7 * 86_400_000).toISOString();
    const [entries, rules] = [
      await domain.ruleActivity.firingsSince(actor, since),
      await domain.rules.list(actor, { limit: MAX_PAGE_SIZE }),
    ];
    const names = new Map(rules.items.map((rule) => [rule.id, rule.name]));
    return { since, entries, names, ruleCount: rules.total };
  },
  present: ({ since, entries, names, ruleCount }) => {
    const items = entries.map((entry) => ({
      at: entry.at,
      rule: names.get(entry.ruleId) ?? entry.ruleId,
      ruleId: entry.ruleId,
      campaignId: entry.campaignId,
      outcome: entry.outcome,
      action: entry.action,
      link: entry.link,
    }));
    const held = items.filter((item) => item.outcome === "held").length;
    const text = ruleCount === 0
      ? "You have no rules yet."
      : items.length === 0
      ? `Your ${countOf(ruleCount, "rule")} changed nothing since ${
        since.slice(0, 10)
      }, and nothing ` +
        "waits for your approval."
      : `Since ${since.slice(0, 10)} your rules acted ${countOf(items.length - held, "time")}` +
        (held > 0
          ? ` and ${countOf(held, "change")} wait${held === 1 ? "s" : ""} for your approval`
          : "") +
        ": " +
        items.slice(0, 10).map((item) =>
          `${item.at.slice(0, 16).replace("T", " ")} “${item.rule}” ${item.action}`
        ).join("; ") + (items.length > 10 ? "; …" : ".");
    return {
      structured: { since, items, total: items.length },
      text,
      component: {
        type: "table",
        data: {
          title: `Rule activity since ${since.slice(0, 10)}`,
          columns: [
            { key: "at", label: "When" },
            { key: "rule", label: "Rule" },
            { key: "outcome", label: "Outcome" },
            { key: "action", label: "What" },
          ],
          rows: items.map(({ at, rule, outcome, action }) => ({ at, rule, outcome, action })),
          total: items.length,
        },
      },
    };
  },
});

/** `create_rule`: saves a rule, disabled (enabling is `enable_rule`). */
export const createRuleTool: McpReadTool = {
  kind: "read",
  name: "create_rule",
  title: "Save a rule (disabled)",
  description: "Saves an automated rule draft as a disabled rule and answers it with its id " +
    "and warnings. It does nothing until enabled with enable_rule, which the user approves.",
  input: { rule: draftArgument },
  output: { rule: ruleOutput },
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
  async execute({ domain, actor }, args) {
    const draft = parseDraft(args.rule);
    const rule = await domain.rules.create(actor, { ...draft, enabled: false });
    return {
      structured: { rule: { ...rule } },
      text: `Saved “${rule.name}” (id ${rule.id}), disabled: ${ruleSentence(rule, rule.currency)}`,
      component: ruleCard(rule, "Rule saved (disabled)"),
    };
  },
};

/** `enable_rule`: switches a saved rule on; software needs the user's approval. */
export const enableRuleTool: McpBatchTool = {
  kind: "batch",
  name: "enable_rule",
  title: "Enable a rule",
  description: "Enables a saved rule so it runs on its schedule. Requires the user's approval " +
    "of the rule (shown with its backtest and warnings): the result is then " +
    '{status: "approval_required", approval} with where the user approves. Backtest first.',
  input: { ruleId: z.uuid(), ...CHANGE_ARGUMENTS },
  output: {
    status: z.enum(["applied", "approval_required"]),
    rule: ruleOutput.optional(),
    approval: pendingApprovalSchema.optional(),
  },
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  async review({ domain, actor }, args) {
    const review = await domain.ruleEnabling.review(actor, String(args.ruleId));
    return {
      reason: "enabling an automated rule needs a person's approval when software asks",
      rules: ["enable_rule"],
      preview: review.preview,
      previewDigest: review.previewDigest,
    };
  },
  async request({ domain, actor, source }, args, approval) {
    const outcome = await domain.ruleEnabling.request(
      actor,
      source,
      String(args.ruleId),
      approval,
    );
    if (outcome.status === "approval_required") {
      return {
        status: "approval_required",
        approval: outcome.approval,
        review: {
          reason: outcome.approval.reason,
          rules: outcome.approval.rules,
          preview: outcome.review.preview,
          previewDigest: outcome.review.previewDigest,
        },
      };
    }
    const { rule } = outcome;
    return {
      status: "applied",
      presentation: {
        structured: { status: "applied", rule: { ...rule } },
        text: `Enabled “${rule.name}”: it runs ${scheduleWords(rule.schedule)}.`,
        component: ruleCard(rule, `Rule enabled: ${rule.name}`),
      },
    };
  },
};
