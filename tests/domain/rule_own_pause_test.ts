/**
 * A rule may resume a campaign without a person's approval exactly when it restores what the
 * rule itself changed: the campaign's latest status change is that rule's own pause. Any other
 * activation by software (another rule's pause, a person's pause, a person's resume and pause in
 * between) still waits for a person; the freeze and the hard caps still refuse.
 */
import assert from "node:assert/strict";
import type { Actor } from "../../domain/actor.ts";
import { AccountFrozenError } from "../../domain/errors.ts";
import type { Domain } from "../../domain/mod.ts";
import type { ChangeSource } from "../../domain/write_gateway.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

const RULE: ChangeSource = { kind: "rule", ruleId: "rule-trim" };
const OTHER_RULE: ChangeSource = { kind: "rule", ruleId: "rule-other" };

function setStatus(
  domain: Domain,
  actor: Actor,
  source: ChangeSource,
  campaignId: string,
  status: "active" | "paused",
) {
  return domain.gateway.write({
    actor,
    source,
    operation: { type: "set_status", campaignId, status },
  });
}

backendTest("a rule resumes its own pause without approval", async (t, { domain, clock }) => {
  const actor = await registerUser(domain);
  const accountId = await connectAccount(domain, actor);
  const fresh = async (name: string) => {
    const campaign = await createCampaign(domain, actor, accountId, { name });
    await domain.campaigns.resume(actor, campaign.id);
    clock.advance(1_000);
    return campaign.id;
  };

  await t.step("its own pause, nothing since: applied", async () => {
    const id = await fresh("Own pause");
    assert.equal((await setStatus(domain, actor, RULE, id, "paused")).status, "applied");
    clock.advance(1_000);
    const resumed = await setStatus(domain, actor, RULE, id, "active");
    assert.equal(resumed.status, "applied");
    assert.equal((await domain.campaigns.get(actor, id)).status, "active");
  });

  await t.step("another rule's pause: approval needed", async () => {
    const id = await fresh("Other rule");
    await setStatus(domain, actor, OTHER_RULE, id, "paused");
    clock.advance(1_000);
    assert.equal((await setStatus(domain, actor, RULE, id, "active")).status, "approval_required");
  });

  await t.step("a person paused it: approval needed", async () => {
    const id = await fresh("Person pause");
    await domain.campaigns.pause(actor, id);
    clock.advance(1_000);
    assert.equal((await setStatus(domain, actor, RULE, id, "active")).status, "approval_required");
  });

  await t.step("a person resumed and paused it meanwhile: approval needed", async () => {
    const id = await fresh("Person in between");
    await setStatus(domain, actor, RULE, id, "paused");
    clock.advance(1_000);
    await domain.campaigns.resume(actor, id);
    clock.advance(1_000);
    await domain.campaigns.pause(actor, id);
    clock.advance(1_000);
    assert.equal((await setStatus(domain, actor, RULE, id, "active")).status, "approval_required");
  });

  await t.step("the assistant asking the same: approval needed", async () => {
    const id = await fresh("Assistant");
    await setStatus(domain, actor, RULE, id, "paused");
    clock.advance(1_000);
    const outcome = await setStatus(
      domain,
      actor,
      { kind: "assistant", runId: crypto.randomUUID() },
      id,
      "active",
    );
    assert.equal(outcome.status, "approval_required");
  });

  await t.step("the freeze still refuses the rule's resume", async () => {
    const id = await fresh("Frozen");
    await setStatus(domain, actor, RULE, id, "paused");
    clock.advance(1_000);
    await domain.limits.put(actor, accountId, {
      ...(await domain.limits.get(actor, accountId)),
      frozen: true,
    });
    await assert.rejects(() => setStatus(domain, actor, RULE, id, "active"), AccountFrozenError);
    await domain.limits.put(actor, accountId, {
      ...(await domain.limits.get(actor, accountId)),
      frozen: false,
    });
  });
});
