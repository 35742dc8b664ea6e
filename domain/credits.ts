/**
 * Credits: a per-user balance and an append-only ledger of grants, charges and refunds. Every
 * change locks the user's balance row first, so concurrent charges serialize, the balance never
 * goes negative, and a repeated idempotency key returns the original entry instead of a second.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { CreditEntryKind, CreditLedgerTable, DB } from "../db/schema.ts";
import { forUpdate, lockingTransaction } from "../db/locking.ts";
import type { Queryable } from "../db/database.ts";
import { isoFromDb } from "../db/time.ts";
import type { Actor } from "./actor.ts";
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

/** Credit balance and ledger of the acting user. */
export interface CreditsService {
  /** Current balance. */
  balance(actor: Actor): Promise<number>;
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
}

/** Builds the credits service. */
export function createCreditsService(context: DomainContext): CreditsService {
  const { db } = context;

  /** Runs `change` with the user's balance row locked; `change` returns the entry to append. */
  function withLockedBalance(
    actor: Actor,
    change: (trx: Transaction<DB>, balance: number) => Promise<NewEntry | CreditEntry>,
  ): Promise<CreditEntry> {
    return lockingTransaction(db, (trx) => lockedChange(trx, actor, change));
  }

  /** `withLockedBalance`'s work, inside an open locking transaction. */
  async function lockedChange(
    trx: Transaction<DB>,
    actor: Actor,
    change: (trx: Transaction<DB>, balance: number) => Promise<NewEntry | CreditEntry>,
  ): Promise<CreditEntry> {
    const row = await forUpdate(
      trx.selectFrom("credit_balances").select("balance").where("user_id", "=", actor.userId),
      db.dialect,
    ).executeTakeFirst();
    if (!row) throw new NotFoundError("credit balance");
    const outcome = await change(trx, row.balance);
    return "id" in outcome ? outcome : await appendEntry(context, trx, actor.userId, {
      ...outcome,
      balanceAfter: row.balance + outcome.amount,
    });
  }

  /** The change a charge makes: its replay, or a new entry when the balance covers it. */
  function chargeChange(actor: Actor, input: ChargeCreditsInput) {
    const { amount, idempotencyKey, description } = parseInput(chargeCreditsSchema, input);
    return async (trx: Transaction<DB>, balance: number): Promise<NewEntry | CreditEntry> => {
      const replay = await replayOf(trx, actor, idempotencyKey, {
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
    actor: Actor,
    key: string,
    expected: { kind: CreditEntryKind; amount?: number; refundOfId?: string },
  ): Promise<CreditEntry | undefined> {
    // A plain read suffices: the balance row lock is held, so no one appends meanwhile.
    const existing = await trx.selectFrom("credit_ledger").selectAll()
      .where("user_id", "=", actor.userId)
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
    async balance(actor) {
      const row = await db.kysely.selectFrom("credit_balances").select("balance")
        .where("user_id", "=", actor.userId).executeTakeFirst();
      if (!row) throw new NotFoundError("credit balance");
      return row.balance;
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
      return await withLockedBalance(actor, chargeChange(actor, input));
    },

    async chargeWithin(trx, actor, input) {
      return await lockedChange(trx, actor, chargeChange(actor, input));
    },

    async refund(actor, input) {
      const parsed = parseInput(refundCreditsSchema, input);
      return await withLockedBalance(actor, async (trx) => {
        const replay = await replayOf(trx, actor, parsed.idempotencyKey, {
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
  };
  return service;
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
    .values({ id: context.ids(), user_id: userId, balance: 0, created_at: now, updated_at: now })
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
