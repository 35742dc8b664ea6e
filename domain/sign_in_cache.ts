/**
 * A short in-process cache of live sign-ins, so that checking an access token's sign-in on
 * every request does not cost a database round trip each time. Every instance learns of a
 * sign-out through the coordination layer's pub/sub and drops that user's entries at once; the
 * time to live only bounds how stale an entry can get when no message arrives (a coordination
 * outage, or a change nobody announces, such as a user deleted in the database).
 *
 * @module
 */
import type { PubSub } from "../lib/coordination/types.ts";
import type { Actor } from "./actor.ts";

/** The channel on which a sign-out announces the user whose sign-ins it ended. */
export const SIGN_IN_ENDED_CHANNEL = "sessions:ended";

/** How long a cached live sign-in is trusted without hearing of a sign-out. */
export const SIGN_IN_CACHE_TTL_MS = 5_000;

/** Enough for every active user of an instance; beyond it the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  actor: Actor;
  /** Epoch milliseconds after which the entry is not trusted. */
  until: number;
}

/** Live sign-ins by session id, invalidated across instances. */
export class SignInCache {
  readonly #entries = new Map<string, Entry>();
  readonly #pubsub: PubSub;
  readonly #ttlMs: number;
  /**
   * Grows with every sign-out heard, so a lookup that raced one (read the row before the
   * sign-out committed, finished after it was announced) does not cache its stale answer.
   */
  #generation = 0;
  #listening: "no" | "starting" | "yes" = "no";

  constructor(pubsub: PubSub, ttlMs = SIGN_IN_CACHE_TTL_MS) {
    this.#pubsub = pubsub;
    this.#ttlMs = ttlMs;
  }

  /**
   * The cached actor of `sessionId`, else the one `load` finds (null when the sign-in ended).
   * Nothing is cached until this instance hears sign-outs: subscribing starts on first use and
   * never delays a request (an unreachable coordination backend only means no caching).
   */
  async lookup(
    sessionId: string,
    nowMs: number,
    load: () => Promise<{ actor: Actor; expiresAtMs: number } | null>,
  ): Promise<Actor | null> {
    this.#listen();
    const cached = this.#entries.get(sessionId);
    if (cached && cached.until > nowMs && this.#listening === "yes") return cached.actor;
    const generation = this.#generation;
    const found = await load();
    if (!found) {
      this.#entries.delete(sessionId);
      return null;
    }
    if (this.#listening === "yes" && generation === this.#generation) {
      this.#entries.delete(sessionId);
      if (this.#entries.size >= MAX_ENTRIES) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
      this.#entries.set(sessionId, {
        actor: found.actor,
        until: Math.min(nowMs + this.#ttlMs, found.expiresAtMs),
      });
    }
    return found.actor;
  }

  /**
   * Announces that sign-ins of `userId` ended (after the change is stored): this instance
   * forgets them at once, the others when the message reaches them.
   */
  async ended(userId: string): Promise<void> {
    this.#forget(userId);
    try {
      await this.#pubsub.publish(SIGN_IN_ENDED_CHANNEL, userId);
    } catch {
      // The sign-out is stored and refused by every uncached check already; other instances'
      // cached entries of it lapse within the time to live. Failing the sign-out over the
      // announcement would leave the client unsure whether it signed out.
    }
  }

  #forget(userId: string): void {
    this.#generation += 1;
    for (const [sessionId, entry] of this.#entries) {
      if (entry.actor.userId === userId) this.#entries.delete(sessionId);
    }
  }

  #listen(): void {
    if (this.#listening !== "no") return;
    this.#listening = "starting";
    this.#pubsub.subscribe(SIGN_IN_ENDED_CHANNEL, (userId) => this.#forget(userId)).then(
      () => this.#listening = "yes",
      () => this.#listening = "no",
    );
  }
}
