/**
 * Response shapes of credits and conversations.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { MESSAGE_ROLES } from "../../domain/conversations.ts";
import { Timestamp } from "./common.ts";

/** The credit balance. */
export const CreditBalanceSchema = z.object({
  balance: z.number().int().min(0),
}).openapi("CreditBalance");

/** One credit ledger entry; charges are negative. */
export const CreditEntrySchema = z.object({
  id: z.uuid(),
  kind: z.enum(["grant", "charge", "refund"]),
  amount: z.number().int(),
  balance_after: z.number().int(),
  idempotency_key: z.string(),
  description: z.string(),
  refund_of_id: z.uuid().nullable(),
  created_at: Timestamp,
}).openapi("CreditEntry");

/** A chat conversation. */
export const ConversationSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  last_seq: z.number().int().min(0),
  created_at: Timestamp,
  updated_at: Timestamp,
}).openapi("Conversation");

/** A chat message; `metadata` is the client's document, returned as stored. */
export const MessageSchema = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  seq: z.number().int().min(1),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  run_id: z.uuid().nullable(),
  created_at: Timestamp,
}).openapi("Message");
