import assert from "node:assert/strict";
import { ConflictError, PlatformAuthError, ValidationError } from "../../../domain/errors.ts";
import { openTokens } from "../../../domain/connections/credentials.ts";
import { BACKFILL_KIND, SYNC_KIND } from "../../../domain/connections/sync.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { connectMeta, consent, metaSetup, ORIGIN } from "./_meta.ts";

const SESSION = "session-1";

backendTest(
  "a Meta account connects through sign-in and backfills 90 days",
  async (_t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain } = setup;
      const actor = await registerUser(domain);
      assert.deepEqual(domain.connections.platforms(), ["meta"]);
      const [account] = await connectMeta(domain, actor, SESSION);
      assert.deepEqual(account.platform, "meta");
      assert.deepEqual(account.externalAccountId, setup.accountId);
      assert.deepEqual(account.timezone, "America/Los_Angeles");

      // Stored encrypted under the key's id, never in the clear.
      const row = await backend.db.kysely.selectFrom("ad_accounts").selectAll()
        .where("id", "=", account.id).executeTakeFirstOrThrow();
      assert.ok(row.credentials_encrypted!.startsWith("v1.k1."));
      const tokens = await openTokens(setup.cipher, row.credentials_encrypted);
      assert.ok(!row.credentials_encrypted!.includes(tokens.accessToken));

      let status = await domain.connections.syncStatus(actor, account.id);
      assert.deepEqual(status.backfill, {
        status: "queued",
        daysDone: 0,
        daysTotal: 90,
        error: null,
      });

      assert.deepEqual(await domain.workflows.runDue("test", { limit: 1 }), 1);
      status = await domain.connections.syncStatus(actor, account.id);
      assert.deepEqual(status.backfill?.status, "succeeded");
      assert.deepEqual(status.backfill?.daysDone, 90);
      assert.ok(status.lastSucceededAt !== null);
      assert.deepEqual(status.lastError, null);
      // The next hourly slot is planned.
      assert.deepEqual(status.nextAt, "2026-11-26T13:00:00.000Z");

      const campaigns = await domain.campaigns.list(actor, { adAccountId: account.id });
      assert.deepEqual(campaigns.items.map((campaign) => campaign.name), ["Evergreen"]);
      const days = await backend.db.kysely.selectFrom("campaign_metrics")
        .select(["metric_date"]).where("campaign_id", "=", campaigns.items[0].id)
        .orderBy("metric_date").execute();
      // Days of the account's zone: noon UTC on Nov 26 is 04:00 in Los Angeles, still Nov 26.
      // Every day Meta reports delivery for: all 90, as its pacing spreads a week's cap.
      const delivered = await setup.deliveredDays("2026-08-29", "2026-11-26");
      assert.equal(delivered.length, 90);
      assert.deepEqual(days.map((day) => day.metric_date), delivered);
      assert.deepEqual(days.at(-1)!.metric_date, "2026-11-26");
    } finally {
      await setup.close();
    }
  },
);

backendTest("the sign-in's state is bound to the session and used once", async (_t, backend) => {
  const setup = await metaSetup(backend);
  try {
    const { domain } = setup;
    const actor = await registerUser(domain);
    const other = await registerUser(domain);
    const query = await consent(await domain.connections.start(actor, SESSION, "meta", ORIGIN));
    await assert.rejects(
      () => domain.connections.complete(actor, "another-session", "meta", query, ORIGIN),
      ValidationError,
    );
    await assert.rejects(
      () => domain.connections.complete(other, SESSION, "meta", query, ORIGIN),
      ValidationError,
    );
    const forged = new URLSearchParams(query);
    forged.set("state", "made-up");
    await assert.rejects(
      () => domain.connections.complete(actor, SESSION, "meta", forged, ORIGIN),
      ValidationError,
    );
    const { connectionId } = await domain.connections.complete(
      actor,
      SESSION,
      "meta",
      query,
      ORIGIN,
    );
    await assert.rejects(
      () => domain.connections.complete(actor, SESSION, "meta", query, ORIGIN),
      ConflictError,
    );
    // The picker is the session's own too.
    await assert.rejects(() => domain.connections.choices(actor, "another-session", connectionId));
  } finally {
    await setup.close();
  }
});

