/**
 * What a run did, in one plain sentence for people ("Created Spring Sale", "Raised Spring Sale's
 * budget to $120.00/day", "Answered: how did my campaigns do…"): from the changes its tool steps
 * made (the change history records each with its before and after, under the run's id) and, when
 * it changed nothing, from the question it answered and how it ended.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { fromDbJson } from "../../db/json.ts";
import type { AgentRunStatus } from "../../db/schema.ts";
import { formatBudget } from "../../domain/metric_format.ts";

/** One change a run's tool step made, with what the sentence needs. */
export interface RunChange {
  /** The history's operation: `create`, `update`, `pause`, `resume`, `archive`, `delete`… */
  operation: string;
  campaignName: string;
  currency: string;
  /** The campaign's budget type now, for budget sentences. */
  budgetType: string;
  fields: Record<string, { before: unknown; after: unknown }>;
}

/** What the sentence is made from. */
export interface RunFacts {
  status: AgentRunStatus;
  /** The user's message that started the run; null when it is gone. */
  question: string | null;
  changes: readonly RunChange[];
}

/** Longest quoted question before it is cut with "…". */
const QUESTION_CHARS = 60;
/** Changes named before "and N more". */
const NAMED_CHANGES = 3;

/** The run's sentence. */
export function runSentence(facts: RunFacts): string {
  if (facts.changes.length > 0) {
    const named = facts.changes.slice(0, NAMED_CHANGES).map(changeSentence);
    const more = facts.changes.length - named.length;
    const sentence = named.map((part, index) => index === 0 ? part : lowerFirst(part)).join("; ");
    return more > 0 ? `${sentence}; and ${more} more change${more === 1 ? "" : "s"}` : sentence;
  }
  const question = quoted(facts.question);
  switch (facts.status) {
    case "queued":
    case "running":
      return `Answering: ${question}`;
    case "waiting_confirmation":
      return `Waiting for your approval: ${question}`;
    case "failed":
      return `Could not answer: ${question}`;
    case "cancelled":
      return `Stopped: ${question}`;
    default:
      return `Answered: ${question}`;
  }
}

function changeSentence(change: RunChange): string {
  const name = change.campaignName;
  const { status, budgetAmountMinor: budget, name: rename } = change.fields;
  switch (change.operation) {
    case "create":
      return status?.after === "active" ? `Created and launched ${name}` : `Created ${name}`;
    case "resume":
      return status?.before === "draft" ? `Launched ${name}` : `Resumed ${name}`;
    case "pause":
      return `Paused ${name}`;
    case "archive":
      return `Archived ${name}`;
    case "delete":
      return `Deleted ${name}`;
  }
  if (budget && typeof budget.before === "number" && typeof budget.after === "number") {
    const amount = formatBudget({
      budgetAmountMinor: budget.after,
      budgetType: change.budgetType,
      currency: change.currency,
    });
    const verb = budget.after > budget.before ? "Raised" : "Lowered";
    return `${verb} ${name}'s budget to ${amount}`;
  }
  if (rename && typeof rename.before === "string") return `Renamed ${rename.before} to ${name}`;
  return `Changed ${name}`;
}

function quoted(question: string | null): string {
  if (question === null) return "a deleted message";
  const line = question.replace(/\s+/g, " ").trim();
  if (line.length <= QUESTION_CHARS) return line;
  // Cut between words where there is one to cut at.
  const cut = line.slice(0, QUESTION_CHARS - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > QUESTION_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * The changes each of `runIds` made, oldest first (one read, by the history's
 * `(user_id, source_id)` index), with each campaign's name, currency and budget type now.
 */
export async function runChanges(
  db: Database,
  userId: string,
  runIds: readonly string[],
): Promise<Map<string, RunChange[]>> {
  const byRun = new Map<string, RunChange[]>();
  if (runIds.length === 0) return byRun;
  const rows = await db.kysely.selectFrom("campaign_changes")
    .innerJoin("campaigns", "campaigns.id", "campaign_changes.campaign_id")
    .innerJoin("ad_accounts", "ad_accounts.id", "campaign_changes.ad_account_id")
    .select([
      "campaign_changes.source_id",
      "campaign_changes.operation",
      "campaign_changes.fields",
      "campaigns.name",
      "campaigns.budget_type",
      "ad_accounts.currency",
    ])
    .where("campaign_changes.user_id", "=", userId)
    .where("campaign_changes.actor_kind", "=", "assistant")
    .where("campaign_changes.source_id", "in", [...runIds])
    .orderBy("campaign_changes.created_at").orderBy("campaign_changes.seq")
    .execute();
  for (const row of rows) {
    const list = byRun.get(row.source_id!) ?? [];
    list.push({
      operation: row.operation,
      campaignName: row.name,
      currency: row.currency,
      budgetType: row.budget_type,
      fields: fromDbJson(row.fields) as RunChange["fields"],
    });
    byRun.set(row.source_id!, list);
  }
  return byRun;
}
