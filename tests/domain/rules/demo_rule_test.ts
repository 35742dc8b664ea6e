/** The demo data set gives its sample rule a backtest with firings to show. */
import assert from "node:assert/strict";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_RULE_NAME, seedDemo } from "../../../domain/demo.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../../_helpers/backend.ts";

backendTest("the demo's sample rule fires in its backtest", async (_t, backend) => {
  const { db, coordination, clock, domain } = backend;
  await seedDemo({ db, coordination, clock, passwordIterations: TEST_PASSWORD_ITERATIONS });
  const { actor } = await domain.accounts.authenticate({
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
  });
  const rules = await domain.rules.list(actor);
  const rule = rules.items.find((item) => item.name === DEMO_RULE_NAME);
  assert.ok(rule, "the seed saves the sample rule");
  assert.equal(rule.enabled, false);

  const result = await domain.rules.backtest(actor, rule.id);
  assert.equal(result.days, 30);
  assert.ok(result.firingCount > 0, "the sample rule fires on the demo history");
  for (const firing of result.firings) {
    assert.ok(firing.evaluation.gate.passed);
    const [cpa] = firing.evaluation.conditions;
    assert.ok((cpa.actual ?? 0) > 4_000, "CPA above 40.00, in cents");
  }
  // Applied decreases show in the budget paths and lower the estimated spend.
  assert.ok(result.paths.length > 0);
  assert.ok(result.outcome.withRule.spendMinor <= result.outcome.withoutRule.spendMinor);
  assert.equal(
    (await domain.rules.get(actor, rule.id)).latestBacktest?.firingCount,
    result.firingCount,
  );
});
