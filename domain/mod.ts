/**
 * The domain layer: one factory builds every service on top of a database, coordination, a clock
 * and the ad platforms. REST, MCP tools, the agent and the pages all go through it.
 *
 * @module
 */
import type { Database } from "../db/database.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import { type AccountsService, createAccountsService } from "./accounts.ts";
import { type AdminService, createAdminService } from "./admin.ts";
import { type Alert, type AlertsService, createAlertsService } from "./alerts/service.ts";
import { createAlertPublisher } from "./alerts/notify.ts";
import { type AlertDetectionSchedule, createAlertDetectionSchedule } from "./alerts/scheduled.ts";
import { type AdAccountsService, createAdAccountsService, toAdAccount } from "./ad_accounts.ts";
import { type ApiTokensService, createApiTokensService } from "./api_tokens.ts";
import { type AdAccountLimitsService, createAdAccountLimitsService } from "./ad_account_limits.ts";
import { type ApprovalsService, createApprovals } from "./approvals.ts";
import { type AttentionService, createAttentionService } from "./attention.ts";
import { createCampaignWrites } from "./campaign_writes.ts";
import { type CampaignsService, createCampaignsService } from "./campaigns.ts";
import { type ChangeHistory, createChangeHistory } from "./change_history.ts";
import { createRollbacksService, type RollbacksService } from "./rollbacks.ts";
import { createRulesService, type RulesService } from "./rules/service.ts";
import { createRuleExecution, type RuleExecution, type RuleNotifier } from "./rules/execution.ts";
import {
  createWorkflows,
  type WorkflowHandler,
  type WorkflowOptions,
  type Workflows,
  type WorkflowTicker,
} from "./workflows/engine.ts";
import { createWorkflowRunViews, type WorkflowRunViews } from "./workflows/views.ts";
import { ruleActivityFromEvaluations, type RuleActivitySource } from "./rules/activity.ts";
import { createRuleEnabling, type RuleEnabling } from "./rules/enabling.ts";
import { createRulePreview, type RulePreviewService } from "./rules/preview.ts";
import { type Clock, type IdGenerator, randomIds, systemClock } from "./clock.ts";
import type { DomainContext } from "./context.ts";
import {
  type ConversationEventLog,
  createConversationEventsService,
} from "./conversation_events.ts";
import { type ConversationsService, createConversationsService } from "./conversations.ts";
import { createCreativesService, type CreativesService } from "./creatives.ts";
import { createCreditsService, type CreditsService } from "./credits.ts";
import { createIdempotencyService, type IdempotencyService } from "./idempotency.ts";
import { createMetricsService, type MetricsService } from "./metrics.ts";
import { createMetricsSync, DEFAULT_METRICS_REFRESH_MS } from "./metrics_sync.ts";
import {
  createNotificationsService,
  type NotificationOptions,
  type NotificationsService,
} from "./notifications/mod.ts";
import { createPasswordHasher, DEFAULT_PBKDF2_ITERATIONS } from "./password.ts";
import type { PlatformRegistry } from "./platforms/adapter.ts";
import { createSandboxPlatform } from "./platforms/sandbox.ts";
import { createWriteGateway, type WriteGateway } from "./write_gateway.ts";
import {
  type ConnectionsOptions,
  createConnectionsService,
  type PlatformConnectionsService,
} from "./connections/service.ts";
import { type SyncStatus, syncStatus } from "./connections/status.ts";
import { syncHandlers, syncTicker } from "./connections/sync.ts";
import {
  createSessionsService,
  DEFAULT_REFRESH_TOKEN_TTL_MS,
  type SessionsService,
} from "./sessions.ts";

/** Credits granted on registration unless configured otherwise. */
export const DEFAULT_SIGNUP_CREDITS = 100;

