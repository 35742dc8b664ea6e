/**
 * Enabling a rule when software asks (the assistant, an MCP client, an API token): a rule acts
 * on campaigns by itself once enabled, so a person approves exactly that rule — shown with its
 * sentence, its latest backtest and its conflicts — before it is switched on. People enabling
 * their own rule go ahead. The approval step is the write gateway's `authorize`, as for rollbacks.
 *
 * @module
 */
import type { Queryable } from "../../db/database.ts";
import type { Actor } from "../actor.ts";
import { canonicalJson } from "../approval.ts";
import type { ApprovalPreview } from "../approval.ts";
import type { Approval } from "../approvals.ts";
import { sha256Hex } from "../secrets.ts";
import type { ChangeSource, WriteGateway, WriteRequest } from "../write_gateway.ts";
import { countOf } from "../counts.ts";
import { ruleSentence } from "./describe.ts";
import type { Rule, RulesService } from "./service.ts";

/** What a person approves before software enables a rule. */
export interface EnableReview {
  rule: Rule;
  preview: ApprovalPreview;
  previewDigest: string;
}

/** The outcome of asking to enable a rule. */
export type EnableOutcome =
  | { status: "applied"; rule: Rule }
  | { status: "approval_required"; approval: Approval; review: EnableReview };

/** How a caller presents a person's approval (as for other held changes). */
export type EnableApproval = Pick<
  WriteRequest,
  "approvalId" | "idempotencyKey" | "grantedPreviewDigest"
>;

/** Enabling rules on behalf of whoever asks. */
export interface RuleEnabling {
  /** The preview a person approves for enabling `ruleId` (what a grant binds). */
  review(actor: Actor, ruleId: string): Promise<EnableReview>;
  /** Enables the rule, or holds the request for a person's approval when software asks. */
  request(
    actor: Actor,
    source: ChangeSource,
    ruleId: string,
    approval?: EnableApproval,
  ): Promise<EnableOutcome>;
}

/** The reason held requests carry. */
const REASON = "enabling an automated rule needs a person's approval when software asks";

/** Builds the enabling step. */
export function createRuleEnabling(
  db: Queryable,
  rules: Pick<RulesService, "get" | "enable">,
  gateway: Pick<WriteGateway, "authorize">,
): RuleEnabling {
  async function review(actor: Actor, ruleId: string): Promise<EnableReview> {
    const rule = await rules.get(actor, ruleId);
    const backtest = rule.latestBacktest;
    const sentences = [
      `Enable the rule “${rule.name}”: ${ruleSentence(rule, rule.currency)}`,
      backtest
        ? `Its backtest over the last ${backtest.days} days: ${
          countOf(backtest.firingCount, "firing")
        }, ` +
          `${backtest.blockedCount} stopped by the account's limits, ${backtest.gateBlockedCount} ` +
          "held back by the data gate."
        : "It has no backtest yet.",
      ...rule.warnings.map((warning) => `Warning: ${warning.message}.`),
    ];
    const preview: ApprovalPreview = { summary: sentences.join(" "), changes: [] };
    return { rule, preview, previewDigest: await sha256Hex(canonicalJson(preview)) };
  }

  return {
    review,
    async request(actor, source, ruleId, approval = {}) {
      const reviewed = await review(actor, ruleId);
      const authorized = await gateway.authorize({
        actor,
        source,
        ...approval,
        held: {
          adAccountId: reviewed.rule.adAccountId,
          operation: { type: "enable_rule", ruleId: reviewed.rule.id },
          preview: reviewed.preview,
          previewDigest: reviewed.previewDigest,
          reason: REASON,
          rules: ["enable_rule"],
        },
      });
      if (authorized.status === "approval_required") {
        return { status: "approval_required", approval: authorized.approval, review: reviewed };
      }
      // The approval is used once, then the rule enabled (idempotent: enabling twice is once).
      await authorized.consume(db);
      return { status: "applied", rule: await rules.enable(actor, ruleId) };
    },
  };
}
