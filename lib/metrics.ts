/**
 * The process's Prometheus metrics: one registry and the metric objects the layers record into
 * where things happen (HTTP requests, agent steps, lease takeovers, event delivery). Served as
 * text at `/metrics`. A leaf: it imports nothing of the app; figures that live in the database
 * (runs by status) come from a source the composition root registers.
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";

/** The registry `/metrics` serves; the library's global one is left to libraries. */
export const registry: Registry = new Registry();

/** Content type of the text exposition format. */
export const METRICS_CONTENT_TYPE: string = registry.contentType;

/** Latency buckets (seconds) for work that takes milliseconds to seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One label set's observations: per-bucket (not cumulative) counts, sum and count. */
interface RequestSeries {
  labels: Record<"method" | "route" | "status", string>;
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * The request histogram. Every page, API call and endpoint request records into it, and
 * prom-client's `observe` validates and hashes a label object on each call, a cost a page pays
 * again and again; here a request finds its series with one map lookup. It is a histogram in
 * the shape prom-client's registry formats (`get()`), so the exposition is the library's.
 */
class RequestHistogram {
  readonly name = "aae_http_request_duration_seconds";
  readonly help = "HTTP requests by method, route pattern and status: latency, and count (_count)";
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #series = new Map<string, RequestSeries>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        buckets: LATENCY_BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    const bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket >= 0) series.buckets[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  get() {
    const values = [];
    for (const { labels, buckets, sum, count } of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        cumulative += buckets[i];
        const le = String(LATENCY_BUCKETS[i]);
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le, ...labels },
          value: cumulative,
        });
      }
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { le: "+Inf", ...labels },
        value: count,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }
}

const requests = new RequestHistogram();
// The registry formats any object with prom-client's metric shape; its typings list only the
// library's own classes.
registry.registerMetric(requests as unknown as Metric);

/** Records one answered request that started at `startedMs` (`performance.now()`). */
export function observeRequest(
  method: string,
  route: string,
  status: number,
  startedMs: number,
): void {
  requests.observe(method, route, status, (performance.now() - startedMs) / 1000);
}

/** Agent runs by status and the staleness of running ones, as read from the database. */
export interface RunStatusSummary {
  counts: Record<string, number>;
  /** Seconds since the least recently updated `running` run was updated; 0 when none runs. */
  oldestRunningUpdateAgeSeconds: number;
}

let runStatusSource: (() => Promise<RunStatusSummary>) | undefined;

/**
 * Registers where the run gauges read from at each scrape (the composition root does, once the
 * database is open); returns the function that unregisters it, for when the database closes.
 */
export function setRunStatusSource(source: () => Promise<RunStatusSummary>): () => void {
  runStatusSource = source;
  return () => {
    if (runStatusSource === source) runStatusSource = undefined;
  };
}

/** One scrape's summary, shared by both run gauges so the database is read once. */
let pendingSummary: Promise<RunStatusSummary | undefined> | undefined;

function runSummary(): Promise<RunStatusSummary | undefined> {
  pendingSummary ??= (runStatusSource?.() ?? Promise.resolve(undefined)).finally(() => {
    pendingSummary = undefined;
  });
  return pendingSummary;
}

/** Agent runs by status, across all instances (the database is shared). */
export const agentRuns: Gauge<"status"> = new Gauge({
  name: "aae_agent_runs",
  help: "Agent runs by status, across all instances",
  labelNames: ["status"],
  registers: [registry],
  async collect() {
    const summary = await runSummary();
    this.reset();
    for (const [status, count] of Object.entries(summary?.counts ?? {})) {
      this.set({ status }, count);
    }
  },
});

/** How long the stalest `running` run has gone without progress: a stuck run grows it. */
export const agentRunningStaleness: Gauge = new Gauge({
  name: "aae_agent_running_oldest_update_age_seconds",
  help: "Seconds since the least recently updated running agent run last progressed (0: none)",
  registers: [registry],
  async collect() {
    this.set((await runSummary())?.oldestRunningUpdateAgeSeconds ?? 0);
  },
});

/** Durable agent steps (model calls, tool calls), from start to recorded outcome. */
export const agentStepDuration: Histogram<"status"> = new Histogram({
  name: "aae_agent_step_duration_seconds",
  help: "Durable agent steps from start to recorded outcome, by outcome",
  labelNames: ["status"],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

/** Runs this instance took over from a runner that stopped mid-run. */
export const leaseTakeovers: Counter = new Counter({
  name: "aae_agent_lease_takeovers_total",
  help: "Agent runs this instance took over from a runner that stopped mid-run",
  registers: [registry],
});

/** From a conversation event's creation to its arrival at a subscriber through pub/sub. */
export const eventFanoutLag: Histogram = new Histogram({
  name: "aae_event_fanout_lag_seconds",
  help: "From a conversation event's creation to its arrival at a subscriber (pub/sub)",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [registry],
});

/** Delivery attempts of notifications (webhooks, email), by channel and outcome. */
export const notificationDeliveryAttempts: Counter<"channel" | "outcome"> = new Counter({
  name: "aae_notification_delivery_attempts_total",
  help: "Notification delivery attempts (webhook, email), by outcome: delivered, retry, gave_up",
  labelNames: ["channel", "outcome"],
  registers: [registry],
});

/** How long one delivery attempt took, by channel. */
export const notificationDeliveryDuration: Histogram<"channel"> = new Histogram({
  name: "aae_notification_delivery_duration_seconds",
  help: "One notification delivery attempt (a webhook POST, an email), by channel",
  labelNames: ["channel"],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Workflow runs (rule evaluations, resumes, alert detections…) by kind and how an attempt ended. */
export const workflowRuns: Counter<"kind" | "outcome"> = new Counter({
  name: "aae_workflow_runs_total",
  help: "Workflow run attempts by kind and outcome: succeeded, failed, retry, handed_back, " +
    "lease_lost",
  labelNames: ["kind", "outcome"],
  registers: [registry],
});

/** Durable workflow steps (evaluate, apply, detect…), from start to recorded outcome. */
export const workflowStepDuration: Histogram<"kind" | "status"> = new Histogram({
  name: "aae_workflow_step_duration_seconds",
  help: "Durable workflow steps from start to recorded outcome, by run kind and outcome",
  labelNames: ["kind", "status"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Workflow runs this instance took over from a runner whose lease lapsed. */
export const workflowLeaseTakeovers: Counter<"kind"> = new Counter({
  name: "aae_workflow_lease_takeovers_total",
  help: "Workflow runs this instance took over from a runner whose lease lapsed, by kind",
  labelNames: ["kind"],
  registers: [registry],
});

/** Rule evaluations (one per rule and schedule slot), by result. */
export const ruleEvaluations: Counter<"result"> = new Counter({
  name: "aae_rule_evaluations_total",
  help: "Rule evaluations (one per rule and slot): evaluated, or skipped (rule deleted/disabled)",
  labelNames: ["result"],
  registers: [registry],
});

/**
 * A rule's firings on campaigns by outcome: applied, held (for approval), refused (a hard limit
 * or the freeze), notified (notify only), and the would-be firings stopped by the cooldown, the
 * minimum-data gate (`gated`) or an action with nothing to do (`not_applicable`).
 */
export const ruleFirings: Counter<"outcome"> = new Counter({
  name: "aae_rule_firings_total",
  help: "Rule firings on campaigns by outcome: applied, held, refused, notified, cooldown, " +
    "gated, not_applicable",
  labelNames: ["outcome"],
  registers: [registry],
});
