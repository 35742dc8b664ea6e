/** Google Ads specifics beyond the shared contract: budgets, names, monthly delivery, errors. */
import assert from "node:assert/strict";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { PlatformValidationError } from "../../../domain/errors.ts";
import type { PlatformCampaignSpec } from "../../../domain/platforms/adapter.ts";
import { classifyGoogleAds } from "../../../domain/platforms/google_ads.ts";
import { googleAdsTarget } from "./_targets.ts";

const SPEC: PlatformCampaignSpec = {
  name: "Winter sale",
  objective: "sales",
  budgetType: "daily",
  budgetAmountMinor: 10_000,
  startDate: null,
  endDate: null,
  targeting: {},
  landingUrl: null,
};

Deno.test("Google Ads: budgets, names and delivery on the fake", async (t) => {
  const target = googleAdsTarget("USD");
  const { adapter, account, fake } = target;
  try {
    await t.step("a budget create whose answer is lost is reused, not made twice", async () => {
      fake!.inject({ kind: "server_error", applied: true }, { path: /campaignBudgets:mutate$/ });
      const before = fake!.creates();
      const { externalId } = await adapter.createCampaign(account, SPEC);
      assert.equal(fake!.creates(), before + 1);
      assert.equal(fake!.rawBudget(externalId), 100_000_000, "micros");
      const state = await adapter.getCampaign!(account, externalId);
      assert.equal(state.name, "Winter sale", "the marker is hidden");
    });

    await t.step("two campaigns may share a name; a rename keeps the marker", async () => {
      const { externalId } = await adapter.createCampaign(account, SPEC);
      await adapter.updateCampaign(account, {
        ...SPEC,
        name: "Winter sale, renamed",
        id: "local",
        externalId,
        status: "draft",
        createdAt: new Date().toISOString(),
      });
      assert.equal((await adapter.getCampaign!(account, externalId)).name, "Winter sale, renamed");
      const listed = await adapter.listCampaigns!(account);
      assert.equal(listed.filter((campaign) => campaign.name === "Winter sale").length, 1);
    });

    await t.step("Google's own refusal text reaches the user as a 422", async () => {
      await assert.rejects(
        adapter.validateChange!(account, {
          kind: "create",
          spec: { ...SPEC, budgetAmountMinor: 0 },
        }),
        (error: unknown) =>
          error instanceof PlatformValidationError && error.status === 422 &&
          /less than the minimum CPC/.test(error.message),
      );
    });

    await t.step(
      "sixty days of delivery: at most 2× a day and 30.4× a calendar month",
      async () => {
        const start = new Date(fake!.clock.now());
        const { externalId } = await adapter.createCampaign(account, { ...SPEC, name: "Months" });
        const campaign = {
          ...SPEC,
          id: "months",
          externalId,
          status: "active" as const,
          createdAt: start.toISOString(),
        };
        await adapter.resumeCampaign(account, campaign);
        fake!.clock.advanceDays(60);
        const from = dateOf(start, account.timezone);
        const days = await adapter.fetchDailyMetrics(account, campaign, {
          from,
          to: addDays(from, 60),
          spentBeforeMinor: 0,
        }, new Date(fake!.clock.now()));
        assert.ok(days.length >= 50, `${days.length} days`);
        const months = new Map<string, number>();
        for (const day of days) {
          assert.ok(day.spendMinor <= 2 * SPEC.budgetAmountMinor, day.date);
          months.set(
            day.date.slice(0, 7),
            (months.get(day.date.slice(0, 7)) ?? 0) + day.spendMinor,
          );
        }
        for (const [month, spent] of months) {
          assert.ok(spent <= 30.4 * SPEC.budgetAmountMinor, `${month}: ${spent}`);
        }
        // A full month at this pace would pass 30.4 daily budgets; the cap holds it there.
        assert.ok([...months.values()].some((spent) => spent > 25 * SPEC.budgetAmountMinor));
      },
    );
  } finally {
    await target.close();
  }
});

Deno.test("Google Ads errors are classified by status and GoogleAdsFailure codes", () => {
  const headers = new Headers();
  const error = (status: string, code: Record<string, string>, extra: object = {}) => ({
    error: {
      code: 400,
      message: "x",
      status,
      details: [
        { "@type": "GoogleAdsFailure", errors: [{ errorCode: code, message: "m" }] },
        extra,
      ],
    },
  });
  assert.deepEqual(
    classifyGoogleAds({
      status: 429,
      headers,
      body: error("RESOURCE_EXHAUSTED", { quotaError: "RESOURCE_EXHAUSTED" }, {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: "12.5s",
      }),
    }),
    { kind: "rate_limit", message: "m", retryAfterMs: 12_500 },
  );
  assert.equal(
    classifyGoogleAds({
      status: 401,
      headers,
      body: error("UNAUTHENTICATED", { authenticationError: "OAUTH_TOKEN_REVOKED" }),
    })?.kind === "auth",
    true,
  );
  assert.deepEqual(
    classifyGoogleAds({
      status: 401,
      headers,
      body: error("UNAUTHENTICATED", { authenticationError: "OAUTH_TOKEN_REVOKED" }),
    }),
    { kind: "auth", message: "m", tokenExpired: false },
  );
  assert.equal(
    classifyGoogleAds({
      status: 403,
      headers,
      body: error("PERMISSION_DENIED", { authorizationError: "DEVELOPER_TOKEN_NOT_APPROVED" }),
    })?.kind,
    "failed",
  );
  assert.equal(
    classifyGoogleAds({
      status: 200,
      headers,
      body: {
        results: [{}],
        partialFailureError: {
          code: 3,
          message: "x",
          details: [{ errors: [{ errorCode: { campaignError: "DUPLICATE_CAMPAIGN_NAME" } }] }],
        },
      },
    })?.kind,
    "validation",
  );
  assert.equal(classifyGoogleAds({ status: 200, headers, body: { results: [] } }), null);
});
