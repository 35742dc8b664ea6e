/**
 * The domain layer: one factory builds every service on top of a database, coordination, a clock
 * and the ad platforms. REST, MCP tools, the agent and the pages all go through it.
 *
 * @module
 */
import type { Database } from "../db/database.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import { type AccountsService, createAccountsService } from "./accounts.ts";
import { type Alert, type AlertsService, createAlertsService } from "./alerts/service.ts";
import { type AdAccountsService, createAdAccountsService } from "./ad_accounts.ts";
import { type ApiTokensService, createApiTokensService } from "./api_tokens.ts";
import { type AdAccountLimitsService, createAdAccountLimitsService } from "./ad_account_limits.ts";
import { type ApprovalsService, createApprovals } from "./approvals.ts";
import { createCampaignWrites } from "./campaign_writes.ts";
import { type CampaignsService, createCampaignsService } from "./campaigns.ts";
import { type ChangeHistory, createChangeHistory } from "./change_history.ts";
import { createRollbacksService, type RollbacksService } from "./rollbacks.ts";
import { createRulesService, type RulesService } from "./rules/service.ts";
import { ruleActivityFromHistory, type RuleActivitySource } from "./rules/activity.ts";
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
import { createPasswordHasher, DEFAULT_PBKDF2_ITERATIONS } from "./password.ts";
import type { PlatformRegistry } from "./platforms/adapter.ts";
import { createSandboxPlatform } from "./platforms/sandbox.ts";
import { createWriteGateway, type WriteGateway } from "./write_gateway.ts";
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
  refreshTokenTtlMs?: number;
  /** How stale an account's metrics may get before a read syncs them. */
  metricsRefreshMs?: number;
  /** How long an approval request waits for a person (default 24 hours). */
  approvalTtlMs?: number;
  /** Lease of an instance applying a rollback (ms). */
  rollbackLeaseMs?: number;
  /** Called with the anomaly alerts each detection raised (notifications hook in here). */
  onAlertRaised?: (alerts: readonly Alert[]) => void | Promise<void>;
  /** Run anomaly detection after each account's metric sync (default true). */
  detectAfterSync?: boolean;
  /** TEST ONLY: the crash tests' pause points (see `RollbackParts.pause`). */
  pause?: (point: string) => Promise<void>;
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
  /** Undoing changes from the history. */
  rollbacks: RollbacksService;
  /** Automated rules and their backtests. */
  rules: RulesService;
  /**
   * What rules did (last and next run, firings, recent evaluations). Read from the change
   * history for now; an evaluation-record source can replace it behind the same interface.
   */
  ruleActivity: RuleActivitySource;
  /** Which campaigns a rule draft matches right now (the editor's live preview). */
  rulePreview: RulePreviewService;
  /** Enabling a rule, held for a person's approval when software asks. */
  ruleEnabling: RuleEnabling;
  creatives: CreativesService;
  metrics: MetricsService;
  credits: CreditsService;
  conversations: ConversationsService;
  /** The chat's persisted, sequenced, fanned-out server events. */
  conversationEvents: ConversationEventLog;
  idempotency: IdempotencyService;
  /** Anomaly alerts on stored metrics. */
  alerts: AlertsService;
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
  const alerts = createAlertsService(context, { onAlertRaised: options.onAlertRaised });
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
  const rules = createRulesService(context, sync);
  return {
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
    rollbacks: createRollbacksService(context, {
      history,
      gateway,
      idempotency,
      leaseMs: options.rollbackLeaseMs,
      pause: options.pause,
    }),
    rules,
    ruleActivity: ruleActivityFromHistory(history, approvals.service, context.clock),
    rulePreview: createRulePreview(context, sync),
    ruleEnabling: createRuleEnabling(context.db.kysely, rules, gateway),
    creatives: createCreativesService(context),
    metrics: createMetricsService(context, sync),
    credits: createCreditsService(context),
    conversations: createConversationsService(context),
    conversationEvents: createConversationEventsService(context),
    idempotency,
    alerts,
  };
}

export type { Actor } from "./actor.ts";
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
  RollbacksService,
  RulesService,
  SessionsService,
  WriteGateway,
};
