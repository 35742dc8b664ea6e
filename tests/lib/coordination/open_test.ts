/** Choosing and opening a coordination backend from configuration. */
import assert from "node:assert/strict";
import { openCoordination } from "../../../lib/coordination/mod.ts";

Deno.test("openCoordination", async (t) => {
  await t.step("without REDIS_URL it is in-process", async () => {
    const coordination = await openCoordination({ REDIS_URL: undefined });
    assert.equal(coordination.kind, "memory");
    await coordination.ping();
    await coordination.close();
  });

  await t.step({
    name: "an unreachable Redis fails loudly instead of retrying forever",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await assert.rejects(
        openCoordination({ REDIS_URL: "redis://127.0.0.1:1" }),
        /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/,
      );
    },
  });
});
