/**
 * How long a chat socket's credentials stay valid. A socket is authenticated once, at the
 * upgrade, but may stay open for hours; this watch ends it when its credentials would no longer
 * authenticate a REST request:
 *
 * - an access JWT at its `exp` (a timer: nothing to ask anyone);
 * - an API token or a cookie session by re-checking it every `intervalMs` (revocation, sign-out
 *   and expiry are stored state, so they can only be noticed by asking again).
 *
 * A re-check that fails for another reason (the database is briefly down) keeps the socket and
 * tries again next interval: an outage must not disconnect every client at once, and a
 * revocation cannot have been stored while the database was unreachable anyway.
 *
 * @module
 */

/** What a socket's credentials are worth over time; `{}` means they never lapse. */
export interface CredentialValidity {
  /** When they stop being valid at the latest (an access JWT's `exp`). */
  expiresAt?: Date;
  /** Re-checks them now: false once expired, revoked or signed out. */
  revalidate?: () => Promise<boolean>;
}

/** Why credentials ended: their fixed end passed, or a re-check refused them. */
export type CredentialEnd = "expired" | "revoked";

/** Tuning and callbacks of a `CredentialWatch`. */
export interface CredentialWatchOptions {
  /** Milliseconds between re-checks of credentials that have `revalidate`. */
  intervalMs: number;
  /** Called once, when the credentials end. */
  onEnd(end: CredentialEnd): void;
  /** A re-check threw (not a refusal); the watch keeps going. */
  onError?(error: unknown): void;
  /** Current time in ms (defaults to `Date.now`). */
  now?: () => number;
}

/** Longest delay `setTimeout` honours (about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Timers that end a socket's credentials; `stop()` clears them all. */
export class CredentialWatch {
  readonly #validity: CredentialValidity;
  readonly #options: CredentialWatchOptions;
  readonly #now: () => number;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #checkTimer: ReturnType<typeof setTimeout> | undefined;
  #done = false;

  constructor(validity: CredentialValidity, options: CredentialWatchOptions) {
    this.#validity = validity;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (validity.expiresAt) this.#armExpiry();
    if (validity.revalidate) this.#armCheck();
  }

  /** Whether the credentials have ended (or the watch was stopped). */
  get ended(): boolean {
    return this.#done;
  }

  /**
   * Ends the credentials now if their fixed end has passed, even if the timer has not fired yet
   * (a busy event loop runs timers late); true when they have ended.
   */
  checkExpiry(): boolean {
    if (this.#done) return true;
    const expiresAt = this.#validity.expiresAt;
    if (expiresAt && this.#now() >= expiresAt.getTime()) this.#end("expired");
    return this.#done;
  }

  /** Clears every timer; no callback runs afterwards. */
  stop(): void {
    this.#done = true;
    clearTimeout(this.#expiryTimer);
    clearTimeout(this.#checkTimer);
    this.#expiryTimer = undefined;
    this.#checkTimer = undefined;
  }

  #armExpiry(): void {
    const left = this.#validity.expiresAt!.getTime() - this.#now();
    this.#expiryTimer = setTimeout(() => {
      this.#expiryTimer = undefined;
      // Re-armed when the end is beyond one timer's reach, or the timer fired a bit early.
      if (!this.checkExpiry()) this.#armExpiry();
    }, Math.min(Math.max(0, left), MAX_TIMER_MS));
  }

  #armCheck(): void {
    // A chain of timeouts rather than an interval: a slow check never overlaps the next one.
    this.#checkTimer = setTimeout(async () => {
      this.#checkTimer = undefined;
      if (this.#done) return;
      let valid = true;
      try {
        valid = await this.#validity.revalidate!();
      } catch (error) {
        this.#options.onError?.(error);
      }
      if (this.#done) return;
      if (!valid) this.#end("revoked");
      else this.#armCheck();
    }, this.#options.intervalMs);
  }

  #end(end: CredentialEnd): void {
    if (this.#done) return;
    this.stop();
    this.#options.onEnd(end);
  }
}