backendTest(
  "a rate limit reschedules the backfill for the platform's wait",
  async (_t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain } = setup;
      const actor = await registerUser(domain);
      const [account] = await connectMeta(domain, actor, SESSION);
      setup.fake.faults.inject({ kind: "rate_limit", retryAfterSeconds: 300 }, {
        path: /insights/,
        times: 1,
      });
      await domain.workflows.runDue("test", { limit: 1 });
      const [run] = (await domain.workflows.list(actor, { kind: BACKFILL_KIND })).items;
      assert.deepEqual(run.status, "queued");
      assert.deepEqual(run.attempt, 0);
      assert.deepEqual(
        run.scheduledFor,
        new Date(backend.clock.now().getTime() + 300_000).toISOString(),
      );
      // Not due before the wait: nothing runs.
      assert.deepEqual(await domain.workflows.runDue("test"), 0);
      backend.clock.advance(300_000);
      setup.fake.clock.ms = backend.clock.now().getTime();
      await domain.workflows.runDue("test", { limit: 1 });
      const status = await domain.connections.syncStatus(actor, account.id);
      assert.deepEqual(status.backfill?.status, "succeeded");
      assert.deepEqual(status.backfill?.daysDone, 90);
      assert.deepEqual(status.lastError, null);
    } finally {
      await setup.close();
    }
  },
);

backendTest(
  "expired credentials put the account in error and stop its syncs",
  async (_t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain } = setup;
      const actor = await registerUser(domain);
      const [account] = await connectMeta(domain, actor, SESSION);
      await domain.workflows.runDue("test", { limit: 1 });
      setup.fake.faults.inject({ kind: "expire_token" }, { times: 1 });
      backend.clock.advance(60 * 60_000);
      setup.fake.clock.ms = backend.clock.now().getTime();
      await domain.workflows.runDue("test");
      const [sync] = (await domain.workflows.list(actor, { kind: SYNC_KIND })).items;
      assert.deepEqual(sync.status, "failed");
      assert.ok(sync.error!.includes("reconnect"), sync.error!);
      const status = await domain.connections.syncStatus(actor, account.id);
      assert.deepEqual(status.accountStatus, "error");
      assert.ok(status.lastError!.includes("reconnect"));
      assert.deepEqual(status.nextAt, null);
      // The scheduler leaves it alone until it is reconnected.
      for (const ticker of domain.workflowTickers) await ticker.run();
      assert.deepEqual(await domain.workflows.runDue("test"), 0);

      // Reconnecting (signing in again, picking it) makes it active and backfills again.
      const [again] = await connectMeta(domain, actor, "session-2");
      assert.deepEqual(again.id, account.id);
      assert.deepEqual(again.status, "active");
      await domain.workflows.runDue("test", { limit: 1 });
      assert.deepEqual((await domain.connections.syncStatus(actor, account.id)).lastError, null);
    } finally {
      await setup.close();
    }
  },
);

backendTest(
  "a budget change on a connected Meta account goes through the gateway once, in cents",
  async (_t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain } = setup;
      const actor = await registerUser(domain);
      const [account] = await connectMeta(domain, actor, SESSION);
      await domain.workflows.runDue("test", { limit: 1 });
      const [campaign] = (await domain.campaigns.list(actor, { adAccountId: account.id })).items;
      assert.deepEqual(campaign.budgetAmountMinor, 5_000);
      await domain.campaigns.update(actor, campaign.id, { budgetAmountMinor: 6_000 });
      const onMeta = setup.fake.campaigns.get(setup.campaignId)!;
      assert.deepEqual(onMeta.dailyBudget, 6_000);
      assert.deepEqual(onMeta.updates, 1);
      const changes = await domain.changes.list(actor, { campaignId: campaign.id });
      assert.deepEqual(changes.items.length, 1);
    } finally {
      await setup.close();
    }
  },
);