/** What `createDomain` is built from; everything but `db` and `coordination` has a default. */
export interface DomainOptions {
  db: Database;
  coordination: Coordination;
  clock?: Clock;
  ids?: IdGenerator;
  /** Ad platform adapters; defaults to the sandbox only. */
  platforms?: PlatformRegistry;
  /** PBKDF2 iterations for new password hashes (production default 600,000). */
  passwordIterations?: number;
  signupCredits?: number;
  /** Credits each balance is topped up to once per calendar month (UTC); unset: no allowance. */
  monthlyAllowance?: number;
  refreshTokenTtlMs?: number;
  /** How stale an account's metrics may get before a read syncs them. */
  metricsRefreshMs?: number;
  /** How long an approval request waits for a person (default 24 hours). */
  approvalTtlMs?: number;
  /** Lease of an instance applying a rollback (ms). */
  rollbackLeaseMs?: number;
  /** Also called with the anomaly alerts each detection raised (after they are published). */
  onAlertRaised?: (alerts: readonly Alert[]) => void | Promise<void>;
  /** Run anomaly detection after each account's metric sync (default true). */
  detectAfterSync?: boolean;
  /** TEST ONLY: the crash tests' pause points (see `RollbackParts.pause`). */
  pause?: (point: string) => Promise<void>;
  /**
   * Where rules' notices go (held changes, notify-only firings, refusals); by default the
   * notifications service publishes them to the rule's owner.
   */
  onRuleNotice?: RuleNotifier;
  /** Workflow runs: lease, poll interval, retries, logging (defaults in `WORKFLOW_DEFAULTS`). */
  workflows?: Omit<WorkflowOptions, "handlers">;
  /** More workflow handlers by kind (alert detection, metric syncs …). */
  workflowHandlers?: Readonly<Record<string, WorkflowHandler>>;
  /** Email, links and the delivery worker's timings for notifications. */
  notifications?: NotificationOptions;
  /**
   * Connecting real ad platforms (sign-in, encrypted credentials) and the interval of their
   * scheduled syncs; without it only sandbox accounts can be connected.
   */
  connections?: ConnectionsOptions & { syncIntervalMs?: number };
}

/** Every domain service. */
export interface Domain {
  accounts: AccountsService;
  sessions: SessionsService;
  apiTokens: ApiTokensService;
  adAccounts: AdAccountsService;
  campaigns: CampaignsService;
  /** The one write path for campaign changes, whoever asks. */
  gateway: WriteGateway;
  /** Autopilot limits of ad accounts. */
  limits: AdAccountLimitsService;
  /** What the gateway applied. */
  changes: Pick<ChangeHistory, "list" | "byIds" | "historyCampaigns">;
  /** Changes held for a person's approval. */
  approvals: ApprovalsService;
  /** What waits for the user's decision (badges), and its live announcements. */
  attention: AttentionService;
  /** Undoing changes from the history. */
  rollbacks: RollbacksService;
  /** Automated rules and their backtests. */
  rules: RulesService;
  /** Rules at work: the scheduler's tick, the evaluation handlers, the evaluation history. */
  ruleExecution: RuleExecution;
  /** Workflow runs described for the run pages (kind, actor, what they did). */
  workflowRuns: WorkflowRunViews;
  /**
   * What rules did (last and next run, firings, recent evaluations), from the evaluation records.
   */
  ruleActivity: RuleActivitySource;
  /** Which campaigns a rule draft matches right now (the editor's live preview). */
  rulePreview: RulePreviewService;
  /** Enabling a rule, held for a person's approval when software asks. */
  ruleEnabling: RuleEnabling;
  creatives: CreativesService;
  metrics: MetricsService;
  credits: CreditsService;
  /** Operating the app: usage per user and credit grants, for admins only. */
  admin: AdminService;
  conversations: ConversationsService;
  /** The chat's persisted, sequenced, fanned-out server events. */
  conversationEvents: ConversationEventLog;
  idempotency: IdempotencyService;
  /** Anomaly alerts on stored metrics. */
  alerts: AlertsService;
  /** Hourly anomaly detection of every connected account, as workflow runs. */
  alertDetection: AlertDetectionSchedule;
  /** Telling users: the bell, webhooks, email. */
  notifications: NotificationsService;
  /** Connecting real ad accounts by signing in with their platform, and their sync status. */
  connections: PlatformConnectionsService & {
    syncStatus(actor: Actor, adAccountId: string): Promise<SyncStatus>;
  };
  /** Durable background runs (rule evaluations, backfills, scheduled syncs) and their worker. */
  workflows: Workflows;
  /** What each instance's workflow worker also does on its ticks (schedulers). */
  workflowTickers: readonly WorkflowTicker[];
}

