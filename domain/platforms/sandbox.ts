/**
 * The built-in sandbox ad platform: accepts every change instantly and reports simulated
 * delivery (see `sandbox_delivery.ts`), so the product has data on a bare machine.
 *
 * @module
 */
import { currencyExponent } from "../currency.ts";
import { addDays, dateOf, fractionOfDayElapsed } from "../dates.ts";
import type { PlatformAdapter, PlatformDailyMetrics } from "./adapter.ts";
import { partialDay, simulateDay } from "./sandbox_delivery.ts";

/** Creates the sandbox adapter. */
export function createSandboxPlatform(): PlatformAdapter {
  const noChangeNeeded = () => Promise.resolve();
  return {
    platform: "sandbox",

    connectAccount({ currency, timezone }) {
      return Promise.resolve({
        externalAccountId: `sandbox-${crypto.randomUUID().slice(0, 8)}`,
        currency,
        timezone,
      });
    },

    createCampaign() {
      return Promise.resolve({ externalId: `sandbox-campaign-${crypto.randomUUID()}` });
    },
    updateCampaign: noChangeNeeded,
    pauseCampaign: noChangeNeeded,
    resumeCampaign: noChangeNeeded,

    fetchDailyMetrics(account, campaign, { from, to, spentBeforeMinor }, now) {
      const today = dateOf(now);
      const minorPerMajor = 10 ** currencyExponent(account.currency);
      const days: PlatformDailyMetrics[] = [];
      let spent = spentBeforeMinor;
      for (let date = from; date <= to && date <= today; date = addDays(date, 1)) {
        const full = simulateDay(campaign, date, spent, minorPerMajor);
        if (!full) continue;
        const day = date === today ? partialDay(full, fractionOfDayElapsed(now)) : full;
        spent += day.spendMinor;
        days.push(day);
      }
      return Promise.resolve(days);
    },
  };
}
