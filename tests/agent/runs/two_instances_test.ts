/**
 * Two app instances on one MariaDB/MySQL + Redis: a run executes on one instance only (the other
 * never takes it while the first holds the conversation lease); SIGKILL that instance and the
 * other finishes the run once the lease expires, replaying the tool call instead of applying it
 * again; SIGTERM instead and the draining instance hands the run over at its next step boundary
 * without waiting for the lease to expire.
 *
 * Needs DATABASE_URL and REDIS_URL (skipped with a notice on the embedded default, where
 * coordination is in-process and instances cannot share it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { api, type AppProcess, sharedData, startApp, tokenFor } from "../_helpers/app_process.ts";

const shared = Deno.env.get("DATABASE_URL") && Deno.env.get("REDIS_URL");
const LEASE_TTL_MS = 2_000;

if (!shared) {
  console.log(
    "two_instances_test: skipped (set DATABASE_URL and REDIS_URL; the embedded default has no " +
      "shared coordination)",
  );
}

Deno.test({
  name: "[mysql+redis] two instances: one runner per run, takeover after kill and on drain",
  ignore: !shared,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const data = await sharedData();
    const script = join(data.env.DATA_DIR, "script.json");
    await Deno.writeTextFile(script, JSON.stringify({ turns: [] }));
    const env = {
      ...data.env,
      AAE_TEST_MODEL_SCRIPT: script,
      AGENT_LEASE_TTL_MS: String(LEASE_TTL_MS),
      AGENT_RECOVERY_INTERVAL_MS: "200",
    };
    const apps: AppProcess[] = [];
    const start = async (extra: Record<string, string> = {}) => {
      const app = await startApp({ ...env, ...extra });
      apps.push(app);
      return app;
    };
    try {
      const a = await start({ AAE_TEST_PAUSE_AT: "after_tool_call:update_campaign" });
      // Any instance's recovery loop may take a queued run, so each second instance starts only
      // once the run is held where the step wants it.
      let b: AppProcess | undefined;
      const { db, domain } = data.open();
      const { actor } = await domain.accounts.register({
        email: `two-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      const account = await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
      // The assistant may raise budgets on this account, within the per-change allowance.
      await domain.limits.put(actor, account.id, {
        ...await domain.limits.get(actor, account.id),
        automatedOperations: ["pause", "budget_decrease", "budget_increase"],
      });
      const campaign = await domain.campaigns.create(actor, {
        adAccountId: account.id,
        name: "Shared",
        objective: "traffic",
        budgetType: "daily",
        budgetAmountMinor: 10_000,
      });
      await Deno.writeTextFile(
        script,
        JSON.stringify({
          turns: [
            {
              toolCalls: [{
                name: "update_campaign",
                // +10%: within the account's allowance, so it runs at once.
                args: { campaignId: campaign.id, budgetAmountMinor: 11_000 },
              }],
            },
            { content: "Budget raised by 10%." },
          ],
        }),
      );
      const token = await tokenFor(domain, actor);
      const runOf = (id: string) =>
        db.kysely.selectFrom("agent_runs").selectAll().where("id", "=", id)
          .executeTakeFirstOrThrow();
      const waitFor = async (id: string, status: string, timeoutMs = 20_000) => {
        const deadline = Date.now() + timeoutMs;
        while ((await runOf(id)).status !== status) {
          if (Date.now() > deadline) throw new Error(`run ${id} is ${(await runOf(id)).status}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };

      const conversation = await domain.conversations.create(actor, { title: "Two" });
      const posted = await api(a.url, token, "POST", `/conversations/${conversation.id}/messages`, {
        content: "Raise the budget by 10%",
      });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      const runId = (posted.body.data as { run_id: string }).run_id;

      await t.step("the run executes on one instance; the other leaves it alone", async () => {
        await a.waitFor("AAE_TEST_PAUSED after_tool_call:update_campaign");
        b = await start();
        const owner = (await runOf(runId)).lease_owner;
        // Several lease periods and recovery rounds of B pass while A holds the lease.
        await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_TTL_MS));
        const row = await runOf(runId);
        assert.equal(row.status, "running");
        assert.equal(row.lease_owner, owner);
        assert.equal(Number(row.lease_epoch), 1);
      });

      await t.step("SIGKILL A: B takes over after the lease expires and finishes", async () => {
        const killedAt = Date.now();
        await a.kill("SIGKILL");
        await waitFor(runId, "completed");
        const row = await runOf(runId);
        assert.ok(Date.now() - killedAt >= LEASE_TTL_MS / 2, "waited for the lease");
        assert.equal(Number(row.lease_epoch), 2);
        const steps = await db.kysely.selectFrom("agent_steps")
          .select(["kind", "name", "attempt", "output", "lease_epoch"])
          .where("run_id", "=", runId).orderBy("seq").execute();
        const tool = steps.find((s) => s.kind === "tool_call")!;
        assert.equal(tool.attempt, 2);
        assert.equal(Number(tool.lease_epoch), 2);
        assert.equal(JSON.parse(tool.output!).meta["aae/replayed"], true, "replayed, not redone");
        const updated = await domain.campaigns.get(actor, campaign.id);
        assert.equal(updated.budgetAmountMinor, 11_000);
      });

      await t.step("SIGTERM drains: the run moves on at the next step boundary", async () => {
        // C is the only instance while it runs; D, started after C stopped, continues the run.
        await b?.kill("SIGKILL");
        // A slow model so the run is mid-way when the instance is told to stop.
        const c = await start({ AAE_TEST_MODEL_DELAY_MS: "1500", LOG_LEVEL: "info" });
        await Deno.writeTextFile(
          script,
          JSON.stringify({
            turns: [
              { toolCalls: [{ name: "list_ad_accounts" }] },
              { toolCalls: [{ name: "credit_balance" }] },
              { content: "All checked." },
            ],
          }),
        );
        const next = await domain.conversations.create(actor, { title: "Drain" });
        const sent = await api(c.url, token, "POST", `/conversations/${next.id}/messages`, {
          content: "Check everything",
        });
        assert.equal(sent.status, 202, JSON.stringify(sent.body));
        const nextRun = (sent.body.data as { run_id: string }).run_id;
        await waitFor(nextRun, "running");
        await new Promise((resolve) => setTimeout(resolve, 300));
        const termAt = Date.now();
        await c.kill("SIGTERM");
        const drainMs = Date.now() - termAt;
        assert.match(c.output(), /run left for another runner/);
        await start();
        await waitFor(nextRun, "completed");
        const steps = await db.kysely.selectFrom("agent_steps").select(["kind", "idempotency_key"])
          .where("run_id", "=", nextRun).orderBy("seq").execute();
        const keys = steps.map((s) => s.idempotency_key);
        assert.equal(new Set(keys).size, keys.length);
        assert.ok(drainMs < 10_000, `drain took ${drainMs} ms`);
        const messages = await domain.conversations.listMessages(actor, next.id);
        assert.deepEqual(messages.map((m) => m.role), ["user", "assistant"]);
      });
    } finally {
      for (const app of apps) await app.kill("SIGKILL");
      await data.dispose();
    }
  },
});
