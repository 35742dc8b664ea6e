/**
 * `/metrics`: off without a token, refused with a wrong or missing one, and after real traffic
 * (pages, REST, health, an agent run followed over pub/sub, a takeover) it serves every series
 * with sane values, labelled by route pattern rather than raw path. Runs on the backend the
 * environment selects.
 */
import assert from "node:assert/strict";
import { claimRun } from "../../agent/runs/store.ts";
import type { RunView } from "../../agent/runs/types.ts";
import { createMetricsHandler } from "../../api/metrics.ts";
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { openServices } from "../../app/services.ts";
import { createApp } from "../../main.ts";
import { scratchDatabaseUrl } from "../_helpers/backend.ts";

const TOKEN = "metrics-test-token-0123456789";

const info: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
};

/** The value of the series `name{labels}` (labels in any order), or undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

Deno.test({
  name: "metrics endpoint",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dataDir = await Deno.makeTempDir({ prefix: "aae-metrics-test-" });
    const config = loadConfig({
      DATABASE_URL: await scratchDatabaseUrl("aae_test_metrics"),
      REDIS_URL: Deno.env.get("REDIS_URL"),
      DATA_DIR: dataDir,
      JWT_SECRET_KEY: "test-secret-test-secret-test-secret-0123",
      METRICS_TOKEN: TOKEN,
      LOG_LEVEL: "error",
    });
    const services = await openServices(config, createLogger("error"), {
      keyPrefix: `aae_test_metrics:${crypto.randomUUID()}:`,
    });
    const app = await createApp(services);
    const get = async (path: string, headers: HeadersInit = {}) => {
      const response = await app(new Request(`http://localhost${path}`, { headers }), info);
      await response.body?.cancel();
      return response;
    };
    const scrape = async () => {
      const response = await app(
        new Request("http://localhost/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
        info,
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      return await response.text();
    };
    try {
      await t.step("without a token configured the endpoint does not exist", async () => {
        const response = await createMetricsHandler(undefined)(
          new Request("http://localhost/metrics", { headers: { authorization: "Bearer x" } }),
        );
        assert.equal(response.status, 404);
      });

      await t.step("a missing or wrong token is refused", async () => {
        const attempts: Record<string, string>[] = [
          {},
          { authorization: "Bearer wrong" },
          { authorization: TOKEN },
        ];
        for (const headers of attempts) {
          const response = await get("/metrics", headers);
          assert.equal(response.status, 401);
          assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
        }
      });

      await t.step("requests are counted and timed per route pattern", async () => {
        const before = await scrape();
        const count = (text: string, labels: Record<string, string>) =>
          sample(text, "aae_http_request_duration_seconds_count", labels) ?? 0;
        const traffic: [string, Record<string, string>][] = [
          ["/", { method: "GET", route: "/", status: "200" }],
          ["/campaigns/abc", { method: "GET", route: "/campaigns/:id", status: "303" }],
          ["/campaigns/def", { method: "GET", route: "/campaigns/:id", status: "303" }],
          ["/api/v1/campaigns/abc", {
            method: "GET",
            route: "/api/v1/campaigns/:id",
            status: "401",
          }],
          ["/healthz", { method: "GET", route: "/healthz", status: "200" }],
          ["/no-such-page", { method: "GET", route: "notFound", status: "404" }],
        ];
        for (const [path] of traffic) await get(path);
        const after = await scrape();
        const expected = new Map<string, number>();
        for (const [, labels] of traffic) {
          const key = JSON.stringify(labels);
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        for (const [key, added] of expected) {
          const labels = JSON.parse(key);
          assert.equal(count(after, labels) - count(before, labels), added, key);
          const sum = sample(after, "aae_http_request_duration_seconds_sum", labels)!;
          assert.ok(sum > 0 && sum < 60, `latency sum ${sum} for ${key}`);
        }
        assert.doesNotMatch(after, /route="\/campaigns\/abc"/, "raw paths are not labels");
        const landing = { method: "GET", route: "/", status: "200" };
        const buckets = [...after.matchAll(
          /^aae_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/",status="200"\} (\S+)$/gm,
        )].map((m) => [m[1], Number(m[2])] as const);
        assert.ok(buckets.length > 2);
        assert.deepStrictEqual(
          buckets.map(([, n]) => n),
          buckets.map(([, n]) => n).toSorted((a, b) => a - b),
          "buckets are cumulative",
        );
        assert.deepStrictEqual(buckets.at(-1), ["+Inf", count(after, landing)]);
      });

      await t.step("runs by status, step durations and event fan-out lag", async () => {
        const { actor } = await services.domain.accounts.register({
          email: "metrics@example.com",
          password: "metrics password 123",
          displayName: "Metrics",
        });
        const conversation = await services.domain.conversations.create(actor);
        let delivered = 0;
        const subscription = await services.domain.conversationEvents.subscribe(
          actor,
          conversation.id,
          () => delivered++,
        );
        const before = await scrape();
        const submitted = await services.runs!.submit(actor, {
          conversationId: conversation.id,
          content: "hello",
        });
        let view: RunView;
        const deadline = Date.now() + 20_000;
        do {
          await new Promise((resolve) => setTimeout(resolve, 25));
          view = await services.runs!.get(actor, submitted.runId);
          assert.ok(Date.now() < deadline, `run still ${view.status}`);
        } while (!["completed", "failed", "cancelled"].includes(view.status));
        assert.equal(view.status, "completed");
        await subscription.unsubscribe();
        const after = await scrape();

        assert.ok((sample(after, "aae_agent_runs", { status: "completed" }) ?? 0) >= 1);
        assert.equal(sample(after, "aae_agent_runs", { status: "running" }), 0);
        assert.equal(sample(after, "aae_agent_running_oldest_update_age_seconds"), 0);

        const steps = (text: string) =>
          sample(text, "aae_agent_step_duration_seconds_count", { status: "succeeded" }) ?? 0;
        assert.ok(view.steps.length > 0);
        assert.ok(steps(after) - steps(before) >= 1, "the run's steps were timed");

        assert.ok(delivered > 0, "the subscriber got events");
        const lag = (text: string) => sample(text, "aae_event_fanout_lag_seconds_count") ?? 0;
        assert.equal(lag(after) - lag(before), delivered);
        const lagSum = sample(after, "aae_event_fanout_lag_seconds_sum")!;
        assert.ok(lagSum >= 0 && lagSum < 60 * delivered, `lag sum ${lagSum}`);
      });

      await t.step("a takeover is counted, and the run shows as running", async () => {
        const { actor } = await services.domain.accounts.register({
          email: "takeover@example.com",
          password: "metrics password 123",
          displayName: "Takeover",
        });
        const submitted = await services.runs!.submit(actor, { content: "hello again" });
        let view: RunView;
        do {
          await new Promise((resolve) => setTimeout(resolve, 25));
          view = await services.runs!.get(actor, submitted.runId);
        } while (!["completed", "failed", "cancelled"].includes(view.status));
        // As if its runner had died mid-run: the row still says running.
        await services.db.kysely.updateTable("agent_runs").set({ status: "running" })
          .where("id", "=", submitted.runId).execute();
        const before = await scrape();
        const claimed = await claimRun(services.db, submitted.runId, "other-instance", new Date());
        assert.ok(claimed, "claimed");
        const after = await scrape();
        const takeovers = (text: string) => sample(text, "aae_agent_lease_takeovers_total") ?? 0;
        assert.equal(takeovers(after) - takeovers(before), 1);
        assert.equal(sample(after, "aae_agent_runs", { status: "running" }), 1);
        const age = sample(after, "aae_agent_running_oldest_update_age_seconds")!;
        assert.ok(age >= 0 && age < 3600, `staleness ${age}`);
      });
    } finally {
      await services.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
