/**
 * Property tests of the write gateway and batch rollback, on the test's backend (embedded SQLite
 * with in-process coordination, or MariaDB + Redis when DATABASE_URL / REDIS_URL are set):
 *
 * - random interleavings of budget changes by several automated actors (a rule, the assistant,
 *   an API token, an MCP client) and a person, partly concurrent, with time moving on between
 *   them and some held changes approved and retried: read back from the change history, no
 *   automated increase made without an approval ever takes the automated increases of a rolling
 *   24 hours or 7 days over the limit, relative to the budget at the window's start; and held
 *   changes changed nothing (each campaign's history is an unbroken chain ending at its budget);
 * - a rule's random changes, then a person's random edits: the rollback of the rule's changes
 *   plans and restores exactly the fields nobody changed since, reports the others (with who
 *   changed them) and touches nothing else; rolling that rollback back returns every restored
 *   field to the state right after the rule's changes.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Actor } from "../../domain/actor.ts";
import type { Campaign } from "../../domain/campaigns.ts";
import type { ChangeRecord } from "../../domain/change_history.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { Domain } from "../../domain/mod.ts";
import type { ChangeSource, WriteOutcome, WriteRequest } from "../../domain/write_gateway.ts";
import { backendTest, type TestBackend } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CAMPAIGNS = 3;
const START_BUDGET = 10_000;
/** The account's cumulative limits in the interleaving test. */
const DAILY_PERCENT = 30;
const WEEKLY_PERCENT = 60;

/** Every change of `adAccountId`, oldest first per campaign. */
async function historyOf(domain: Domain, actor: Actor, adAccountId: string) {
  const all: ChangeRecord[] = [];
  for (let skip = 0;; skip += 100) {
    const page = await domain.changes.list(actor, { adAccountId, skip, limit: 100 });
    all.push(...page.items);
    if (skip + 100 >= page.total) break;
  }
  const byCampaign = new Map<string, ChangeRecord[]>();
  for (const change of all.sort((left, right) => left.seq - right.seq)) {
    if (change.campaignId === null) continue;
    byCampaign.set(change.campaignId, [...byCampaign.get(change.campaignId) ?? [], change]);
  }
  return { all, byCampaign };
}

/** A fresh user with one ad account and `count` active $100/day campaigns. */
async function freshAccount(domain: Domain, limits: Record<string, unknown>, count = CAMPAIGNS) {
  const actor = await registerUser(domain, "gateway-property");
  const adAccountId = await connectAccount(domain, actor);
  await domain.limits.put(actor, adAccountId, {
    ...(await domain.limits.get(actor, adAccountId)),
    ...limits,
  });
  const campaigns: Campaign[] = [];
  for (let index = 0; index < count; index++) {
    const campaign = await createCampaign(domain, actor, adAccountId, {
      name: `Campaign ${index}`,
      budgetAmountMinor: START_BUDGET,
    });
    campaigns.push(await domain.campaigns.resume(actor, campaign.id));
  }
  return { actor, adAccountId, campaigns };
}

// --- Interleavings of automated and personal budget changes -----------------------------------

const AUTOMATED_SOURCES: ChangeSource[] = [
  { kind: "rule", ruleId: "rule-1" },
  { kind: "assistant", runId: crypto.randomUUID() },
  { kind: "api_token", tokenId: crypto.randomUUID() },
  { kind: "mcp_client", clientId: "outside-client" },
];

type Action =
  | { kind: "automated"; source: number; campaign: number; percent: number }
  | { kind: "person"; campaign: number; percent: number }
  | { kind: "approve_oldest_held" }
  | { kind: "advance"; hours: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("automated" as const),
      source: fc.integer({ min: 0, max: AUTOMATED_SOURCES.length - 1 }),
      campaign: fc.integer({ min: 0, max: CAMPAIGNS - 1 }),
      // Mostly within the per-change limit, so the cumulative limits are what holds them.
      percent: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -15, max: 25 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("person" as const),
      campaign: fc.integer({ min: 0, max: CAMPAIGNS - 1 }),
      percent: fc.integer({ min: -40, max: 60 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "approve_oldest_held" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      hours: fc.constantFrom(1, 6, 12, 23, 24, 25, 48, 24 * 7),
    }),
  },
);

/** Runs actions between two clock moves concurrently, like several clients at once. */
function batches(actions: Action[]): Action[][] {
  const result: Action[][] = [[]];
  for (const action of actions) {
    if (action.kind === "advance" || action.kind === "approve_oldest_held") {
      result.push([action], []);
    } else {
      result.at(-1)!.push(action);
    }
  }
  return result.filter((batch) => batch.length > 0);
}

interface Held {
  request: WriteRequest;
  approvalId: string;
}

