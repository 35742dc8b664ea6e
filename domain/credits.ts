/**
 * Credits: a per-user balance and an append-only ledger of grants, charges and refunds. Every
 * change locks the user's balance row first, so concurrent charges serialize, the balance never
 * goes negative, and a repeated idempotency key returns the original entry instead of a second.
 *
 * The optional monthly allowance tops a balance up to a configured amount once per calendar month
 * (UTC), lazily: at the month's first read or change of the balance, under the same row lock, so
 * it is granted once per user and month whichever instance gets there first, idle users cost
 * nothing, and no one ever sees last month's balance. After a change commits, the user's open
 * pages hear the new balance over pub/sub (`subscribe`).
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { CreditEntryKind, CreditLedgerTable, DB } from "../db/schema.ts";
import { forUpdate, lockingTransaction } from "../db/locking.ts";
import type { Queryable } from "../db/database.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import {
  DEFAULT_MESSAGE_CREDITS,
  MODEL_CALL_CREDITS,
  modelCallChargeKey,
  RUN_CHARGE_KEY_PREFIX,
} from "./agent_pricing.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { ConflictError, InsufficientCreditsError, NotFoundError } from "./errors.ts";
import { type Page, type PageQuery, pageSchema, paginate } from "./pagination.ts";
import { parseInput, plainText } from "./validation.ts";

/** Largest single charge or refund, a guard against unit mistakes. */
const MAX_CREDIT_AMOUNT = 1_000_000_000;

const idempotencyKeySchema = z.string().trim().min(1).max(255);

/** Input of `credits.charge`. */
export const chargeCreditsSchema = z.object({
  amount: z.number().int().positive().max(MAX_CREDIT_AMOUNT),
  /** Same key, same user → the same entry is returned and nothing is charged again. */
  idempotencyKey: idempotencyKeySchema,
  description: plainText().trim().min(1).max(500),
});
/** Input of `credits.charge`. */
export type ChargeCreditsInput = z.input<typeof chargeCreditsSchema>;

/** Input of `credits.refund`: all or part of an earlier charge. */
export const refundCreditsSchema = z.object({
  chargeId: z.uuid(),
  /** Defaults to whatever of the charge is not refunded yet. */
  amount: z.number().int().positive().max(MAX_CREDIT_AMOUNT).optional(),
  idempotencyKey: idempotencyKeySchema,
  description: plainText().trim().min(1).max(500).default("Refund"),
});
/** Input of `credits.refund`. */
export type RefundCreditsInput = z.input<typeof refundCreditsSchema>;

/** Input of `credits.grant`: credits an operator gives, with the reason the user will read. */
export const grantCreditsSchema = z.object({
  amount: z.number().int().positive().max(MAX_CREDIT_AMOUNT),
  reason: plainText().trim().min(1).max(500),
  /** Same key, same user → the first grant is returned and nothing is granted again. */
  idempotencyKey: idempotencyKeySchema,
});
/** Input of `credits.grant`. */
export type GrantCreditsInput = z.input<typeof grantCreditsSchema>;

/** One ledger entry. */
export interface CreditEntry {
  id: string;
  kind: CreditEntryKind;
  /** Signed: charges are negative. */
  amount: number;
  balanceAfter: number;
  idempotencyKey: string;
  description: string;
  refundOfId: string | null;
  createdAt: string;
}

/** What a user's credits allow now. */
export interface CreditOutlook {
  balance: number;
  /** Credits a message typically costs this user (see `estimateMessageCredits`). */
  messageCost: number;
  /** The monthly allowance, when one is configured: the amount and the next top-up's date. */
  allowance: { amount: number; nextOn: string } | null;
}

/** What a user's open pages hear when the balance changed. */
export interface CreditSignal {
  balance: number;
}

/** Settings of the credits service. */
export interface CreditsSettings {
  /** Credits each balance is topped up to once per calendar month (UTC); null: none. */
  monthlyAllowance: number | null;
}

