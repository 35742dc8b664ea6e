/**
 * Tenant isolation as a property: whatever a user does to another user's resources fails with
 * NotFound (never revealing they exist) and changes nothing in any table.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Actor } from "../../domain/actor.ts";
import { NotFoundError } from "../../domain/errors.ts";
import type { Domain } from "../../domain/mod.ts";
import { backendTest } from "../_helpers/backend.ts";
import {
  connectAccount,
  createCampaign,
  registerUser,
  snapshotTables,
} from "../_helpers/fixtures.ts";

/** One user's resources, by kind. */
interface Owned {
  adAccountId: string;
  campaignId: string;
  creativeId: string;
  conversationId: string;
  apiTokenId: string;
  sessionId: string;
  chargeId: string;
  idempotencyKey: string;
  claimToken: string;
}

async function createResources(domain: Domain, owner: Actor): Promise<Owned> {
  const adAccountId = await connectAccount(domain, owner);
  const campaign = await createCampaign(domain, owner, adAccountId);
  await domain.campaigns.resume(owner, campaign.id);
  const creative = await domain.creatives.create(owner, campaign.id, { headline: "h", body: "b" });
  const conversation = await domain.conversations.create(owner);
  await domain.conversations.appendMessage(owner, conversation.id, { role: "user", content: "hi" });
  const { token } = await domain.apiTokens.create(owner, { name: "t" });
  const { session } = await domain.sessions.create(owner);
  const charge = await domain.credits.charge(owner, {
    amount: 3,
    idempotencyKey: "charge",
    description: "x",
  });
  const idempotencyKey = crypto.randomUUID();
  const claim = await domain.idempotency.begin(owner, {
    scope: "POST /x",
    key: idempotencyKey,
    requestHash: "0".repeat(64),
  });
  if (claim.state !== "started") throw new Error("the key is new");
  return {
    adAccountId,
    campaignId: campaign.id,
    creativeId: creative.id,
    conversationId: conversation.id,
    apiTokenId: token.id,
    sessionId: session.id,
    chargeId: charge.id,
    idempotencyKey,
    claimToken: claim.claimToken,
  };
}

type Intrusion = (domain: Domain, intruder: Actor, owned: Owned, text: string) => Promise<unknown>;

/** Every service call that names another user's resource. */
const INTRUSIONS: Record<string, Intrusion> = {
  "adAccounts.get": (d, a, o) => d.adAccounts.get(a, o.adAccountId),
  "adAccounts.rename": (d, a, o, text) => d.adAccounts.rename(a, o.adAccountId, { name: text }),
  "adAccounts.disconnect": (d, a, o) => d.adAccounts.disconnect(a, o.adAccountId),
  "campaigns.get": (d, a, o) => d.campaigns.get(a, o.campaignId),
  "campaigns.create": (d, a, o, text) =>
    d.campaigns.create(a, {
      adAccountId: o.adAccountId,
      name: text,
      objective: "sales",
      budgetType: "daily",
      budgetAmountMinor: 100,
    }),
  "campaigns.update": (d, a, o, text) => d.campaigns.update(a, o.campaignId, { name: text }),
  "campaigns.pause": (d, a, o) => d.campaigns.pause(a, o.campaignId),
  "campaigns.resume": (d, a, o) => d.campaigns.resume(a, o.campaignId),
  "campaigns.archive": (d, a, o) => d.campaigns.archive(a, o.campaignId),
  "campaigns.delete": (d, a, o) => d.campaigns.delete(a, o.campaignId),
  "creatives.list": (d, a, o) => d.creatives.list(a, o.campaignId),
  "creatives.get": (d, a, o) => d.creatives.get(a, o.creativeId),
  "creatives.create": (d, a, o, text) =>
    d.creatives.create(a, o.campaignId, { headline: text, body: text }),
  "creatives.update": (d, a, o, text) => d.creatives.update(a, o.creativeId, { body: text }),
  "creatives.delete": (d, a, o) => d.creatives.delete(a, o.creativeId),
  "metrics.byCampaign": (d, a, o) =>
    d.metrics.performance(a, { from: "2026-11-01", to: "2026-11-26", campaignId: o.campaignId }),
  "metrics.byAccount": (d, a, o) =>
    d.metrics.performance(a, { from: "2026-11-01", to: "2026-11-26", adAccountId: o.adAccountId }),
  "conversations.get": (d, a, o) => d.conversations.get(a, o.conversationId),
  "conversations.rename": (d, a, o, text) =>
    d.conversations.rename(a, o.conversationId, { title: text }),
  "conversations.delete": (d, a, o) => d.conversations.delete(a, o.conversationId),
  "conversations.appendMessage": (d, a, o, text) =>
    d.conversations.appendMessage(a, o.conversationId, { role: "user", content: text }),
  "conversations.listMessages": (d, a, o) => d.conversations.listMessages(a, o.conversationId),
  "apiTokens.revoke": (d, a, o) => d.apiTokens.revoke(a, o.apiTokenId),
  "sessions.revoke": (d, a, o) => d.sessions.revoke(a, o.sessionId),
  "credits.refund": (d, a, o, text) =>
    d.credits.refund(a, { chargeId: o.chargeId, idempotencyKey: text }),
  "idempotency.complete": (d, a, o) =>
    d.idempotency.complete(a, {
      scope: "POST /x",
      key: o.idempotencyKey,
      claimToken: o.claimToken,
      responseStatus: 200,
      responseBody: {},
    }),
};

backendTest("tenant isolation", async (t, { domain, db }) => {
  await t.step("property: cross-tenant calls fail with NotFound and change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.nat(),
        fc.nat(),
        fc.array(
          fc.tuple(
            fc.constantFrom(...Object.keys(INTRUSIONS)),
            fc.stringMatching(/^[A-Za-z0-9 ]{0,19}[A-Za-z0-9]$/),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        async (userCount, ownerPick, intruderPick, calls) => {
          const users = [];
          for (let index = 0; index < userCount; index++) users.push(await registerUser(domain));
          const owner = users[ownerPick % userCount];
          const others = users.filter((user) => user !== owner);
          const intruder = others[intruderPick % others.length];
          const owned = await createResources(domain, owner);
          await createResources(domain, intruder);
          const before = await snapshotTables(db);
          for (const [name, text] of calls) {
            await assert.rejects(
              INTRUSIONS[name](domain, intruder, owned, text),
              NotFoundError,
              `${name} by another user`,
            );
          }
          assert.deepStrictEqual(await snapshotTables(db), before);
        },
      ),
      { numRuns: 20 },
    );
  });

  await t.step("the same calls by the owner succeed (the property is not vacuous)", async () => {
    const owner = await registerUser(domain);
    const owned = await createResources(domain, owner);
    for (const [name, intrusion] of Object.entries(INTRUSIONS)) {
      if (name.endsWith(".delete") || name.endsWith(".disconnect")) continue;
      await intrusion(domain, owner, owned, `ok ${name}`).catch((error) => {
        // State-machine conflicts are fine here: the resource was found.
        assert.ok(!(error instanceof NotFoundError), `${name}: ${error}`);
      });
    }
  });
});
