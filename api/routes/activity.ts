/**
 * Reports across accounts, credits, and conversations with their messages.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { createConversationSchema, renameConversationSchema } from "../../domain/conversations.ts";
import { reportScopeSchema } from "../../domain/metrics.ts";
import { pageSchema } from "../../domain/pagination.ts";
import { fromSnake, snakeObject, snakeSchema } from "../case.ts";
import { respondOnce } from "../middleware/idempotency.ts";
import { periodChoice, reportPeriodShape } from "../report_period.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import {
  dataResponse,
  jsonBody,
  pageResponse,
  privateRoute,
  respond,
  respondPage,
} from "../openapi.ts";
import {
  ConversationSchema,
  CreditBalanceSchema,
  CreditEntrySchema,
  MessageSchema,
} from "../schemas/activity.ts";
import { PerformanceReportSchema } from "../schemas/ads.ts";
import { ErrorSchema, IdParamsSchema } from "../schemas/common.ts";

/** Registers `/reports`, `/credits` and `/conversations`. */
export function registerActivityRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { metrics, credits, conversations } = deps.domain;

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/reports/summary",
      tags: ["Reports"],
      summary: "Totals and daily series across accounts (or one account or campaign)",
      description: "The period is `from`–`to`, or `range`, or by default the last 7 complete " +
        "days in the account's time zone (for several accounts: their shared zone, else the " +
        "user's).",
      request: { query: snakeObject(reportScopeSchema).extend(reportPeriodShape) },
      responses: { 200: dataResponse(PerformanceReportSchema, "The report") },
    }),
    async (c) => {
      const { from, to, range, ...scope } = c.req.valid("query");
      const query = fromSnake(reportScopeSchema, scope);
      const choice = periodChoice(z.object(reportPeriodShape).parse({ from, to, range }));
      const period = await metrics.range(actorOf(c), query, choice);
      return respond(
        c,
        await metrics.performance(actorOf(c), { ...query, from: period.from, to: period.to }),
        "OK",
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/credits/balance",
      tags: ["Credits"],
      summary: "Current credit balance",
      responses: { 200: dataResponse(CreditBalanceSchema, "The balance") },
    }),
    async (c) => respond(c, { balance: await credits.balance(actorOf(c)) }, "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/credits/ledger",
      tags: ["Credits"],
      summary: "Credit grants, charges and refunds, newest first",
      request: { query: pageSchema },
      responses: { 200: pageResponse(CreditEntrySchema, "A page of ledger entries") },
    }),
    async (c) => respondPage(c, await credits.ledger(actorOf(c), c.req.valid("query"))),
  );

  const tags = ["Conversations"];

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/conversations",
      tags,
      summary: "Start a conversation",
      request: { body: jsonBody(snakeSchema(createConversationSchema)) },
      responses: { 201: dataResponse(ConversationSchema, "Created") },
    }),
    async (c) => {
      const input = fromSnake(createConversationSchema, c.req.valid("json"));
      return await respondOnce(
        c,
        () => conversations.staged.create(actorOf(c), input),
        "Created",
        201,
      );
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/conversations",
      tags,
      summary: "List conversations, most recently active first",
      request: { query: pageSchema },
      responses: { 200: pageResponse(ConversationSchema, "A page of conversations") },
    }),
    async (c) => respondPage(c, await conversations.list(actorOf(c), c.req.valid("query"))),
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/conversations/{id}",
      tags,
      summary: "Get a conversation",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(ConversationSchema, "The conversation") },
    }),
    async (c) => respond(c, await conversations.get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "patch",
      path: "/conversations/{id}",
      tags,
      summary: "Rename a conversation",
      request: { params: IdParamsSchema, body: jsonBody(snakeSchema(renameConversationSchema)) },
      responses: { 200: dataResponse(ConversationSchema, "The renamed conversation") },
    }),
    async (c) => {
      const input = fromSnake(renameConversationSchema, c.req.valid("json"));
      const conversation = await conversations.rename(actorOf(c), c.req.valid("param").id, input);
      return respond(c, conversation, "Renamed");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "delete",
      path: "/conversations/{id}",
      tags,
      summary: "Delete a conversation (soft delete)",
      description: "An answer the assistant is still giving in the conversation (running, " +
        "queued, or waiting for approval) is cancelled first; the held change is never made. " +
        "409 when a running answer has not stopped within the agent lease period.",
      request: { params: IdParamsSchema },
      responses: {
        200: dataResponse(z.null(), "Deleted"),
        409: {
          description: "The assistant's answer in it has not stopped yet",
          content: { "application/json": { schema: ErrorSchema } },
        },
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      // Without the assistant on this server no answer can be stopped here: the domain refuses
      // while one is still going (on another instance).
      await (deps.runs
        ? deps.runs.deleteConversation(actorOf(c), id)
        : conversations.delete(actorOf(c), id));
      return respond(c, null, "Deleted");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/conversations/{id}/messages",
      tags,
      summary: "Messages of a conversation in sequence order",
      description: "`skip` counts messages from the start, so `skip=N` returns everything " +
        "after sequence number N (for replay after a reconnect).",
      request: { params: IdParamsSchema, query: pageSchema },
      responses: { 200: pageResponse(MessageSchema, "A page of messages") },
    }),
    async (c) => {
      const actor = actorOf(c);
      const id = c.req.valid("param").id;
      const { skip, limit } = c.req.valid("query");
      const conversation = await conversations.get(actor, id);
      const items = await conversations.listMessages(actor, id, { afterSeq: skip, limit });
      return respondPage(c, { items, total: conversation.lastSeq, skip, limit });
    },
  );
}
