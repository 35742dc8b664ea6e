/** The approval policy: which operations wait for the user, and the preview they are shown. */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  approvalDecisionSchema,
  type ApprovalRequest,
  approvalRequestSchema,
  budgetChangeNeedsApproval,
  type CampaignState,
  canonicalJson,
  decideApproval,
  READ_ONLY_OPERATIONS,
} from "../../domain/approval.ts";
import { formatMinor } from "../../domain/money.ts";

const ACCOUNT_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

function campaign(overrides: Partial<CampaignState> = {}): CampaignState {
  return {
    id: crypto.randomUUID(),
    name: "Spring sale",
    status: "active",
    budgetType: "daily",
    budgetAmountMinor: 5_000,
    currency: "USD",
    startDate: null,
    endDate: null,
    targeting: {},
    landingUrl: "https://shop.example.com/spring",
    ...overrides,
  };
}

/** Decides and checks the decision against its own schema every time. */
function decide(request: ApprovalRequest) {
  const decision = decideApproval(request);
  approvalDecisionSchema.parse(decision);
  assert.equal(decision.required, decision.rules.length > 0);
  assert.equal(decision.reason === null, !decision.required);
  return decision;
}

function budgetUpdate(before: number, after: number) {
  return decide({
    operation: "update_campaign",
    campaigns: [campaign({ budgetAmountMinor: before })],
    input: { budgetAmountMinor: after },
  });
}