/** Runs `actions`, checks the history; returns how many changes were held and applied. */
async function interleaving(
  backend: TestBackend,
  actions: Action[],
): Promise<{ held: number; applied: number; appliedWithApproval: number }> {
  const { domain, clock } = backend;
  const { actor, adAccountId, campaigns } = await freshAccount(domain, {
    automatedOperations: ["pause", "budget_decrease", "budget_increase"],
    maxIncreasePerChangePercent: 20,
    maxDailyIncreasePercent: DAILY_PERCENT,
    maxWeeklyIncreasePercent: WEEKLY_PERCENT,
  });
  const held: Held[] = [];
  let appliedWithApproval = 0;
  const appliedIds = new Set<string>();
  const heldKeys = new Set<string>();
  const retriedKeys = new Set<string>();

  const outcomeOf = (request: WriteRequest, outcome: WriteOutcome) => {
    if (outcome.status === "applied") {
      appliedIds.add(outcome.changeId);
      return;
    }
    assert.equal(outcome.approval.status, "pending");
    heldKeys.add(request.idempotencyKey!);
    held.push({ request, approvalId: outcome.approval.id });
  };

  const run = async (action: Action) => {
    switch (action.kind) {
      case "advance":
        clock.advance(action.hours * HOUR_MS);
        return;
      case "approve_oldest_held": {
        const next = held.shift();
        if (!next) return;
        try {
          // Expired after a long clock move: deciding it is refused, nothing changes.
          await domain.approvals.decide(actor, next.approvalId, "approve");
          const outcome = await domain.gateway.write({
            ...next.request,
            approvalId: next.approvalId,
          });
          assert.equal(outcome.status, "applied");
          // Null when the window moved on and the change no longer needs the approval.
          if (outcome.status === "applied" && outcome.approvalId !== null) {
            assert.equal(outcome.approvalId, next.approvalId);
            appliedWithApproval++;
          }
          retriedKeys.add(next.request.idempotencyKey!);
          outcomeOf(next.request, outcome);
        } catch (error) {
          // Expired, or the campaign moved on since it was held: nothing changes.
          if (!(error instanceof ConflictError)) throw error;
        }
        return;
      }
      case "automated":
      case "person": {
        const campaign = await domain.campaigns.get(actor, campaigns[action.campaign].id);
        const next = Math.max(
          100,
          campaign.budgetAmountMinor +
            Math.trunc(campaign.budgetAmountMinor * action.percent / 100),
        );
        const request: WriteRequest = {
          actor,
          source: action.kind === "person" ? { kind: "user" } : AUTOMATED_SOURCES[action.source],
          operation: {
            type: "update",
            campaignId: campaign.id,
            input: { budgetAmountMinor: next },
          },
          idempotencyKey: crypto.randomUUID(),
        };
        outcomeOf(request, await domain.gateway.write(request));
      }
    }
  };

  for (const batch of batches(actions)) await Promise.all(batch.map(run));

  const { byCampaign } = await historyOf(domain, actor, adAccountId);
  const recorded = [...byCampaign.values()].flat();
  // Every applied change is in the history, and nothing else beyond the setup.
  const setup = recorded.filter((change) => !appliedIds.has(change.id));
  assert.ok(setup.every((change) => change.actorKind === "user" && change.sourceId === null));
  assert.equal(setup.length, CAMPAIGNS * 2, "the creations and resumes of the setup");
  for (const change of recorded) {
    if (change.idempotencyKey && heldKeys.has(change.idempotencyKey)) {
      assert.ok(retriedKeys.has(change.idempotencyKey), "a held change is applied only on retry");
    }
  }

  for (const campaign of campaigns) {
    const changes = (byCampaign.get(campaign.id) ?? []).filter((change) =>
      "budgetAmountMinor" in change.fields
    );
    // The creation sets the first budget; the changes after it are what windows count.
    const budgetChanges = changes.filter((change) =>
      change.fields.budgetAmountMinor.before !== null
    );
    // An unbroken chain: nothing changed the budget that the history does not show.
    let budget: unknown = null;
    for (const change of changes) {
      assert.equal(change.fields.budgetAmountMinor.before, budget, `chain at seq ${change.seq}`);
      budget = change.fields.budgetAmountMinor.after;
    }
    assert.equal((await domain.campaigns.get(actor, campaign.id)).budgetAmountMinor, budget);

    for (const [index, change] of budgetChanges.entries()) {
      const { before, after } = change.fields.budgetAmountMinor as {
        before: number | null;
        after: number;
      };
      const automated = change.actorKind !== "user" && change.actorKind !== "rollback";
      if (!automated || change.approvalId !== null || before === null || after <= before) continue;
      const at = Date.parse(change.createdAt);
      for (const [windowMs, percent] of [[DAY_MS, DAILY_PERCENT], [7 * DAY_MS, WEEKLY_PERCENT]]) {
        const inWindow = budgetChanges.slice(0, index + 1)
          .filter((entry) => Date.parse(entry.createdAt) > at - windowMs);
        const startBudget = inWindow[0].fields.budgetAmountMinor.before as number;
        const used = inWindow
          .filter((entry) => entry.actorKind !== "user" && entry.actorKind !== "rollback")
          .reduce((sum, entry) => {
            const field = entry.fields.budgetAmountMinor as { before: number; after: number };
            return sum + Math.max(0, field.after - field.before);
          }, 0);
        assert.ok(
          used * 100 <= percent * startBudget,
          `${change.actorKind} change seq ${change.seq}: automated +${used} within ` +
            `${windowMs / HOUR_MS}h of a budget of ${startBudget} is over +${percent}%`,
        );
      }
    }
  }
  return { held: heldKeys.size, applied: appliedIds.size, appliedWithApproval };
}