/** Credit balance and ledger of the acting user. */
export interface CreditsService {
  /** Current balance (after this month's allowance, which the first read grants). */
  balance(actor: Actor): Promise<number>;
  /** The balance with what a message costs and when the allowance comes. */
  outlook(actor: Actor): Promise<CreditOutlook>;
  /** Ledger, newest first. */
  ledger(actor: Actor, query?: Partial<PageQuery>): Promise<Page<CreditEntry>>;
  /** Charges credits; throws `InsufficientCreditsError` when the balance is too low. */
  charge(actor: Actor, input: ChargeCreditsInput): Promise<CreditEntry>;
  /**
   * `charge`, inside the caller's `lockingTransaction` (so the charge commits, or not, with the
   * caller's own writes: e.g. the agent step it pays for). Takes the balance row's lock, like
   * every change; on `InsufficientCreditsError` it has written nothing.
   */
  chargeWithin(
    trx: Transaction<DB>,
    actor: Actor,
    input: ChargeCreditsInput,
  ): Promise<CreditEntry>;
  /** Refunds (part of) a charge; refunds of one charge never exceed it. */
  refund(actor: Actor, input: RefundCreditsInput): Promise<CreditEntry>;
  /**
   * Refunds what is left of the charge recorded under `chargeKey`, once (under the key
   * `${chargeKey}:refund`); null when there is no such charge.
   */
  refundCharge(
    actor: Actor,
    input: { chargeKey: string; description: string },
  ): Promise<CreditEntry | null>;
  /**
   * Grants credits to `userId`, the reason as the entry's description. Not scoped to an actor:
   * callers decide who may grant (the admin service checks the role; the CLI is the operator).
   */
  grant(userId: string, input: GrantCreditsInput): Promise<CreditEntry>;
  /** Live balance signals for the actor, from every instance. */
  subscribe(
    actor: Actor,
    listener: (signal: CreditSignal) => void,
  ): Promise<{ unsubscribe(): Promise<void> }>;
  /** Tells the actor's open pages the committed balance (after a `chargeWithin` committed). */
  announce(actor: Actor): Promise<void>;
}

/** The pub/sub channel of one user's balance. */
export function creditChannel(userId: string): string {
  return `credits:${userId}`;
}

/** The allowance month of a moment: `YYYY-MM` in UTC. */
export function allowanceMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The day the allowance after `at` is due: the first of the next month (UTC), `YYYY-MM-DD`. */
export function nextAllowanceDate(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)).toISOString()
    .slice(0, 10);
}

/**
 * What the month's allowance adds to `balance`: up to `allowance`, never taking anything away,
 * so unused allowance does not pile up and credits granted on top are kept.
 */
export function allowanceTopUp(balance: number, allowance: number): number {
  return Math.max(0, allowance - balance);
}

