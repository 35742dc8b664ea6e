/**
 * The write-call pipeline with an idempotency key, through a real in-process MCP client: the
 * effect's database writes commit only together with the call's idempotency record, so a call
 * that dies after its platform call or inside its transaction leaves no campaign row, and the
 * retry — taking over the claim a dead call left in progress — creates exactly one campaign, with
 * the platform id of the first attempt (the platform request key deduplicated the repeat).
 */
import assert from "node:assert/strict";
import {
  APPROVAL_GRANT_META_KEY,
  connectInProcess,
  IDEMPOTENCY_META_KEY,
  type PendingApproval,
  REPLAYED_META_KEY,
} from "../../../mcp/mod.ts";
import type { Campaign } from "../../../domain/campaigns.ts";
import { platformRequestKey } from "../../../domain/idempotency.ts";
import type { PlatformAdapter } from "../../../domain/platforms/adapter.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, registerUser } from "../../_helpers/fixtures.ts";
import { call, callApproved, structured, testServices, textOf } from "./_helpers.ts";

backendTest("MCP write calls commit their effect with their record", async (t, backend) => {
  const services = await testServices(backend);
  const approvals = services.approvals;
  const actor = await registerUser(backend.domain, "invoke");
  const adAccountId = await connectAccount(backend.domain, actor);

  const sandbox = createSandboxPlatform();
  const creates: { requestKey: string | undefined; externalId: string }[] = [];
  const recording: PlatformAdapter = {
    ...sandbox,
    async createCampaign(account, spec, requestKey) {
      const created = await sandbox.createCampaign(account, spec, requestKey);
      creates.push({ requestKey, externalId: created.externalId });
      return created;
    },
  };
  const domain = backend.domainWith({ platforms: { sandbox: recording } });
  /** What each pause point does once: throw (a failure) or never return (a dead process). */
  const pauses = new Map<string, "throw" | "hang">();
  const reached: string[] = [];
  const pause = (point: string) => {
    const action = pauses.get(point);
    pauses.delete(point);
    if (action) reached.push(point);
    if (action === "throw") return Promise.reject(new Error(`crash at ${point}`));
    if (action === "hang") return new Promise<void>(() => {});
    return Promise.resolve();
  };
  const client = await connectInProcess({ ...services, domain }, actor, { approvals, pause });

  const args = (name: string) => ({
    adAccountId,
    name,
    objective: "sales",
    budgetType: "daily",
    budgetAmountMinor: 2_000,
  });
  const rows = async (name: string) =>
    await backend.db.kysely.selectFrom("campaigns").select(["id", "external_id"])
      .where("user_id", "=", actor.userId).where("name", "=", name).execute();
  const until = async (done: () => boolean) => {
    for (let waited = 0; !done(); waited += 10) {
      if (waited > 5_000) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  try {
    await t.step("dead after the platform call: the retry takes over, one campaign", async () => {
      const name = "Dead after platform";
      const key = "run-1:t0c0";
      creates.length = 0;
      pauses.set("after_platform_call:create_campaign", "hang");
      const held = await call(client, "create_campaign", args(name), {
        [IDEMPOTENCY_META_KEY]: key,
      });
      const grant = await approvals.issue(actor, structured(held).approval as PendingApproval);
      const meta = { [IDEMPOTENCY_META_KEY]: key, [APPROVAL_GRANT_META_KEY]: grant };
      // This attempt never returns, its claim stays in progress: what a killed process leaves.
      call(client, "create_campaign", args(name), meta).catch(() => undefined);
      await until(() => reached.includes("after_platform_call:create_campaign"));
      assert.equal(creates.length, 1);
      assert.deepEqual(await rows(name), [], "the platform call alone writes no row");

      const retried = await call(client, "create_campaign", args(name), meta);
      assert.equal(structured(retried).status, "applied", textOf(retried));
      const campaign = structured(retried).campaign as Campaign;
      assert.equal(creates.length, 2);
      assert.equal(
        creates[1].requestKey,
        await platformRequestKey(actor, { scope: "mcp:tool:create_campaign", key }),
      );
      assert.equal(creates[1].requestKey, creates[0].requestKey);
      assert.equal(campaign.externalId, creates[0].externalId, "the same platform campaign");
      assert.deepEqual((await rows(name)).map((row) => row.external_id), [campaign.externalId]);

      const replay = await call(client, "create_campaign", args(name), meta);
      assert.equal(replay._meta?.[REPLAYED_META_KEY], true);
      assert.deepEqual(replay.structuredContent, retried.structuredContent);
      assert.equal((await rows(name)).length, 1);
    });

    await t.step("failing inside the transaction: rolled back; the retry creates one", async () => {
      const name = "Failed in transaction";
      const meta = { [IDEMPOTENCY_META_KEY]: "run-2:t0c0" };
      creates.length = 0;
      pauses.set("before_effect_commit:create_campaign", "throw");
      const { result: failed, grant } = await callApproved(
        client,
        approvals,
        actor,
        "create_campaign",
        args(name),
        meta,
      );
      assert.deepEqual(reached.at(-1), "before_effect_commit:create_campaign");
      assert.equal(failed.isError, true);
      assert.deepEqual(await rows(name), [], "the inserted row was rolled back");

      const retried = await call(client, "create_campaign", args(name), {
        ...meta,
        [APPROVAL_GRANT_META_KEY]: grant,
      });
      assert.equal(structured(retried).status, "applied", textOf(retried));
      const campaign = structured(retried).campaign as Campaign;
      assert.equal(creates.length, 2);
      assert.equal(campaign.externalId, creates[0].externalId);
      assert.deepEqual((await rows(name)).map((row) => row.external_id), [campaign.externalId]);
    });
  } finally {
    await client.close();
  }
});
