/**
 * Crash test for batch rollback: an API token lowers the budgets of 20 campaigns (software may do
 * that without approval), a person asks over REST to roll the token's changes back, and the real
 * app process is SIGKILLed just before the 8th campaign (`rollback_before_campaign:7`). After a
 * restart on the same data the app resumes the rollback on its own (its lease lapses), and it
 * completes with every campaign restored and changed exactly once by the rollback.
 *
 * Runs on the embedded default (SQLite + in-process coordination), and on MariaDB + Redis when
 * DATABASE_URL / REDIS_URL are set.
 */
import assert from "node:assert/strict";
import { type AppProcess, callApi, sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { backendName } from "../_helpers/backend.ts";

/** Short, so the dead process's rollback is taken over soon after the restart. */
const LEASE_MS = 1_000;
const CAMPAIGNS = 20;
const PAUSE_AT = "rollback_before_campaign:7";
const BUDGET = 5_000;
const LOWERED = 4_500;

Deno.test({
  name: `[${backendName()}] a rollback SIGKILLed mid-batch completes after a restart, once each`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const shared = await sharedData();
    const env = { ...shared.env, ROLLBACK_LEASE_MS: String(LEASE_MS) };
    let app: AppProcess | undefined = await startApp({ ...env, AAE_TEST_PAUSE_AT: PAUSE_AT });
    try {
      const register = await callApi(app.url, "POST", "/auth/register", undefined, {
        email: `rollback-crash-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      assert.equal(register.status, 201);
      const person = register.body.data.access_token as string;
      const account = await callApi(app.url, "POST", "/ad-accounts", person, { name: "S" });
      assert.equal(account.status, 201);
      const adAccountId = account.body.data.id as string;
      const created = await callApi(app.url, "POST", "/api-tokens", person, { name: "bot" });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const tokenId = created.body.data.token.id as string;
      const software = created.body.data.secret as string;

      const campaignIds: string[] = [];
      for (let index = 0; index < CAMPAIGNS; index++) {
        const campaign = await callApi(app.url, "POST", "/campaigns", person, {
          ad_account_id: adAccountId,
          name: `Crash ${index}`,
          objective: "traffic",
          budget_type: "daily",
          budget_amount_minor: BUDGET,
        });
        assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
        campaignIds.push(campaign.body.data.id);
      }
      for (const id of campaignIds) {
        const lowered = await callApi(app.url, "PATCH", `/campaigns/${id}`, software, {
          budget_amount_minor: LOWERED,
        });
        assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
      }
      const byToken = await callApi(
        app.url,
        "GET",
        `/changes?source_id=${tokenId}&limit=100`,
        person,
      );
      assert.equal(byToken.body.total, CAMPAIGNS);
      assert.ok(
        byToken.body.items.every((c: { actor_kind: string }) => c.actor_kind === "api_token"),
      );

      const selection = { source_id: tokenId };
      const plan = await callApi(app.url, "POST", "/rollbacks", software, {
        ...selection,
        dry_run: true,
      });
      assert.equal(plan.status, 200, "software may plan a rollback");
      assert.equal(plan.body.data.fields.length, CAMPAIGNS);
      assert.ok(
        plan.body.data.fields.every((field: { outcome: string; field: string }) =>
          field.outcome === "will_restore" && field.field === "budgetAmountMinor"
        ),
      );
      const bySoftware = await callApi(app.url, "POST", "/rollbacks", software, {
        ...selection,
        dry_run: false,
      });
      assert.equal(bySoftware.status, 403, "software may not apply one");

      // The person's rollback stops before the 8th campaign; the process dies there.
      callApi(app.url, "POST", "/rollbacks", person, { ...selection, dry_run: false })
        .catch(() => {});
      await app.waitFor(`AAE_TEST_PAUSED ${PAUSE_AT}`);
      await app.kill("SIGKILL");

      const { db } = shared.open();
      const rows = await db.kysely.selectFrom("rollbacks").select(["id", "status"]).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].status, "applying");
      const rollbackId = rows[0].id;
      const before = await db.kysely.selectFrom("campaign_changes").select("campaign_id")
        .where("source_id", "=", rollbackId).execute();
      assert.equal(before.length, 7, "seven campaigns were restored before the kill");

      // Without the pause point: the resumed rollback passes index 7 again.
      app = await startApp(env);
      let rollback: Record<string, unknown> = {};
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await callApi(app.url, "GET", `/rollbacks/${rollbackId}`, person);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        rollback = answer.body.data;
        if (rollback.status === "completed") break;
        assert.ok(Date.now() < deadline, `still ${rollback.status} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const outcomes = rollback.outcomes as { campaign_id: string; status: string }[];
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        Array(CAMPAIGNS).fill("restored"),
      );

      const changes = await callApi(
        app.url,
        "GET",
        `/changes?source_id=${rollbackId}&limit=100`,
        person,
      );
      assert.equal(changes.status, 200);
      const changed = changes.body.items as { campaign_id: string; actor_kind: string }[];
      assert.equal(changes.body.total, CAMPAIGNS, "one change per campaign");
      assert.deepEqual(
        changed.map((change) => change.campaign_id).sort(),
        [...campaignIds].sort(),
        "every campaign exactly once",
      );
      assert.ok(changed.every((change) => change.actor_kind === "rollback"));
      for (const id of campaignIds) {
        const campaign = await callApi(app.url, "GET", `/campaigns/${id}`, person);
        assert.equal(campaign.body.data.budget_amount_minor, BUDGET, `${id} restored`);
      }
    } finally {
      await app?.kill("SIGKILL");
      await shared.dispose();
    }
  },
});