/** Builds the credits service. */
export function createCreditsService(
  context: DomainContext,
  { monthlyAllowance }: CreditsSettings = { monthlyAllowance: null },
): CreditsService {
  const { db, coordination } = context;

  /** Whether a balance row last topped up in `month` is due this month's allowance. */
  const allowanceDue = (month: string | null) =>
    monthlyAllowance !== null && month !== allowanceMonth(context.clock.now());

  /**
   * Runs `change` with the user's balance row locked; `change` returns the entry to append. Once
   * committed, the user's pages hear the balance.
   */
  async function withLockedBalance(
    userId: string,
    change: (trx: Transaction<DB>, balance: number) => Promise<NewEntry | CreditEntry>,
  ): Promise<CreditEntry> {
    const entry = await lockingTransaction(db, (trx) => lockedChange(trx, userId, change));
    await signal(userId, entry.balanceAfter);
    return entry;
  }

  /** `withLockedBalance`'s work, inside an open locking transaction. */
  async function lockedChange(
    trx: Transaction<DB>,
    userId: string,
    change: (trx: Transaction<DB>, balance: number) => Promise<NewEntry | CreditEntry>,
  ): Promise<CreditEntry> {
    const balance = await lockBalance(trx, userId);
    const outcome = await change(trx, balance);
    return "id" in outcome ? outcome : await appendEntry(context, trx, userId, {
      ...outcome,
      balanceAfter: balance + outcome.amount,
    });
  }

  /** Locks the user's balance row and answers the balance, this month's allowance included. */
  async function lockBalance(trx: Transaction<DB>, userId: string): Promise<number> {
    const row = await forUpdate(
      trx.selectFrom("credit_balances").select(["balance", "allowance_month"])
        .where("user_id", "=", userId),
      db.dialect,
    ).executeTakeFirst();
    if (!row) throw new NotFoundError("credit balance");
    if (!allowanceDue(row.allowance_month)) return row.balance;
    const now = context.clock.now();
    const month = allowanceMonth(now);
    // Marked first, under the lock: a second reader of this month waits for the lock and then
    // finds the month taken; the ledger's unique key guards the entry a second time.
    await trx.updateTable("credit_balances").set({ allowance_month: month })
      .where("user_id", "=", userId).execute();
    const amount = allowanceTopUp(row.balance, monthlyAllowance!);
    if (amount === 0) return row.balance;
    const entry = await appendEntry(context, trx, userId, {
      kind: "grant",
      amount,
      balanceAfter: row.balance + amount,
      idempotencyKey: `allowance:${month}`,
      description: `Monthly allowance for ${
        now.toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" })
      }`,
      refundOfId: null,
    });
    return entry.balanceAfter;
  }

  /** Best effort: a lost signal only delays the sidebar until the next page load. */
  async function signal(userId: string, balance: number): Promise<void> {
    try {
      const message: CreditSignal = { balance };
      await coordination.pubsub.publish(creditChannel(userId), JSON.stringify(message));
    } catch (error) {
      console.error("credit signal failed", error);
    }
  }

  async function readBalance(userId: string): Promise<number> {
    const row = await db.kysely.selectFrom("credit_balances").select(["balance", "allowance_month"])
      .where("user_id", "=", userId).executeTakeFirst();
    if (!row) throw new NotFoundError("credit balance");
    if (!allowanceDue(row.allowance_month)) return row.balance;
    const balance = await lockingTransaction(db, (trx) => lockBalance(trx, userId));
    if (balance !== row.balance) await signal(userId, balance);
    return balance;
  }

  /** The change a charge makes: its replay, or a new entry when the balance covers it. */
  function chargeChange(actor: Actor, input: ChargeCreditsInput) {
    const { amount, idempotencyKey, description } = parseInput(chargeCreditsSchema, input);
    return async (trx: Transaction<DB>, balance: number): Promise<NewEntry | CreditEntry> => {
      const replay = await replayOf(trx, actor.userId, idempotencyKey, {
        kind: "charge",
        amount: -amount,
      });
      if (replay) return replay;
      if (balance < amount) throw new InsufficientCreditsError(balance, amount);
      return { kind: "charge", amount: -amount, idempotencyKey, description, refundOfId: null };
    };
  }

  /** The entry already recorded under `key`, checked to be the same operation. */
  async function replayOf(
    trx: Transaction<DB>,
    userId: string,
    key: string,
    expected: { kind: CreditEntryKind; amount?: number; refundOfId?: string },
  ): Promise<CreditEntry | undefined> {
    // A plain read suffices: the balance row lock is held, so no one appends meanwhile.
    const existing = await trx.selectFrom("credit_ledger").selectAll()
      .where("user_id", "=", userId)
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
    if (!existing) return undefined;
    const same = existing.kind === expected.kind &&
      (expected.amount === undefined || existing.amount === expected.amount) &&
      (expected.refundOfId === undefined || existing.refund_of_id === expected.refundOfId);
    if (!same) throw new ConflictError("idempotency key already used for a different operation");
    return toCreditEntry(existing);
  }

  const service: CreditsService = {
    balance: (actor) => readBalance(actor.userId),

    async outlook(actor) {
      const [balance, messageCost] = await Promise.all([
        readBalance(actor.userId),
        estimateMessageCredits(db.kysely, actor.userId, context.clock.now()),
      ]);
      const allowance = monthlyAllowance === null ? null : {
        amount: monthlyAllowance,
        nextOn: nextAllowanceDate(context.clock.now()),
      };
      return { balance, messageCost, allowance };
    },

    async ledger(actor, query = {}) {
      return await paginate(
        db.kysely.selectFrom("credit_ledger").where("user_id", "=", actor.userId),
        parseInput(pageSchema, query),
        (scoped) => scoped.selectAll().orderBy("created_at", "desc").orderBy("id"),
        toCreditEntry,
      );
    },

    async charge(actor, input) {
      return await withLockedBalance(actor.userId, chargeChange(actor, input));
    },

    async chargeWithin(trx, actor, input) {
      return await lockedChange(trx, actor.userId, chargeChange(actor, input));
    },

    async refund(actor, input) {
      const parsed = parseInput(refundCreditsSchema, input);
      return await withLockedBalance(actor.userId, async (trx) => {
        const replay = await replayOf(trx, actor.userId, parsed.idempotencyKey, {
          kind: "refund",
          amount: parsed.amount,
          refundOfId: parsed.chargeId,
        });
        if (replay) return replay;
        const charge = await trx.selectFrom("credit_ledger").select("amount")
          .where("user_id", "=", actor.userId)
          .where("id", "=", parsed.chargeId)
          .where("kind", "=", "charge")
          .executeTakeFirst();
        if (!charge) throw new NotFoundError("charge");
        const refunded = await trx.selectFrom("credit_ledger")
          .select((eb) => eb.fn.sum<number>("amount").as("total"))
          .where("user_id", "=", actor.userId)
          .where("refund_of_id", "=", parsed.chargeId)
          .executeTakeFirstOrThrow();
        const refundable = -charge.amount - Number(refunded.total ?? 0);
        const amount = parsed.amount ?? refundable;
        if (amount <= 0 || amount > refundable) {
          throw new ConflictError(`only ${refundable} credits of this charge can be refunded`);
        }
        return {
          kind: "refund",
          amount,
          idempotencyKey: parsed.idempotencyKey,
          description: parsed.description,
          refundOfId: parsed.chargeId,
        };
      });
    },

    async refundCharge(actor, { chargeKey, description }) {
      const charge = await db.kysely.selectFrom("credit_ledger").select("id")
        .where("user_id", "=", actor.userId).where("idempotency_key", "=", chargeKey)
        .where("kind", "=", "charge").executeTakeFirst();
      if (!charge) return null;
      return await service.refund(actor, {
        chargeId: charge.id,
        idempotencyKey: `${chargeKey}:refund`,
        description,
      });
    },

    async grant(userId, input) {
      const { amount, reason, idempotencyKey } = parseInput(grantCreditsSchema, input);
      return await withLockedBalance(userId, async (trx) => {
        const replay = await replayOf(trx, userId, idempotencyKey, { kind: "grant", amount });
        if (replay) return replay;
        return { kind: "grant", amount, idempotencyKey, description: reason, refundOfId: null };
      });
    },

    async subscribe(actor, listener) {
      const subscription = await coordination.pubsub.subscribe(
        creditChannel(actor.userId),
        (message) => {
          try {
            listener(JSON.parse(message) as CreditSignal);
          } catch (error) {
            console.error("credit listener failed", error);
          }
        },
      );
      return { unsubscribe: () => subscription.unsubscribe() };
    },

    async announce(actor) {
      try {
        await signal(actor.userId, await readBalance(actor.userId));
      } catch (error) {
        console.error("credit announcement failed", error);
      }
    },
  };
  return service;
}