/** Builds the domain services. */
export function createDomain(options: DomainOptions): Domain {
  const context: DomainContext = {
    db: options.db,
    coordination: options.coordination,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    platforms: options.platforms ?? { sandbox: createSandboxPlatform() },
  };
  const notifications = createNotificationsService(context, options.notifications);
  const publishAlerts = createAlertPublisher(context, notifications.publish);
  const alerts = createAlertsService(context, {
    onAlertRaised: async (raised) => {
      await publishAlerts(raised);
      await options.onAlertRaised?.(raised);
    },
  });
  const sync = createMetricsSync(context, {
    refreshMs: options.metricsRefreshMs ?? DEFAULT_METRICS_REFRESH_MS,
    afterAccountSync: options.detectAfterSync === false ? undefined : alerts.detect,
  });
  const history = createChangeHistory(context);
  const approvals = createApprovals(context, { ttlMs: options.approvalTtlMs });
  const gateway = createWriteGateway(context, {
    writes: createCampaignWrites(context, sync),
    history,
    approvals,
  });
  const idempotency = createIdempotencyService(context);
  const credits = createCreditsService(context, {
    monthlyAllowance: options.monthlyAllowance ?? null,
  });
  const rules = createRulesService(context, sync);
  const ruleExecution = createRuleExecution(context, {
    gateway,
    idempotency,
    history,
    sync,
    notify: options.onRuleNotice ?? (async (userId, notice) => {
      await notifications.publish(userId, notice);
    }),
    pause: options.pause,
  });
  const alertDetection = createAlertDetectionSchedule(context, { alerts, sync });
  const syncIntervalMs = options.connections?.syncIntervalMs;
  const workflows = createWorkflows(context, {
    ...options.workflows,
    handlers: {
      ...ruleExecution.handlers,
      ...alertDetection.handlers,
      ...syncHandlers(context, { metrics: sync, intervalMs: syncIntervalMs, pause: options.pause }),
      ...options.workflowHandlers,
    },
  });
  const connections = createConnectionsService(
    context,
    workflows,
    options.connections,
    toAdAccount,
  );
  return {
    connections: {
      ...connections,
      syncStatus: (actor, adAccountId) => syncStatus(context, actor, adAccountId),
    },
    workflows,
    workflowTickers: [syncTicker(context, workflows, syncIntervalMs)],
    accounts: createAccountsService(context, {
      passwordHasher: createPasswordHasher(options.passwordIterations ?? DEFAULT_PBKDF2_ITERATIONS),
      signupCredits: options.signupCredits ?? DEFAULT_SIGNUP_CREDITS,
    }),
    sessions: createSessionsService(context, {
      refreshTokenTtlMs: options.refreshTokenTtlMs ?? DEFAULT_REFRESH_TOKEN_TTL_MS,
    }),
    apiTokens: createApiTokensService(context),
    adAccounts: createAdAccountsService(context, gateway),
    campaigns: createCampaignsService(context, sync, gateway),
    gateway,
    limits: createAdAccountLimitsService(context, history),
    changes: history,
    approvals: approvals.service,
    attention: createAttentionService(context, approvals.service),
    rollbacks: createRollbacksService(context, {
      history,
      gateway,
      idempotency,
      leaseMs: options.rollbackLeaseMs,
      pause: options.pause,
    }),
    rules,
    ruleActivity: ruleActivityFromEvaluations(context.db, context.clock),
    rulePreview: createRulePreview(context, sync),
    ruleEnabling: createRuleEnabling(context.db.kysely, rules, gateway),
    ruleExecution,
    workflowRuns: createWorkflowRunViews(context, workflows),
    creatives: createCreativesService(context),
    metrics: createMetricsService(context, sync),
    credits,
    admin: createAdminService(context, credits),
    conversations: createConversationsService(context),
    conversationEvents: createConversationEventsService(context),
    idempotency,
    alerts,
    alertDetection,
    notifications,
  };
}

import type { Actor } from "./actor.ts";
export type { Actor };
export type { Clock, IdGenerator } from "./clock.ts";
export * from "./errors.ts";
export type { Page, PageQuery } from "./pagination.ts";
export type {
  AccountsService,
  AdAccountLimitsService,
  AdAccountsService,
  AlertsService,
  ApiTokensService,
  ApprovalsService,
  CampaignsService,
  ChangeHistory,
  ConversationEventLog,
  ConversationsService,
  CreativesService,
  CreditsService,
  IdempotencyService,
  MetricsService,
  NotificationsService,
  PlatformConnectionsService,
  RollbacksService,
  RuleExecution,
  RulesService,
  SessionsService,
  SyncStatus,
  Workflows,
  WriteGateway,
};
