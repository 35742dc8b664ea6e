/**
 * A rollback whose worker stalls past its lease (a long platform call, a paused VM) is finished
 * by another instance's `resumeInterrupted`; when the stalled worker wakes it finds every
 * campaign done and changes nothing more: each campaign is changed once, whoever got there.
 */
import assert from "node:assert/strict";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

const CAMPAIGNS = 5;
const LEASE_MS = 60_000;

backendTest(
  "a stalled rollback is taken over; the stalled worker adds nothing",
  async (t, backend) => {
    let reached!: () => void;
    const stalled = new Promise<void>((resolve) => reached = resolve);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => wake = resolve);
    const stallingWorker = backend.domainWith({
      rollbackLeaseMs: LEASE_MS,
      pause: (point) => {
        if (point !== "rollback_before_campaign:2") return Promise.resolve();
        reached();
        return woken;
      },
    });
    const otherInstance = backend.domainWith({ rollbackLeaseMs: LEASE_MS });
    const { domain } = backend;
    const actor = await registerUser(domain);
    const adAccountId = await connectAccount(domain, actor);
    const ruleId = `rule-${crypto.randomUUID()}`;
    const ids: string[] = [];
    for (let index = 0; index < CAMPAIGNS; index++) {
      const campaign = await createCampaign(domain, actor, adAccountId, { name: `C${index}` });
      ids.push(campaign.id);
      const outcome = await domain.gateway.write({
        actor,
        source: { kind: "rule", ruleId },
        operation: { type: "update", campaignId: campaign.id, input: { budgetAmountMinor: 4_500 } },
      });
      assert.equal(outcome.status, "applied");
    }

    const first = stallingWorker.rollbacks.apply(actor, { sourceId: ruleId }, "user");
    await stalled;

    let rollbackId = "";
    await t.step(
      "another instance takes it over once the lease lapses and completes it",
      async () => {
        assert.equal(await otherInstance.rollbacks.resumeInterrupted(), 0, "the lease still holds");
        backend.clock.advance(LEASE_MS + 1);
        assert.equal(await otherInstance.rollbacks.resumeInterrupted(), 1);
        const row = await backend.db.kysely.selectFrom("rollbacks").select("id")
          .executeTakeFirstOrThrow();
        rollbackId = row.id;
        const rollback = await domain.rollbacks.get(actor, rollbackId);
        assert.equal(rollback.status, "completed");
        assert.deepEqual(rollback.outcomes.map((o) => o.status), Array(CAMPAIGNS).fill("restored"));
        for (const id of ids) {
          assert.equal((await domain.campaigns.get(actor, id)).budgetAmountMinor, 5_000);
        }
      },
    );

    await t.step("the stalled worker wakes, finds everything done, changes nothing", async () => {
      wake();
      const finished = await first;
      assert.equal(finished.id, rollbackId);
      assert.deepEqual(finished.outcomes.map((o) => o.status), Array(CAMPAIGNS).fill("restored"));
      const logged = await domain.changes.list(actor, { sourceId: rollbackId, limit: 100 });
      assert.equal(logged.total, CAMPAIGNS, "one change per campaign");
      assert.deepEqual(logged.items.map((change) => change.campaignId).sort(), [...ids].sort());
      const stored = await domain.rollbacks.get(actor, rollbackId);
      assert.equal(stored.status, "completed");
      assert.deepEqual(stored.outcomes.map((o) => o.status), Array(CAMPAIGNS).fill("restored"));
    });
  },
);
