/**
 * Process configuration, read once from environment variables and validated with zod so a bad
 * value stops the process at startup with a message naming the variable.
 *
 * @module
 */
import { z } from "zod";

/** The environment variables the app understands, with their defaults. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOSTNAME: z.string().default("0.0.0.0"),
  /** `mysql://user:pass@host:port/db`; unset → embedded SQLite under DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^mysql$/ }).optional(),
  /** `redis://host:port/db`; unset → in-process locks, pub/sub and counters. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  DATA_DIR: z.string().default("./data"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  JWT_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  GEMINI_API_KEY: z.string().optional(),
  /** A current Gemini model; retired names answer 404 (see Google's deprecation list). */
  GEMINI_MODEL: z.string().default("gemini-3.8-flash"),
  /**
   * Gemini API version. v1beta is the one with function-call ids and the newest models; the
   * SDK alone would pick v1.
   */
  GEMINI_API_VERSION: z.enum(["v1beta", "v1", "v1alpha"]).default("v1beta"),
  /** Another endpoint speaking the Gemini API; a trailing version path is accepted (see below). */
  GEMINI_BASE_URL: z.url().optional(),
  /** Gemini: longest total wait for rate-limit retries (server's `retryDelay`) in one run (ms). */
  GEMINI_RETRY_BUDGET_MS: z.coerce.number().int().min(0).default(90_000),
  /** Gemini: a request or stream silent this long (ms) is abandoned and retried. */
  GEMINI_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  MCP_SERVER_URL: z.url().optional(),
  /** Agent runs: lease of the runner of a conversation, extended by a heartbeat (ms). */
  AGENT_LEASE_TTL_MS: z.coerce.number().int().min(1_000).default(10_000),
  /**
   * REST `Idempotency-Key`s: owner lease of a claimed request (ms), extended while it runs; a
   * retry takes over the claim of a request whose process died this long after it went silent.
   */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(1_000).default(10_000),
  /** How long a change held for a person's approval waits before it expires (hours). */
  APPROVAL_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** Rollbacks: lease of the instance applying one; after a crash another resumes it (ms). */
  ROLLBACK_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** Durable workflow runs (rule evaluations, backfills, syncs): a runner's lease; after a crash
   * another instance resumes the run (ms). */
  WORKFLOW_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** Workflow runs: how often each instance looks for due runs (ms). */
  WORKFLOW_POLL_MS: z.coerce.number().int().min(50).default(1_000),
  /** Rules: how often each instance enqueues the rules' due schedule slots (ms). */
  RULES_TICK_MS: z.coerce.number().int().min(50).default(30_000),
  /** Alerts: how often each instance enqueues the hourly detection of accounts due (ms). */
  ALERTS_TICK_MS: z.coerce.number().int().min(50).default(60_000),
  /** Agent runs: how often runs whose runner died are looked for (ms). */
  AGENT_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).default(3_000),
  /** Agent runs: model calls one run may make before it stops with an explanation. */
  AGENT_MAX_MODEL_CALLS: z.coerce.number().int().min(1).default(25),
  /**
   * Chat sockets opened with an API token or session cookies re-check them this often (ms), so a
   * revoked token or a signed-out session stops streaming within one interval.
   */
  CHAT_REVALIDATE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Checkpoints older than this (hours) are pruned to the latest per run. */
  CHECKPOINT_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  /** Credits granted to each new user. */
  SIGNUP_CREDITS: z.coerce.number().int().min(0).default(100),
  /** Credits each user's balance is topped up to once per calendar month (UTC); unset: none. */
  CREDITS_MONTHLY_ALLOWANCE: z.coerce.number().int().min(1).optional(),
  /** PBKDF2-SHA256 iterations for new password hashes; OWASP's floor is the minimum. */
  PASSWORD_PBKDF2_ITERATIONS: z.coerce.number().int().min(600_000).default(600_000),
  /** The public origin users reach the app at (`https://ads.example.com`); sets cookie `Secure`. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Trust the first `X-Forwarded-For` address as the client IP (only behind a proxy). */
  TRUST_PROXY: z.stringbool().default(false),
  /** Sign in with Google (OpenID Connect); both id and secret enable it. */
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  /** OpenID issuer; its `/.well-known/openid-configuration` names the endpoints. */
  GOOGLE_ISSUER: z.url().default("https://accounts.google.com"),
  /** REST requests per user (or API token owner) per minute. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Sign-in attempts per account per window. */
  LOGIN_RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /** Sign-in and registration attempts per client IP per window. */
  LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Window of the sign-in limits, in seconds. */
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Meta Graph API host (the local fake's URL to try the app without Meta). */
  META_API_BASE_URL: z.url().default("https://graph.facebook.com"),
  /** Meta Graph API version the adapter calls. */
  META_API_VERSION: z.string().regex(/^v\d+\.\d+$/).default("v24.0"),
  /** Google Ads API host (the local fake's URL to try the app without Google). */
  GOOGLE_ADS_API_BASE_URL: z.url().default("https://googleads.googleapis.com"),
  /** Google Ads API version the adapter calls. */
  GOOGLE_ADS_API_VERSION: z.string().regex(/^v\d+$/).default("v23"),
  /** Google Ads developer token (sent as `developer-token` on every call). */
  GOOGLE_ADS_DEVELOPER_TOKEN: z.string().optional(),
  /** TikTok Marketing API host (the local fake's URL to try the app without TikTok). */
  TIKTOK_API_BASE_URL: z.url().default("https://business-api.tiktok.com"),
  /** Meta app (Facebook Login for Business): both enable connecting Meta ad accounts. */
  META_APP_ID: z.string().optional(),
  META_APP_SECRET: z.string().optional(),
  /** Where Meta's consent dialog is (the local fake's URL to try the app without Meta). */
  META_LOGIN_BASE_URL: z.url().default("https://www.facebook.com"),
  /** A Facebook Login for Business configuration id, sent instead of the permission list. */
  META_LOGIN_CONFIG_ID: z.string().optional(),
  /** Google OAuth client for the Google Ads API (with the developer token: enables Google Ads). */
  GOOGLE_ADS_CLIENT_ID: z.string().optional(),
  GOOGLE_ADS_CLIENT_SECRET: z.string().optional(),
  /** The manager account (digits) Google Ads calls go through, sent as `login-customer-id`. */
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: z.string().regex(/^\d{10}$/, "10 digits").optional(),
  /**
   * One host serving Google's OAuth endpoints at `/o/oauth2/v2/auth`, `/token`, `/revoke` (the
   * local fake); unset → accounts.google.com and oauth2.googleapis.com.
   */
  GOOGLE_ADS_OAUTH_BASE_URL: z.url().optional(),
  /** TikTok Marketing API app: both enable connecting TikTok advertisers. */
  TIKTOK_APP_ID: z.string().optional(),
  TIKTOK_APP_SECRET: z.string().optional(),
  /**
   * Where platforms send the browser back after consent (`<base>/ad-accounts/connect/<platform>/
   * callback`); defaults to PUBLIC_URL, else the origin the sign-in was started from.
   */
  OAUTH_REDIRECT_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Key encrypting platform credentials at rest: `<id>:<base64 of 32 bytes>` (make one with
   * `deno task credentials generate`). Unset → one generated into DATA_DIR (single instance only).
   */
  CREDENTIALS_KEY: z.string().optional(),
  /** Earlier keys, comma-separated, still read until `deno task credentials rotate` ran. */
  CREDENTIALS_PREVIOUS_KEYS: z.string().optional(),
  /** Days of daily metrics fetched when an account is connected. */
  METRICS_BACKFILL_DAYS: z.coerce.number().int().min(1).max(400).default(90),
  /** How often each connected account's metrics are synced (minutes). */
  PLATFORM_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Bearer token that `/metrics` requires; without it the endpoint is off (404). */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Email notifications: `smtp://user:pass@host:587` or `smtps://…:465`; unset → no email. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** Sender of notification emails. */
  SMTP_FROM: z.string().min(3).default("AAE <notifications@localhost>"),
  /** How often each instance looks for webhooks and emails to send (ms). */
  NOTIFICATION_WORKER_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
  /** A worker's claim on a delivery; after a crash another instance retries it this late (ms). */
  NOTIFICATION_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** Webhooks: delay before the first retry (ms); each further retry waits twice as long. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(10_000),
  /** Webhooks: attempts before a delivery is given up. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  /** Webhooks: failed attempts in a row after which an endpoint is disabled. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(20),
}).transform((config, ctx) => {
  const base = splitBaseUrl(config.GEMINI_BASE_URL);
  if (base.version && base.version !== config.GEMINI_API_VERSION) {
    ctx.addIssue({
      code: "custom",
      path: ["GEMINI_BASE_URL"],
      message: `ends in /${base.version} but GEMINI_API_VERSION is ${config.GEMINI_API_VERSION}: ` +
        `drop the version from the URL, or set GEMINI_API_VERSION=${base.version}`,
    });
    return z.NEVER;
  }
  return { ...config, GEMINI_BASE_URL: base.url as string | undefined };
});

/**
 * A Gemini base URL without a trailing API version path: the SDK appends the version itself, so
 * `https://host/v1beta` would become `https://host/v1beta/v1beta/...` (404).
 */
function splitBaseUrl(url: string | undefined): { url: string | undefined; version?: string } {
  const match = url ? /^(.*?)\/(v1|v1beta|v1alpha)\/?$/.exec(url) : null;
  if (!match) return { url: url?.replace(/\/+$/, "") };
  return { url: match[1], version: match[2] };
}

/** Validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** Thrown when an environment variable has a value the app cannot use. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses configuration from an environment map (defaults to the process environment). Empty
 * strings count as unset, so `FOO= deno task start` behaves like leaving FOO out.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
