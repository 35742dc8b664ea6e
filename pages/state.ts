/**
 * The `ctx.state` shapes pages read: every page has the theme, the flash message and the app's
 * services; pages of the signed-in app also have the actor, the user and the credit balance.
 *
 * @module
 */
import type { AgentRuns } from "../agent/runs/types.ts";
import type { RunReads } from "../agent/runs/views.ts";
import type { AccessTokens } from "../auth/access_tokens.ts";
import type { User } from "../domain/accounts.ts";
import type { Actor } from "../domain/actor.ts";
import type { CreditOutlook } from "../domain/credits.ts";
import type { DisplaySettings } from "../domain/dates.ts";
import type { Domain } from "../domain/mod.ts";
import type { Config } from "../lib/config.ts";
import type { Coordination } from "../lib/coordination/types.ts";
import type { Theme } from "../lib/theme.ts";
import type { Flash } from "./flash.ts";

/**
 * What pages use of the app: the domain, the reads of agent runs, and what signing in needs
 * (tokens, and coordination for the attempt limits). The composition root's `Services` has it.
 */
export interface PageServices {
  readonly config: Config;
  readonly domain: Domain;
  /**
   * Reads of runs, a person's approval decision (which a waiting run hears), a message posted
   * without JavaScript (which starts a run), and deleting a conversation (which stops its answer
   * first).
   */
  readonly runs: RunReads & Pick<AgentRuns, "decideApproval" | "submit" | "deleteConversation">;
  readonly accessTokens: AccessTokens;
  readonly coordination: Coordination;
}

/** State of every page request. */
export interface PageState {
  services: PageServices;
  theme: Theme;
  /** The one-shot message carried over a redirect, if any. */
  flash: Flash | null;
  /** The page's own title for `<title>`; set it before rendering (handler or async route). */
  title?: string;
  /** The signed-in reader's locale and time zone (dates, times and numbers follow them). */
  display?: DisplaySettings;
}

/** State of pages in the signed-in app (set by `routes/(app)/_middleware.ts`). */
export interface SignedInState extends PageState {
  actor: Actor;
  /** The signed-in session (binds an ad platform sign-in to the browser that started it). */
  sessionId: string | null;
  user: User;
  /** Credit balance, shown in the navigation frame. */
  credits: number;
  /** The balance with what a message costs and the next allowance (the frame, the chat). */
  creditOutlook: CreditOutlook;
  /** Approval requests waiting for the user, for the frame's badge. */
  pendingApprovals: number;
  /** Unread in-app notifications, for the bell. */
  unreadNotifications: number;
  /** Open anomaly alerts (not yet acknowledged or resolved), for the frame's badge. */
  openAlerts: number;
}
