/**
 * The built-in sandbox ad platform: accepts every change instantly and reports simulated
 * delivery (see `sandbox_delivery.ts`), so the product has data on a bare machine. It keeps no
 * state, yet honours request keys like a real platform's deduplication: a campaign created with a
 * request key gets an id derived from the account and the key, so a repeated create answers the
 * same campaign; updates and status changes hold nothing that a repeat could change.
 *
 * Like real platforms it reports by the account's day: dates are calendar days of the account's
 * time zone, and today's partial row covers the part of that local day that has elapsed.
 *
 * @module
 */
import { addDays, dateOf, fractionOfDayElapsed } from "../dates.ts";
import { sha256Hex } from "../secrets.ts";
import type { PlatformAdapter, PlatformDailyMetrics } from "./adapter.ts";
import { partialDay, simulateDay } from "./sandbox_delivery.ts";

/** Creates the sandbox adapter. */
export function createSandboxPlatform(): PlatformAdapter {
  const noChangeNeeded = () => Promise.resolve();
  return {
    platform: "sandbox",

    async connectAccount({ currency, timezone }, requestKey) {
      const id = requestKey === undefined ? crypto.randomUUID() : await sha256Hex(requestKey);
      return { externalAccountId: `sandbox-${id.slice(0, 8)}`, currency, timezone };
    },

    async createCampaign(account, _spec, requestKey) {
      const id = requestKey === undefined
        ? crypto.randomUUID()
        : uuidShaped(await sha256Hex(`${account.externalAccountId}\n${requestKey}`));
      return { externalId: `sandbox-campaign-${id}` };
    },
    updateCampaign: noChangeNeeded,
    pauseCampaign: noChangeNeeded,
    resumeCampaign: noChangeNeeded,
    archiveCampaign: noChangeNeeded,

    fetchDailyMetrics(account, campaign, { from, to, spentBeforeMinor }, now) {
      const today = dateOf(now, account.timezone);
      const days: PlatformDailyMetrics[] = [];
      let spent = spentBeforeMinor;
      for (let date = from; date <= to && date <= today; date = addDays(date, 1)) {
        const full = simulateDay(campaign, date, spent, account);
        if (!full) continue;
        const day = date === today
          ? partialDay(full, fractionOfDayElapsed(now, account.timezone))
          : full;
        spent += day.spendMinor;
        days.push(day);
      }
      return Promise.resolve(days);
    },
  };
}

/** The first 32 hex digits of `hex` grouped like a UUID (the shape of unkeyed sandbox ids). */
function uuidShaped(hex: string): string {
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ]
    .join("-");
}
