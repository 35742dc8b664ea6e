/**
 * Acceptance test of rule execution: two app instances (real processes) on one MariaDB/MySQL +
 * Redis, a 15-minute rule (cut every campaign's budget by 10%, no cooldown) and a fake clock both
 * processes read from a file (`AAE_TEST_CLOCK_FILE`).
 *
 * - Slot 1: instance A evaluates alone and is SIGKILLed inside the 4th campaign's apply step,
 *   after the change was made and before the step was recorded. Instance B, started meanwhile,
 *   asks for the same slot (the dedupe key makes it the same run), takes the run over once A's
 *   lease lapses and finishes it: the 4th campaign's change is replayed, not made again.
 * - Slots 2 and 3: A is restarted; both instances tick every 200 ms; each slot runs once.
 *
 * In the end every campaign was changed exactly once per slot, by the rule (the change history
 * and the budgets agree), and each slot is one run.
 *
 * On the embedded default (SQLite, in-process coordination: one instance at a time) the same
 * runs with instance B started only after A was killed, and slots 2 and 3 on B alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AppProcess, sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { backendName } from "../_helpers/backend.ts";

const shared = Deno.env.get("DATABASE_URL") && Deno.env.get("REDIS_URL");
const CAMPAIGNS = 6;
const QUARTER = 15 * 60_000;
const PAUSE_AT = "rule_after_apply:3";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

Deno.test({
  name: `[${backendName()}] instances run a 15-minute rule once per slot, through a SIGKILL`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const data = await sharedData();
    const clockFile = join(data.env.DATA_DIR, "clock.txt");
    // The first slot after now (rules run from the first slot after they were enabled).
    let fakeNow = Math.floor(Date.now() / QUARTER) * QUARTER + QUARTER + 60_000;
    const setClock = (ms: number) => Deno.writeTextFile(clockFile, new Date(ms).toISOString());
    await setClock(fakeNow);
    const env = {
      ...data.env,
      AAE_TEST_CLOCK_FILE: clockFile,
      WORKFLOW_LEASE_MS: "1500",
      WORKFLOW_POLL_MS: "100",
      RULES_TICK_MS: "200",
    };
    const apps: AppProcess[] = [];
    const start = async (extra: Record<string, string> = {}) => {
      const app = await startApp({ ...env, ...extra });
      apps.push(app);
      return app;
    };
    try {
      let a = await start({ AAE_TEST_PAUSE_AT: PAUSE_AT });
      const { db, domain } = data.open();
      const { actor } = await domain.accounts.register({
        email: `rules-two-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      const account = await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
      const ids: string[] = [];
      for (let index = 0; index < CAMPAIGNS; index++) {
        const campaign = await domain.campaigns.create(actor, {
          adAccountId: account.id,
          name: `Campaign ${index}`,
          objective: "traffic",
          budgetType: "daily",
          budgetAmountMinor: 10_000,
          landingUrl: "https://shop.example.com/",
        });
        await domain.campaigns.resume(actor, campaign.id);
        ids.push(campaign.id);
      }
      const rule = await domain.rules.create(actor, {
        name: "Trim every quarter hour",
        adAccountId: account.id,
        enabled: true,
        scope: { kind: "all" },
        conditions: {
          match: "all",
          conditions: [{
            metric: "daily_budget",
            window: { kind: "today" },
            operator: ">",
            value: 0,
          }],
        },
        action: { type: "adjust_budget", percent: -10 },
        schedule: { frequency: "every_15_minutes" },
        cooldownHours: 0,
      });
      const runsOf = () =>
        db.kysely.selectFrom("workflow_runs").select(["id", "dedupe_key", "status", "attempt"])
          .where("subject_id", "=", rule.id).where("kind", "=", "rule_evaluation")
          .orderBy("scheduled_for").execute();
      const ruleChanges = () =>
        db.kysely.selectFrom("campaign_changes").select(["campaign_id", "actor_kind"])
          .where("source_id", "=", rule.id).execute();

      await t.step("slot 1: SIGKILL mid-apply, the other instance finishes it once", async () => {
        await a.waitFor(`AAE_TEST_PAUSED ${PAUSE_AT}`, 60_000);
        // With shared coordination B runs beside A (and asks for the same slot); embedded, after.
        if (shared) await start();
        await a.kill("SIGKILL");
        if (!shared) await start();
        const runs = await until("slot 1 to finish", async () => {
          const rows = await runsOf();
          return rows.length === 1 && rows[0].status === "succeeded" ? rows : undefined;
        });
        assert.equal(runs[0].attempt, 2, "taken over by the second instance");
        const changes = await ruleChanges();
        assert.equal(changes.length, CAMPAIGNS, "one change per campaign, none twice");
        assert.deepEqual(changes.map((c) => c.campaign_id).sort(), [...ids].sort());
        assert.ok(changes.every((c) => c.actor_kind === "rule"));
        const steps = await db.kysely.selectFrom("workflow_steps").select(["step_key", "attempt"])
          .where("run_id", "=", runs[0].id).execute();
        const attemptOf = new Map(steps.map((step) => [step.step_key, step.attempt]));
        assert.deepEqual(
          ids.map((id) => attemptOf.get(`apply:${id}`)),
          [1, 1, 1, 2, 2, 2],
          "the cut-off step was finished (replayed) by the second attempt",
        );
      });

      await t.step("slots 2 and 3: both instances tick, each slot runs once", async () => {
        if (shared) a = await start();
        for (const slot of [2, 3]) {
          fakeNow += QUARTER;
          await setClock(fakeNow);
          await until(`slot ${slot} to finish`, async () => {
            const rows = await runsOf();
            return rows.length === slot && rows.every((row) => row.status === "succeeded")
              ? rows
              : undefined;
          });
          // Both instances keep ticking this slot for a while: nothing more may appear.
          await sleep(1_000);
          assert.equal((await runsOf()).length, slot, `slot ${slot} ran once`);
        }
      });

      await t.step("every campaign was changed once per slot, by the rule", async () => {
        const changes = await ruleChanges();
        assert.equal(changes.length, 3 * CAMPAIGNS);
        for (const id of ids) {
          assert.equal(changes.filter((c) => c.campaign_id === id).length, 3, id);
          const campaign = await domain.campaigns.get(actor, id);
          assert.equal(campaign.budgetAmountMinor, 7_290, "10,000 cut by 10% three times");
        }
        const runs = await runsOf();
        assert.equal(new Set(runs.map((run) => run.dedupe_key)).size, 3);
        const evaluations = await domain.ruleExecution.evaluations(actor, rule.id);
        assert.equal(evaluations.total, 3);
        assert.ok(evaluations.items.every((item) => item.counts.applied === CAMPAIGNS));
      });
    } finally {
      for (const app of apps) await app.kill("SIGKILL");
      await data.dispose();
    }
  },
});