/** How far back `estimateMessageCredits` looks. */
const MESSAGE_COST_WINDOW_MS = 30 * 24 * 3_600_000;

/**
 * What a message to the assistant typically costs `userId`: the credits their runs of the last 30
 * days were charged (refunds taken off) per run, rounded up; `DEFAULT_MESSAGE_CREDITS` without
 * such runs. A run's first model call is charged under the key `modelCallChargeKey(run, 0)`, so
 * those entries count the runs.
 */
export async function estimateMessageCredits(
  db: Queryable,
  userId: string,
  now: Date,
): Promise<number> {
  const firstCall = modelCallChargeKey("%", 0);
  const row = await db.selectFrom("credit_ledger")
    .select((eb) => [
      eb.fn.sum<number>("amount").as("net"),
      eb.fn.sum<number>(
        eb.case().when("idempotency_key", "like", firstCall).then(1).else(0).end(),
      ).as("runs"),
    ])
    .where("user_id", "=", userId)
    .where("created_at", ">=", toDbTimestamp(new Date(now.getTime() - MESSAGE_COST_WINDOW_MS)))
    .where("idempotency_key", "like", `${RUN_CHARGE_KEY_PREFIX}%`)
    .executeTakeFirstOrThrow();
  const runs = Number(row.runs ?? 0);
  if (runs === 0) return DEFAULT_MESSAGE_CREDITS;
  return Math.max(MODEL_CALL_CREDITS, Math.ceil(-Number(row.net ?? 0) / runs));
}

