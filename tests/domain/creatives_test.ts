/** Creatives: CRUD within one of the actor's campaigns. */
import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

backendTest("creatives", async (t, { domain, clock }) => {
  const { creatives } = domain;
  const actor = await registerUser(domain);
  const campaign = await createCampaign(domain, actor, await connectAccount(domain, actor));

  await t.step("create, get, list in creation order", async () => {
    const first = await creatives.create(actor, campaign.id, {
      headline: "Spring sale — 20% off",
      body: "Everything must go 🌸",
      callToAction: "Shop now",
      mediaUrl: "https://cdn.example.com/spring.jpg",
    });
    clock.advance(1_000);
    const second = await creatives.create(actor, campaign.id, {
      headline: "Last days",
      body: "Hurry",
    });
    assert.equal(second.callToAction, null);
    assert.deepEqual(await creatives.get(actor, first.id), first);
    const page = await creatives.list(actor, campaign.id);
    assert.deepEqual(page.items, [first, second]);
    assert.equal(page.total, 2);
  });

  await t.step("update changes given fields; null clears optional ones", async () => {
    const creative = (await creatives.list(actor, campaign.id)).items[0];
    const updated = await creatives.update(actor, creative.id, { headline: "New", mediaUrl: null });
    assert.equal(updated.headline, "New");
    assert.equal(updated.body, creative.body);
    assert.equal(updated.mediaUrl, null);
    assert.equal(updated.callToAction, "Shop now");
    await assert.rejects(creatives.update(actor, creative.id, { headline: "" }), ValidationError);
    await assert.rejects(
      creatives.update(actor, creative.id, { mediaUrl: "javascript:void(0)" }),
      ValidationError,
    );
  });

  await t.step("delete hides it; unknown campaign is NotFound", async () => {
    const creative = (await creatives.list(actor, campaign.id)).items[0];
    await creatives.delete(actor, creative.id);
    await assert.rejects(creatives.get(actor, creative.id), NotFoundError);
    assert.equal((await creatives.list(actor, campaign.id)).total, 1);
    await assert.rejects(creatives.list(actor, crypto.randomUUID()), NotFoundError);
    await assert.rejects(
      creatives.create(actor, crypto.randomUUID(), { headline: "h", body: "b" }),
      NotFoundError,
    );
  });
});