Deno.test("approval policy", async (t) => {
  await t.step("read-only operations never require approval", () => {
    for (const operation of READ_ONLY_OPERATIONS) {
      const decision = decide({ operation });
      assert.equal(decision.required, false, operation);
      assert.deepEqual(decision.preview.changes, []);
    }
  });

  await t.step("creating a campaign requires approval and previews every field", () => {
    const decision = decide({
      operation: "create_campaign",
      currency: "USD",
      input: {
        adAccountId: ACCOUNT_ID,
        name: "Black Friday",
        objective: "sales",
        budgetType: "daily",
        budgetAmountMinor: 12_345,
      },
    });
    assert.equal(decision.required, true);
    assert.deepEqual(decision.rules, ["create_campaign"]);
    assert.match(decision.reason ?? "", /creating a campaign/i);
    assert.match(decision.preview.summary, /"Black Friday".*\$123\.45/);
    const byField = Object.fromEntries(decision.preview.changes.map((c) => [c.field, c]));
    assert.equal(byField.budgetAmountMinor.after, 12_345);
    assert.equal(byField.status.after, "draft");
    assert.equal(byField.landingUrl.after, null);
    for (const change of decision.preview.changes) {
      assert.equal(change.before, null);
      assert.equal(change.id, null);
      assert.equal(change.resource, "campaign");
    }
  });

  await t.step("budget changes: at most 20% either way runs, more needs approval", () => {
    assert.equal(budgetUpdate(5_000, 6_000).required, false); // +20% exactly
    assert.equal(budgetUpdate(5_000, 4_000).required, false); // -20% exactly
    assert.equal(budgetUpdate(5_000, 6_001).required, true);
    assert.equal(budgetUpdate(5_000, 3_999).required, true);
    assert.equal(budgetUpdate(5_000, 5_500).required, false);
    const doubled = budgetUpdate(5_000, 10_000);
    assert.deepEqual(doubled.rules, ["budget_change"]);
    assert.match(doubled.preview.summary, /\$50\.00 daily to \$100\.00 daily \(\+100\.0%\)/);
    assert.deepEqual(doubled.preview.changes.map((c) => [c.field, c.before, c.after]), [
      ["budgetAmountMinor", 5_000, 10_000],
    ]);
    assert.match(budgetUpdate(5_000, 1_000).preview.summary, /\(-80\.0%\)/);
  });

  await t.step("changing the budget type needs approval even at the same amount", () => {
    const decision = decide({
      operation: "update_campaign",
      campaigns: [campaign()],
      input: { budgetType: "lifetime", endDate: "2026-12-31" },
    });
    assert.deepEqual(decision.rules, ["budget_type_change"]);
    assert.deepEqual(decision.preview.changes.map((c) => c.field), ["budgetType", "endDate"]);
  });

  await t.step("other edits and no-op updates run without approval", () => {
    const current = campaign({ targeting: { countries: ["US"], ageMin: 18 } });
    const rename = decide({
      operation: "update_campaign",
      campaigns: [current],
      input: { name: "Spring sale 2", targeting: { ageMin: 18, countries: ["US"] } },
    });
    assert.equal(rename.required, false);
    assert.deepEqual(rename.preview.changes, [{
      resource: "campaign",
      id: current.id,
      name: "Spring sale",
      field: "name",
      before: "Spring sale",
      after: "Spring sale 2",
    }]);
    const same = decide({
      operation: "update_campaign",
      campaigns: [current],
      input: { budgetAmountMinor: 5_000 },
    });
    assert.equal(same.required, false);
    assert.deepEqual(same.preview.changes, []);
    assert.match(same.preview.summary, /No change/);
  });

  await t.step("activation needs approval: resume and status → active", () => {
    for (const status of ["draft", "paused"] as const) {
      const resume = decide({ operation: "resume_campaign", campaigns: [campaign({ status })] });
      assert.deepEqual(resume.rules, ["activate_campaign"], status);
      assert.deepEqual(resume.preview.changes[0].before, status);
      assert.deepEqual(resume.preview.changes[0].after, "active");
      const change = decide({
        operation: "change_campaign_status",
        campaigns: [campaign({ status })],
        status: "active",
      });
      assert.deepEqual(change.rules, ["activate_campaign"]);
    }
    const already = decide({ operation: "resume_campaign", campaigns: [campaign()] });
    assert.equal(already.required, false);
    assert.match(already.preview.summary, /already active/);
  });

  await t.step("pausing one campaign runs; archiving always needs approval", () => {
    assert.equal(decide({ operation: "pause_campaign", campaigns: [campaign()] }).required, false);
    assert.equal(
      decide({
        operation: "change_campaign_status",
        campaigns: [campaign()],
        status: "paused",
      }).required,
      false,
    );
    for (const status of ["draft", "active", "paused"] as const) {
      const archive = decide({ operation: "archive_campaign", campaigns: [campaign({ status })] });
      assert.deepEqual(archive.rules, ["archive_campaign"]);
      assert.match(archive.preview.summary, /cannot be undone/);
    }
  });

  await t.step("disconnecting an ad account needs approval", () => {
    const decision = decide({
      operation: "disconnect_ad_account",
      adAccount: { id: ACCOUNT_ID, name: "Main", status: "active" },
    });
    assert.deepEqual(decision.rules, ["disconnect_ad_account"]);
    assert.deepEqual(decision.preview.changes, [{
      resource: "ad_account",
      id: ACCOUNT_ID,
      name: "Main",
      field: "status",
      before: "active",
      after: "disconnected",
    }]);
  });

  await t.step("anything touching several campaigns needs approval", () => {
    const many = [campaign({ name: "A" }), campaign({ name: "B" }), campaign({ name: "C" })];
    const pause = decide({ operation: "pause_campaign", campaigns: many });
    assert.deepEqual(pause.rules, ["multiple_campaigns"]);
    assert.equal(pause.preview.changes.length, 3);
    assert.match(pause.preview.summary, /"A".*"B".*"C"/);
    const small = decide({
      operation: "update_campaign",
      campaigns: many.slice(0, 2),
      input: { budgetAmountMinor: 5_100 },
    });
    assert.deepEqual(small.rules, ["multiple_campaigns"]);
    const rules = decide({
      operation: "resume_campaign",
      campaigns: many.map((c) => ({ ...c, status: "paused" as const })),
    }).rules;
    assert.deepEqual(rules, ["activate_campaign", "multiple_campaigns"]);
  });

  await t.step("requests are validated by the exported schema", () => {
    assert.equal(
      approvalRequestSchema.safeParse({ operation: "delete_everything" }).success,
      false,
    );
    assert.equal(
      approvalRequestSchema.safeParse({ operation: "pause_campaign", campaigns: [] }).success,
      false,
    );
    assert.equal(
      approvalRequestSchema.safeParse({ operation: "pause_campaign", campaigns: [campaign()] })
        .success,
      true,
    );
  });

  await t.step("helpers: exact money formatting and canonical JSON", () => {
    assert.equal(formatMinor(5, "USD"), "USD 0.05");
    assert.equal(formatMinor(123_456, "EUR"), "EUR 1234.56");
    assert.equal(formatMinor(5_000, "JPY"), "JPY 5000");
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } }),
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
  });

  await t.step("property: a budget change needs approval iff it exceeds 20%", () => {
    const budget = fc.integer({ min: 1, max: 1_000_000_000 });
    const nearThreshold = budget.chain((before) =>
      fc.tuple(
        fc.constant(before),
        fc.integer({ min: -2, max: 2 }).map((offset) =>
          Math.max(1, before + Math.round(before / 5) * (offset < 0 ? -1 : 1) + offset)
        ),
      )
    );
    fc.assert(
      fc.property(fc.oneof(fc.tuple(budget, budget), nearThreshold), ([before, after]) => {
        const exceeds = 5n * BigInt(Math.abs(after - before)) > BigInt(before);
        assert.equal(budgetChangeNeedsApproval(before, after), exceeds);
        const decision = budgetUpdate(before, after);
        assert.equal(decision.required, exceeds);
        assert.equal(decision.rules.includes("budget_change"), exceeds);
      }),
      { numRuns: 2_000 },
    );
  });
});