backendTest(
  "write gateway: interleaved actors never pass a cumulative limit",
  async (t, backend) => {
    await t.step("a fixed interleaving that reaches the limits", async () => {
      const walk: Action[] = [];
      for (let step = 0; step < 6; step++) {
        walk.push({ kind: "automated", source: step % 4, campaign: 0, percent: 10 });
        walk.push({ kind: "automated", source: (step + 1) % 4, campaign: 0, percent: 10 });
        walk.push({ kind: "approve_oldest_held" });
        walk.push({ kind: "advance", hours: 12 });
      }
      const counts = await interleaving(backend, walk);
      assert.ok(counts.held > 0 && counts.appliedWithApproval > 0, JSON.stringify(counts));
    });

    await t.step("random interleavings", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(actionArb, { minLength: 5, maxLength: 24 }),
          async (actions) => {
            await interleaving(backend, actions);
          },
        ),
        { numRuns: 20 },
      );
    });
  },
);

// --- Rollback of a rule's changes after a person's edits -------------------------------------

/** The fields the rollback property edits. */
const FIELDS = ["name", "budgetAmountMinor", "landingUrl", "status"] as const;
type Field = (typeof FIELDS)[number];
type State = Record<Field, unknown>;

const ruleChangeArb: fc.Arbitrary<RuleChange> = fc.record({
  campaign: fc.integer({ min: 0, max: CAMPAIGNS - 1 }),
  field: fc.constantFrom<Field>(...FIELDS),
  percent: fc.integer({ min: -20, max: 20 }),
});

type RuleChange = { campaign: number; field: Field; percent: number };

const personEditArb: fc.Arbitrary<PersonEdit> = fc.record({
  campaign: fc.integer({ min: 0, max: CAMPAIGNS - 1 }),
  field: fc.constantFrom<Field>(...FIELDS),
  /** A fresh value, the value before the rule's changes, or the one the rule left. */
  value: fc.constantFrom("fresh" as const, "before_rule" as const, "after_rule" as const),
});

type PersonEdit = { campaign: number; field: Field; value: "fresh" | "before_rule" | "after_rule" };

function stateOf(campaign: Campaign): State {
  return {
    name: campaign.name,
    budgetAmountMinor: campaign.budgetAmountMinor,
    landingUrl: campaign.landingUrl,
    status: campaign.status,
  };
}