/** A ledger entry about to be appended (its balance is computed under the lock). */
interface NewEntry {
  kind: CreditEntryKind;
  amount: number;
  idempotencyKey: string;
  description: string;
  refundOfId: string | null;
}

async function appendEntry(
  context: DomainContext,
  trx: Transaction<DB>,
  userId: string,
  entry: NewEntry & { balanceAfter: number },
): Promise<CreditEntry> {
  const now = nowForDb(context);
  const row = {
    id: context.ids(),
    user_id: userId,
    kind: entry.kind,
    amount: entry.amount,
    balance_after: entry.balanceAfter,
    idempotency_key: entry.idempotencyKey,
    description: entry.description,
    refund_of_id: entry.refundOfId,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto("credit_ledger").values(row).execute();
  await trx.updateTable("credit_balances")
    .set({ balance: entry.balanceAfter, updated_at: now })
    .where("user_id", "=", userId)
    .execute();
  return toCreditEntry(row);
}

/**
 * Credits charged to `userId` under each of `keys` (idempotency keys of charges), as positive
 * amounts; keys never charged are absent. Served by the ledger's unique key index.
 */
export async function creditsChargedByKey(
  db: Queryable,
  userId: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  const charged = new Map<string, number>();
  if (keys.length === 0) return charged;
  const entries = await db.selectFrom("credit_ledger")
    .select(["idempotency_key", "amount"])
    .where("user_id", "=", userId)
    .where("kind", "=", "charge")
    .where("idempotency_key", "in", [...keys])
    .execute();
  // Charges are stored negative: the ledger's amounts add up to the balance.
  for (const entry of entries) charged.set(entry.idempotency_key, -Number(entry.amount));
  return charged;
}

/**
 * Opens a new user's balance with the signup grant, inside the registration transaction.
 * Not part of the service: only account creation calls it.
 */
export async function openCreditBalance(
  context: DomainContext,
  trx: Transaction<DB>,
  userId: string,
  signupCredits: number,
): Promise<void> {
  const now = nowForDb(context);
  await trx.insertInto("credit_balances")
    .values({
      id: context.ids(),
      user_id: userId,
      balance: 0,
      allowance_month: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await appendEntry(context, trx, userId, {
    kind: "grant",
    amount: signupCredits,
    balanceAfter: signupCredits,
    idempotencyKey: "signup-grant",
    description: "Signup grant",
    refundOfId: null,
  });
}

function toCreditEntry(row: Selectable<CreditLedgerTable>): CreditEntry {
  return {
    id: row.id,
    kind: row.kind,
    amount: row.amount,
    balanceAfter: row.balance_after,
    idempotencyKey: row.idempotency_key,
    description: row.description,
    refundOfId: row.refund_of_id,
    createdAt: isoFromDb(row.created_at),
  };
}