backendTest("disconnecting revokes the grant at Meta and stops syncs", async (_t, backend) => {
  const setup = await metaSetup(backend);
  try {
    const { domain } = setup;
    const actor = await registerUser(domain);
    const [account] = await connectMeta(domain, actor, SESSION);
    await domain.workflows.runDue("test", { limit: 1 });
    const row = await backend.db.kysely.selectFrom("ad_accounts").selectAll()
      .where("id", "=", account.id).executeTakeFirstOrThrow();
    const { accessToken } = await openTokens(setup.cipher, row.credentials_encrypted);
    await domain.adAccounts.disconnect(actor, account.id);
    const answer = await fetch(`${setup.fake.url}/v24.0/me/adaccounts`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const body = await answer.json();
    assert.deepEqual(body.error.code, 190);
    const after = await backend.db.kysely.selectFrom("ad_accounts").selectAll()
      .where("id", "=", account.id).executeTakeFirstOrThrow();
    assert.deepEqual(after.credentials_encrypted, null);
    backend.clock.advance(60 * 60_000);
    await domain.workflows.runDue("test");
    const [sync] = (await domain.workflows.list(actor, { kind: SYNC_KIND })).items;
    assert.deepEqual(sync.result, {
      stopped: "the account is disconnected or must be reconnected",
    });
    assert.notEqual(sync.status, "failed");
  } finally {
    await setup.close();
  }
});

backendTest("a platform refusing the code connects nothing", async (_t, backend) => {
  const setup = await metaSetup(backend);
  try {
    const { domain } = setup;
    const actor = await registerUser(domain);
    const query = await consent(await domain.connections.start(actor, SESSION, "meta", ORIGIN));
    query.set("code", "not-a-code");
    await assert.rejects(
      () => domain.connections.complete(actor, SESSION, "meta", query, ORIGIN),
      (error: unknown) =>
        error instanceof PlatformAuthError && error.message.includes("Meta sign-in failed"),
    );
  } finally {
    await setup.close();
  }
});

backendTest(
  "a Meta token in its last week is extended before use; once expired, reconnect",
  async (t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain, fake } = setup;
      const actor = await registerUser(domain);
      const [account] = await connectMeta(domain, actor, SESSION);
      await domain.workflows.runDue("test", { limit: 1 });
      const storedTokens = async () =>
        openTokens(
          setup.cipher,
          (await backend.db.kysely.selectFrom("ad_accounts").select("credentials_encrypted")
            .where("id", "=", account.id).executeTakeFirstOrThrow()).credentials_encrypted,
        );
      const syncAfter = async (days: number) => {
        backend.clock.advance(days * 86_400_000);
        fake.clock.ms = backend.clock.now().getTime();
        for (const ticker of domain.workflowTickers) await ticker.run();
        await domain.workflows.runDue("test");
        return await domain.connections.syncStatus(actor, account.id);
      };
      const first = await storedTokens();
      assert.equal(first.expiresAt, "2027-01-25T12:00:00.000Z", "Meta's 60 days");

      await t.step("two weeks before expiry the token is used as it is", async () => {
        const status = await syncAfter(46);
        assert.equal(status.lastError, null);
        assert.equal((await storedTokens()).accessToken, first.accessToken);
      });

      await t.step("six days before, it is exchanged for a new long-lived one, once", async () => {
        // Listing takes a call per page, all with the credentials the step read at its start.
        fake.seedCampaign(setup.accountId, { name: "Second", dailyBudget: 3_000 });
        fake.pageSize = 1;
        const exchanges = fake.tokenExchanges;
        const status = await syncAfter(8);
        assert.equal(fake.tokenExchanges, exchanges + 1);
        assert.equal(status.lastError, null);
        const extended = await storedTokens();
        assert.notEqual(extended.accessToken, first.accessToken);
        assert.equal(
          extended.expiresAt,
          new Date(backend.clock.now().getTime() + 60 * 86_400_000).toISOString(),
        );
      });

      await t.step("a token left to expire cannot be extended: reconnect", async () => {
        const status = await syncAfter(61);
        assert.equal(status.accountStatus, "error");
        assert.ok(status.lastError!.includes("reconnect"), status.lastError!);
      });
    } finally {
      await setup.close();
    }
  },
);

backendTest(
  "a grant revoked at Meta (not through the app) puts the account in error: reconnect",
  async (_t, backend) => {
    const setup = await metaSetup(backend);
    try {
      const { domain, fake } = setup;
      const actor = await registerUser(domain);
      const [account] = await connectMeta(domain, actor, SESSION);
      await domain.workflows.runDue("test", { limit: 1 });
      const row = await backend.db.kysely.selectFrom("ad_accounts").selectAll()
        .where("id", "=", account.id).executeTakeFirstOrThrow();
      const { accessToken } = await openTokens(setup.cipher, row.credentials_encrypted);
      // The person removes the app in their Meta settings.
      const revoked = await fetch(`${fake.url}/v24.0/me/permissions`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.deepEqual((await revoked.json()).success, true);
      backend.clock.advance(60 * 60_000);
      fake.clock.ms = backend.clock.now().getTime();
      await domain.workflows.runDue("test");
      const status = await domain.connections.syncStatus(actor, account.id);
      assert.deepEqual(status.accountStatus, "error");
      assert.ok(status.lastError!.includes("reconnect the account"), status.lastError!);
      assert.deepEqual(status.nextAt, null);
    } finally {
      await setup.close();
    }
  },
);