async function rollbackScenario(
  backend: TestBackend,
  ruleChanges: RuleChange[],
  personEdits: PersonEdit[],
): Promise<void> {
  const { domain } = backend;
  const { actor, campaigns } = await freshAccount(domain, {
    automatedOperations: ["pause", "budget_decrease", "budget_increase"],
    maxIncreasePerChangePercent: 100,
    maxDailyIncreasePercent: 1_000,
    maxWeeklyIncreasePercent: 1_000,
  });
  const ruleId = `rule-${crypto.randomUUID()}`;
  const ids = campaigns.map((campaign) => campaign.id);
  const read = async () =>
    await Promise.all(ids.map(async (id) => stateOf(await domain.campaigns.get(actor, id))));
  let fresh = 0;
  const freshValue = (field: Field, current: State) => {
    fresh++;
    switch (field) {
      case "name":
        return `Edit ${fresh}`;
      case "landingUrl":
        return `https://shop.example.com/edit-${fresh}`;
      case "budgetAmountMinor":
        return (current.budgetAmountMinor as number) + 100 * fresh;
      case "status":
        return current.status === "active" ? "paused" : "active";
    }
  };

  const initial = await read();
  const ruleTouched = new Set<string>();
  // The rule changes the name first, so it always has at least one change to roll back.
  for (const change of [{ campaign: 0, field: "name" as Field, percent: 0 }, ...ruleChanges]) {
    const current = (await read())[change.campaign];
    const campaignId = ids[change.campaign];
    let operation: WriteRequest["operation"];
    if (change.field === "status") {
      // A rule may pause on its own; resuming would need a person's approval.
      if (current.status !== "active") continue;
      operation = { type: "set_status", campaignId, status: "paused" };
    } else if (change.field === "budgetAmountMinor") {
      const budget = current.budgetAmountMinor as number;
      const next = budget + Math.trunc(budget * change.percent / 100);
      if (next === budget) continue;
      operation = { type: "update", campaignId, input: { budgetAmountMinor: next } };
    } else {
      operation = {
        type: "update",
        campaignId,
        input: { [change.field]: freshValue(change.field, current) },
      };
    }
    const outcome = await domain.gateway.write({
      actor,
      source: { kind: "rule", ruleId },
      operation,
    });
    assert.equal(outcome.status, "applied", "the account lets the rule make these changes");
    ruleTouched.add(`${change.campaign}.${change.field}`);
  }
  const afterRule = await read();

  const personTouched = new Set<string>();
  for (const edit of personEdits) {
    const current = (await read())[edit.campaign];
    const campaignId = ids[edit.campaign];
    const value = edit.value === "before_rule"
      ? initial[edit.campaign][edit.field]
      : edit.value === "after_rule"
      ? afterRule[edit.campaign][edit.field]
      : freshValue(edit.field, current);
    if (value === current[edit.field]) continue;
    if (edit.field === "status") {
      await domain.campaigns.changeStatus(actor, campaignId, value as Campaign["status"]);
    } else {
      await domain.campaigns.update(actor, campaignId, { [edit.field]: value });
    }
    personTouched.add(`${edit.campaign}.${edit.field}`);
  }
  const beforeRollback = await read();

  // What the plan must say for every field the rule changed, and only those.
  const expected: Record<string, string> = {};
  for (const key of ruleTouched) {
    const [index, field] = key.split(".") as [string, Field];
    const now = beforeRollback[Number(index)][field];
    const before = initial[Number(index)][field];
    if (now === before) expected[key] = "already_restored";
    else if (personTouched.has(key)) expected[key] = "changed_since";
    else expected[key] = "will_restore";
  }
  const plan = await domain.rollbacks.plan(actor, { sourceId: ruleId });
  const planned = Object.fromEntries(
    plan.fields.map((field) => [`${ids.indexOf(field.campaignId)}.${field.field}`, field]),
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(planned).map(([key, field]) => [key, field.outcome])),
    expected,
  );
  for (const [key, field] of Object.entries(planned)) {
    const [index, name] = key.split(".") as [string, Field];
    assert.deepEqual(field.before, initial[Number(index)][name], `${key}: the value to restore`);
    if (field.outcome === "changed_since") {
      assert.deepEqual(field.current, beforeRollback[Number(index)][name], key);
      assert.equal(field.changedBy.actorKind, "user", `${key}: who changed it`);
    }
  }

  const rollback = await domain.rollbacks.apply(actor, { sourceId: ruleId }, "user");
  assert.equal(rollback.status, "completed");
  assert.ok(rollback.outcomes.every((outcome) => outcome.status === "restored"));
  const afterRollback = await read();
  for (const [index, state] of afterRollback.entries()) {
    for (const field of FIELDS) {
      const key = `${index}.${field}`;
      const want = expected[key] === "will_restore"
        ? initial[index][field]
        : beforeRollback[index][field];
      assert.deepEqual(state[field], want, `${key} after the rollback`);
    }
  }

  const restoredAny = Object.values(expected).includes("will_restore");
  const logged = await domain.changes.list(actor, { sourceId: rollback.id });
  assert.equal(logged.total > 0, restoredAny, "the rollback is logged as changes");
  if (!restoredAny) return;
  await domain.rollbacks.apply(actor, { sourceId: rollback.id }, "user");
  const undone = await read();
  for (const [index, state] of undone.entries()) {
    for (const field of FIELDS) {
      const key = `${index}.${field}`;
      assert.deepEqual(
        state[field],
        expected[key] === "will_restore" ? afterRule[index][field] : beforeRollback[index][field],
        `${key} after rolling the rollback back`,
      );
    }
  }
}

backendTest(
  "rollback restores exactly the untouched fields; its rollback undoes it",
  async (t, backend) => {
    await t.step("random rule changes and later edits by a person", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(ruleChangeArb, { minLength: 1, maxLength: 8 }),
          fc.array(personEditArb, { maxLength: 6 }),
          (ruleChanges, personEdits) => rollbackScenario(backend, ruleChanges, personEdits),
        ),
        { numRuns: 20 },
      );
    });
  },
);
