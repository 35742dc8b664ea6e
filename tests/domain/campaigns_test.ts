/**
 * Campaigns: create/update validation, the status state machine, list filters and totals, and
 * staged changes (platform call first, database writes committed in the caller's transaction).
 */
import assert from "node:assert/strict";
import { CAMPAIGN_STATUSES, canTransition } from "../../domain/campaign_status.ts";
import type { Transaction } from "kysely";
import type { CampaignStatus, DB } from "../../db/schema.ts";
import {
  ConflictError,
  NotFoundError,
  PlatformError,
  ValidationError,
} from "../../domain/errors.ts";
import type { PlatformAdapter } from "../../domain/platforms/adapter.ts";
import { createSandboxPlatform } from "../../domain/platforms/sandbox.ts";
import {
  type AppliedChange,
  type CampaignOperation,
  PERSON,
  type WriteOutcome,
} from "../../domain/write_gateway.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

/** The transitions the product allows, written out independently of the implementation. */
const ALLOWED = new Set([
  "draft>active",
  "draft>archived",
  "active>paused",
  "active>archived",
  "paused>active",
  "paused>archived",
]);

backendTest("campaigns", async (t, backend) => {
  const { domain, db } = backend;
  const { campaigns } = domain;
  const actor = await registerUser(domain);
  const adAccountId = await connectAccount(domain, actor);

  /** A campaign of `actor` in `status`, reached through allowed transitions. */
  async function campaignIn(status: CampaignStatus) {
    const campaign = await createCampaign(domain, actor, adAccountId);
    if (status === "active" || status === "paused") await campaigns.resume(actor, campaign.id);
    if (status === "paused") await campaigns.pause(actor, campaign.id);
    if (status === "archived") await campaigns.archive(actor, campaign.id);
    return campaign.id;
  }

  await t.step("create stores a draft with exact minor-unit budget and platform id", async () => {
    const campaign = await createCampaign(domain, actor, adAccountId, {
      budgetAmountMinor: 987_654,
      targeting: { countries: ["US", "CA"], ageMin: 25, ageMax: 44 },
    });
    assert.equal(campaign.status, "draft");
    assert.equal(campaign.budgetAmountMinor, 987_654);
    assert.equal(campaign.currency, "USD");
    assert.match(campaign.externalId ?? "", /^sandbox-campaign-/);
    assert.deepEqual(campaign.targeting, { countries: ["US", "CA"], ageMin: 25, ageMax: 44 });
    assert.deepEqual(await campaigns.get(actor, campaign.id), campaign);
  });

  await t.step("create rejects bad input with field names", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ landingUrl: "javascript:alert(1)" }, "landingUrl"],
      [{ landingUrl: "ftp://example.com/x" }, "landingUrl"],
      [{ budgetAmountMinor: 12.5 }, "budgetAmountMinor"],
      [{ budgetAmountMinor: 0 }, "budgetAmountMinor"],
      [{ objective: "fame" }, "objective"],
      [{ budgetType: "lifetime" }, "endDate"],
      [{ startDate: "2026-05-02", endDate: "2026-05-01" }, "endDate"],
      [{ startDate: "2026-02-30" }, "startDate"],
      [{ targeting: { ageMin: 50, ageMax: 20 } }, "targeting.ageMax"],
      [{ targeting: { unknownKey: 1 } }, "targeting"],
    ];
    for (const [overrides, field] of cases) {
      await assert.rejects(createCampaign(domain, actor, adAccountId, overrides), (error) => {
        assert.ok(error instanceof ValidationError, `${JSON.stringify(overrides)}`);
        assert.ok(
          error.issues.some((issue) => issue.field === field),
          `${JSON.stringify(overrides)} → ${JSON.stringify(error.issues)}`,
        );
        return true;
      });
    }
    await assert.rejects(
      createCampaign(domain, actor, crypto.randomUUID()),
      NotFoundError,
      "unknown ad account",
    );
  });

  await t.step("every status pair: allowed transitions succeed, all others conflict", async () => {
    for (const from of CAMPAIGN_STATUSES) {
      for (const to of CAMPAIGN_STATUSES) {
        const pair = `${from}>${to}`;
        assert.equal(canTransition(from, to), ALLOWED.has(pair), pair);
        const id = await campaignIn(from);
        if (ALLOWED.has(pair)) {
          assert.equal((await campaigns.changeStatus(actor, id, to)).status, to, pair);
        } else {
          await assert.rejects(campaigns.changeStatus(actor, id, to), ConflictError, pair);
          assert.equal((await campaigns.get(actor, id)).status, from, `${pair} left unchanged`);
        }
      }
    }
  });

  await t.step("pause/resume/archive are the named transitions", async () => {
    const id = await campaignIn("draft");
    await assert.rejects(campaigns.pause(actor, id), ConflictError);
    assert.equal((await campaigns.resume(actor, id)).status, "active");
    assert.equal((await campaigns.pause(actor, id)).status, "paused");
    assert.equal((await campaigns.resume(actor, id)).status, "active");
    assert.equal((await campaigns.archive(actor, id)).status, "archived");
    await assert.rejects(campaigns.resume(actor, id), ConflictError);
  });

  await t.step("update changes given fields, validates the merged schedule", async () => {
    const id = await campaignIn("paused");
    const updated = await campaigns.update(actor, id, {
      name: "Renamed",
      budgetAmountMinor: 7_777,
      landingUrl: null,
    });
    assert.equal(updated.name, "Renamed");
    assert.equal(updated.budgetAmountMinor, 7_777);
    assert.equal(updated.landingUrl, null);
    assert.equal(updated.objective, "traffic");
    await assert.rejects(campaigns.update(actor, id, { budgetType: "lifetime" }), ValidationError);
    const lifetime = await campaigns.update(actor, id, {
      budgetType: "lifetime",
      endDate: "2027-01-31",
    });
    assert.equal(lifetime.budgetType, "lifetime");
    await assert.rejects(
      campaigns.update(actor, id, { status: "active" } as never),
      ValidationError,
      "status only changes through transitions",
    );
    const archived = await campaignIn("archived");
    await assert.rejects(campaigns.update(actor, archived, { name: "x" }), ConflictError);
  });

  await t.step("delete is a soft delete, refused while active", async () => {
    const active = await campaignIn("active");
    await assert.rejects(campaigns.delete(actor, active), ConflictError);
    const paused = await campaignIn("paused");
    await campaigns.delete(actor, paused);
    await assert.rejects(campaigns.get(actor, paused), NotFoundError);
    const row = await db.kysely.selectFrom("campaigns").select("deleted_at")
      .where("id", "=", paused).executeTakeFirstOrThrow();
    assert.ok(row.deleted_at);
  });

  await t.step("list filters, searches, sorts and pages", async () => {
    const other = await registerUser(domain, "lister");
    const account = await connectAccount(domain, other);
    const names = ["Alpha 100%", "beta_sale", "Gamma", "Delta", "Epsilon"];
    for (const [index, name] of names.entries()) {
      backend.clock.advance(1_000);
      const campaign = await createCampaign(domain, other, account, {
        name,
        budgetAmountMinor: 1_000 * (index + 1),
      });
      if (index % 2 === 0) await campaigns.resume(other, campaign.id);
    }
    const all = await campaigns.list(other);
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.map((item) => item.name), [...names].reverse(), "newest first");
    const byName = await campaigns.list(other, { sort: "name" });
    assert.deepEqual(byName.items.map((item) => item.name), [
      "Alpha 100%",
      "beta_sale",
      "Delta",
      "Epsilon",
      "Gamma",
    ]);
    const byBudget = await campaigns.list(other, {
      sort: "-budget_amount_minor",
      limit: 2,
      skip: 1,
    });
    assert.deepEqual(byBudget.items.map((item) => item.budgetAmountMinor), [4_000, 3_000]);
    assert.equal(byBudget.total, 5);
    const active = await campaigns.list(other, { status: "active" });
    assert.deepEqual(active.items.map((item) => item.name).sort(), [
      "Alpha 100%",
      "Epsilon",
      "Gamma",
    ]);
    assert.equal((await campaigns.list(other, { search: "100%" })).total, 1, "% is literal");
    assert.equal((await campaigns.list(other, { search: "a_s" })).total, 1, "_ is literal");
    assert.equal((await campaigns.list(other, { search: "ALPHA" })).total, 1, "case-insensitive");
    assert.equal((await campaigns.list(other, { objective: "sales" })).total, 0);
    await assert.rejects(campaigns.list(other, { sort: "password" as "name" }), ValidationError);
    await assert.rejects(campaigns.list(other, { limit: 1000 }), ValidationError);
  });

  await t.step("a failing platform leaves the database unchanged", async () => {
    const failing = {
      ...createSandboxPlatform(),
      createCampaign: () => Promise.reject(new Error("platform down")),
      pauseCampaign: () => Promise.reject(new Error("platform down")),
    };
    const broken = backend.domainWith({ platforms: { sandbox: failing } });
    const before = (await campaigns.list(actor)).total;
    await assert.rejects(createCampaign(broken, actor, adAccountId), PlatformError);
    assert.equal((await campaigns.list(actor)).total, before);
    const id = await campaignIn("active");
    await assert.rejects(broken.campaigns.pause(actor, id), PlatformError);
    assert.equal((await campaigns.get(actor, id)).status, "active");
  });

  await t.step("the platform call first, the writes only when committed", async () => {
    const sandbox = createSandboxPlatform();
    const calls: { requestKey: string | undefined; externalId?: string }[] = [];
    const recording: PlatformAdapter = {
      ...sandbox,
      async createCampaign(account, spec, requestKey) {
        const created = await sandbox.createCampaign(account, spec, requestKey);
        calls.push({ requestKey, externalId: created.externalId });
        return created;
      },
      resumeCampaign(account, campaign, requestKey) {
        calls.push({ requestKey });
        return sandbox.resumeCampaign(account, campaign, requestKey);
      },
    };
    const { gateway } = backend.domainWith({ platforms: { sandbox: recording } });
    const input = {
      adAccountId,
      name: "Staged",
      objective: "traffic" as const,
      budgetType: "daily" as const,
      budgetAmountMinor: 1_000,
    };
    const count = async () => (await campaigns.list(actor, { search: "Staged" })).total;
    /** Commits inside a transaction that then fails, as a crash before its commit would. */
    const crashingCommit = (work: (trx: Transaction<DB>) => Promise<AppliedChange>) =>
      db.kysely.transaction().execute(async (trx) => {
        await work(trx);
        throw new Error("crash before commit");
      });
    const write = (operation: CampaignOperation, requestKey: string, crash = false) =>
      gateway.write({
        actor,
        source: PERSON,
        operation,
        requestKey,
        ...(crash ? { commit: crashingCommit } : {}),
      });
    const applied = async (outcome: Promise<WriteOutcome>) => {
      const result = await outcome;
      assert.equal(result.status, "applied");
      return (result as AppliedChange).campaign;
    };

    await assert.rejects(write({ type: "create", input }, "request-1", true), /crash before/);
    assert.equal(calls.length, 1, "the platform call is made before the commit");
    assert.equal(await count(), 0, "the caller's rollback takes the writes with it");
    const created = await applied(write({ type: "create", input }, "request-1"));
    assert.equal(await count(), 1);
    assert.deepEqual(calls.map((call) => call.requestKey), ["request-1", "request-1"]);
    assert.equal(created.externalId, calls[0].externalId, "the repeat got the same campaign");

    const resume = { type: "set_status", campaignId: created.id, status: "active" } as const;
    await assert.rejects(write(resume, "request-2", true), /crash before/);
    assert.equal((await campaigns.get(actor, created.id)).status, "draft");
    assert.equal((await applied(write(resume, "request-2"))).status, "active");
    assert.equal(calls.at(-1)?.requestKey, "request-2");
  });
});
