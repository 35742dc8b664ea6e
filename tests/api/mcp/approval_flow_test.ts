/**
 * Server-enforced approval and idempotency through a real in-process MCP client: held-back calls
 * change nothing; a grant issued for the exact pending call executes it once; reused, forged,
 * expired, mismatched and stale grants are refused; idempotency keys replay instead of applying
 * twice.
 */
import assert from "node:assert/strict";
import {
  APPROVAL_GRANT_META_KEY,
  COMPONENT_META_KEY,
  connectInProcess,
  createApprovalGrants,
  ERROR_META_KEY,
  IDEMPOTENCY_META_KEY,
  type PendingApproval,
  REPLAYED_META_KEY,
} from "../../../mcp/mod.ts";
import { decideApproval } from "../../../domain/approval.ts";
import { decodeBase64Url, encodeBase64Url } from "../../../domain/encoding.ts";
import { backendTest, testClock } from "../../_helpers/backend.ts";
import {
  connectAccount,
  createCampaign,
  registerUser,
  snapshotTables,
} from "../../_helpers/fixtures.ts";
import { call, structured, TEST_JWT_SECRET, testServices, textOf } from "./_helpers.ts";

/** The given keys of a record (the server adds defaults to the arguments it echoes). */
function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}

backendTest("MCP approval and idempotency", async (t, backend) => {
  const services = await testServices(backend);
  const approvals = services.approvals;
  const { domain, db } = backend;
  const actor = await registerUser(domain, "owner");
  const other = await registerUser(domain, "other");
  const adAccountId = await connectAccount(domain, actor);
  const spring = await createCampaign(domain, actor, adAccountId, { name: "Spring" });
  await domain.campaigns.resume(actor, spring.id);
  const client = await connectInProcess(services, actor, { clock: backend.clock });

  const newCampaign = (name: string) => ({
    adAccountId,
    name,
    objective: "sales",
    budgetType: "daily",
    budgetAmountMinor: 2_000,
  });
  const doubleBudget = { campaignId: spring.id, budgetAmountMinor: 10_000 };
  const count = async (name: string) =>
    (await domain.campaigns.list(actor, { search: name })).items.filter((c) => c.name === name)
      .length;
  async function pendingOf(name: string, args: Record<string, unknown>) {
    const result = await call(client, name, args);
    assert.notEqual(result.isError, true, textOf(result));
    const content = structured(result);
    assert.equal(content.status, "approval_required", textOf(result));
    return { result, approval: content.approval as PendingApproval & Record<string, unknown> };
  }
  async function assertRejected(
    name: string,
    args: Record<string, unknown>,
    grant: unknown,
    reason: string,
  ) {
    const before = await snapshotTables(db);
    const result = await call(client, name, args, { [APPROVAL_GRANT_META_KEY]: grant });
    assert.equal(result.isError, true, `${reason}: ${textOf(result)}`);
    assert.match(textOf(result), new RegExp(`approval grant rejected \\(${reason}\\)`));
    assert.deepEqual(result._meta?.[ERROR_META_KEY], { code: "approval_rejected", status: 403 });
    assert.deepEqual(await snapshotTables(db), before, `${reason}: nothing changed`);
  }

  try {
    await t.step("calls that need approval are not executed and change nothing", async () => {
      const paused = await createCampaign(domain, actor, adAccountId, { name: "Paused" });
      const before = await snapshotTables(db);
      const cases: [string, Record<string, unknown>, string[]][] = [
        ["create_campaign", newCampaign("Held"), ["create_campaign"]],
        // Doubling a budget also passes every autopilot limit of the default account.
        ["update_campaign", doubleBudget, [
          "budget_change",
          "automated_operation",
          "increase_per_change",
          "increase_24h",
          "increase_7d",
        ]],
        ["resume_campaign", { campaignId: paused.id }, ["activate_campaign"]],
        ["archive_campaign", { campaignId: spring.id }, ["archive_campaign"]],
      ];
      for (const [name, args, rules] of cases) {
        const { result, approval } = await pendingOf(name, args);
        assert.equal(approval.tool, name);
        assert.deepEqual(approval.rules, rules);
        assert.deepEqual(pick(approval.arguments, Object.keys(args)), args);
        assert.match(textOf(result), /^Approval required/);
        const component = result._meta?.[COMPONENT_META_KEY] as { type: string };
        assert.equal(component.type, "confirmation");
      }
      const { approval } = await pendingOf("update_campaign", doubleBudget);
      assert.deepEqual(
        approval.preview,
        decideApproval({
          operation: "update_campaign",
          campaigns: [spring],
          input: { budgetAmountMinor: 10_000 },
        }).preview,
      );
      assert.deepEqual(await snapshotTables(db), before);
    });

    await t.step("a valid grant executes the call once; reusing it is refused", async () => {
      const args = newCampaign("Granted");
      const { approval } = await pendingOf("create_campaign", args);
      const grant = await approvals.issue(actor, approval);
      const first = await call(client, "create_campaign", args, {
        [APPROVAL_GRANT_META_KEY]: grant,
      });
      assert.equal(structured(first).status, "applied", textOf(first));
      assert.equal(await count("Granted"), 1);
      await assertRejected("create_campaign", args, grant, "already_used");
      assert.equal(await count("Granted"), 1);
    });

    await t.step("forged, foreign, expired, mismatched and stale grants are refused", async () => {
      const { approval } = await pendingOf("update_campaign", doubleBudget);
      const genuine = await approvals.issue(actor, approval);
      const [version, claims, signature] = genuine.split(".");
      const decoded = JSON.parse(new TextDecoder().decode(decodeBase64Url(claims)));
      const tampered = encodeBase64Url(
        new TextEncoder().encode(JSON.stringify({ ...decoded, sub: other.userId })),
      );
      await assertRejected(
        "update_campaign",
        doubleBudget,
        `${version}.${tampered}.${signature}`,
        "bad_signature",
      );
      const otherKey = await createApprovalGrants("another-secret-0123456789abcdef-0123");
      await assertRejected(
        "update_campaign",
        doubleBudget,
        await otherKey.issue(actor, approval),
        "bad_signature",
      );
      await assertRejected("update_campaign", doubleBudget, "approved!", "malformed");
      await assertRejected("update_campaign", doubleBudget, { approved: true }, "malformed");
      await assertRejected(
        "update_campaign",
        { ...doubleBudget, budgetAmountMinor: 20_000 },
        genuine,
        "arguments_changed",
      );
      await assertRejected(
        "update_campaign",
        doubleBudget,
        await approvals.issue(other, approval),
        "wrong_user",
      );
      await assertRejected(
        "archive_campaign",
        { campaignId: spring.id },
        await approvals.issue(actor, {
          ...approval,
          tool: "resume_campaign",
          arguments: { campaignId: spring.id },
        }),
        "wrong_tool",
      );
      // Expiry: a server whose grants run on a clock the test controls.
      const grantClock = testClock("2026-11-26T10:00:00.000Z");
      const timedGrants = await createApprovalGrants(TEST_JWT_SECRET, { clock: grantClock });
      const timed = await connectInProcess(services, actor, { approvals: timedGrants });
      try {
        const expiring = await timedGrants.issue(actor, approval);
        grantClock.advance(15 * 60_000);
        const result = await call(timed, "update_campaign", doubleBudget, {
          [APPROVAL_GRANT_META_KEY]: expiring,
        });
        assert.match(textOf(result), /approval grant rejected \(expired\)/);
      } finally {
        await timed.close();
      }
      // The campaign changes after the user approved: the preview they saw is no longer true.
      await domain.campaigns.update(actor, spring.id, { budgetAmountMinor: 6_000 });
      await assertRejected("update_campaign", doubleBudget, genuine, "preview_changed");
      // The genuine grant was never consumed by the refusals; re-approving works.
      const { approval: fresh } = await pendingOf("update_campaign", doubleBudget);
      const applied = await call(client, "update_campaign", doubleBudget, {
        [APPROVAL_GRANT_META_KEY]: await approvals.issue(actor, fresh),
      });
      assert.equal(structured(applied).status, "applied", textOf(applied));
      assert.equal((await domain.campaigns.get(actor, spring.id)).budgetAmountMinor, 10_000);
    });

    await t.step("an idempotency key replays the first result instead of re-applying", async () => {
      const target = await createCampaign(domain, actor, adAccountId, { name: "Replay" });
      await domain.campaigns.resume(actor, target.id);
      const args = { campaignId: target.id, idempotencyKey: "run-1:call-1" };
      const first = await call(client, "pause_campaign", args);
      assert.equal(structured(first).status, "applied");
      const before = await snapshotTables(db);
      const again = await call(client, "pause_campaign", args);
      assert.equal(again._meta?.[REPLAYED_META_KEY], true);
      assert.deepEqual(again.structuredContent, first.structuredContent);
      assert.deepEqual(await snapshotTables(db), before);
      // Without the key, pausing a paused campaign is a conflict: the replay did not run it.
      assert.equal((await call(client, "pause_campaign", { campaignId: target.id })).isError, true);
      const reused = await call(client, "update_campaign", {
        campaignId: target.id,
        name: "other request",
        idempotencyKey: "run-1:call-1",
      });
      assert.equal(reused.isError, undefined, "the key is scoped per tool");
      const mismatch = await call(client, "pause_campaign", {
        campaignId: spring.id,
        idempotencyKey: "run-1:call-1",
      });
      assert.equal(mismatch.isError, true);
      assert.match(textOf(mismatch), /different request/);
    });

    await t.step("approval + idempotency key (durable runs): applied once, replayed", async () => {
      const args = newCampaign("Durable");
      const meta = { [IDEMPOTENCY_META_KEY]: "run-7:call-3" };
      const held = await call(client, "create_campaign", args, meta);
      const approval = structured(held).approval as PendingApproval;
      assert.deepEqual(pick(approval.arguments, Object.keys(args)), args);
      assert.equal("idempotencyKey" in approval.arguments, false);
      const grant = await approvals.issue(actor, approval);
      const withGrant = { ...meta, [APPROVAL_GRANT_META_KEY]: grant };
      const applied = await call(client, "create_campaign", args, withGrant);
      assert.equal(structured(applied).status, "applied", textOf(applied));
      const replay = await call(client, "create_campaign", args, withGrant);
      assert.equal(replay._meta?.[REPLAYED_META_KEY], true);
      assert.deepEqual(replay.structuredContent, applied.structuredContent);
      const replayWithoutGrant = await call(client, "create_campaign", args, meta);
      assert.deepEqual(replayWithoutGrant.structuredContent, applied.structuredContent);
      assert.equal(await count("Durable"), 1);
      // The grant is bound to that tool call: under another key it counts as reuse.
      await assertRejected("create_campaign", args, grant, "already_used");
      const otherKey = await call(client, "create_campaign", args, {
        [IDEMPOTENCY_META_KEY]: "run-7:call-4",
        [APPROVAL_GRANT_META_KEY]: grant,
      });
      assert.match(textOf(otherKey), /already_used/);
      assert.equal(await count("Durable"), 1);
    });
  } finally {
    await client.close();
  }
});
