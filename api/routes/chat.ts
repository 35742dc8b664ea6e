/**
 * The chat over REST, at parity with `/ws/chat`: post a message (which starts a run) and stream
 * a run's events as Server-Sent Events. Approve, cancel and `GET /runs/{id}` live in
 * `runs.ts`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { openRunEventStream } from "../chat/sse.ts";
import { MAX_USER_CONTENT_CHARS } from "../chat/protocol.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { jsonBody, privateRoute } from "../openapi.ts";
import { ErrorSchema, IdParamsSchema } from "../schemas/common.ts";
import { decimalInteger } from "../../domain/validation.ts";

/** Body of `POST /conversations/{id}/messages`. */
const PostMessageSchema = z.object({
  content: z.string().trim().min(1).max(MAX_USER_CONTENT_CHARS),
  client_message_id: z.string().min(1).max(128).optional().openapi({
    description: "Your id for the message: a retry with the same id starts nothing new.",
  }),
}).openapi("PostMessage");

/** What a posted message started. */
const SubmittedMessageSchema = z.object({
  conversation_id: z.uuid(),
  run_id: z.uuid(),
  message_id: z.uuid(),
  duplicate: z.boolean().openapi({
    description: "True when `client_message_id` was seen before; nothing new was started.",
  }),
}).openapi("SubmittedMessage");

const LastEventIdHeader = z.object({
  "last-event-id": z.string().regex(/^\d{1,15}$/).optional().openapi({
    param: { name: "last-event-id", in: "header" },
    description: "Resume after this event id (the conversation `seq` of the last event seen).",
  }),
});

const LastEventIdQuery = z.object({
  last_event_id: decimalInteger({ min: 0 }).optional().openapi({
    description: "Same as the `Last-Event-ID` header, for clients that cannot set headers.",
  }),
});

const errorJson = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** Registers `POST /conversations/{id}/messages` and `GET /runs/{id}/events`. */
export function registerChatRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  function runs() {
    if (!deps.runs) throw new ApiError(503, "The assistant is not available on this server");
    return deps.runs;
  }

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/conversations/{id}/messages",
      tags: ["Conversations"],
      summary: "Send a message to the assistant (starts a run)",
      description: "Stores the message and queues an agent run answering it; follow the run " +
        "with `GET /runs/{run_id}/events` (SSE) or the `/ws/chat` WebSocket. While another run " +
        "of the conversation is active the message is refused with 409 (cancel it first).",
      request: { params: IdParamsSchema, body: jsonBody(PostMessageSchema) },
      responses: {
        202: {
          description: "Accepted; the run is queued",
          content: {
            "application/json": {
              schema: z.object({ data: SubmittedMessageSchema, message: z.string() }),
            },
          },
        },
        402: errorJson("Not enough credits"),
        503: errorJson("The assistant is not available on this server"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      // A retry that took over the `Idempotency-Key` of a dead instance's request runs again:
      // the key then names the message, so it finds the run the first attempt started.
      const keyed = c.get("idempotent");
      const submitted = await runs().submit(actorOf(c), {
        conversationId: c.req.valid("param").id,
        content: body.content,
        clientMessageId: body.client_message_id ??
          (keyed && `idempotency-key:${keyed.platformRequestKey}`),
      });
      return c.json({
        data: {
          conversation_id: submitted.conversationId,
          run_id: submitted.runId,
          message_id: submitted.messageId,
          duplicate: submitted.duplicate,
        },
        message: "Accepted",
      }, 202);
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/runs/{id}/events",
      tags: ["Conversations"],
      summary: "Stream a run's events (Server-Sent Events)",
      description: "Each SSE event is one chat event: `id` is its conversation `seq`, `event` " +
        "its type (`user`, `assistant`, `step`, `confirmation`, `run`, `error`), `data` the " +
        'JSON envelope `{"type", "content", "metadata", "created_at"}`. Send `Last-Event-ID` ' +
        "(or `?last_event_id=`) to resume after an event. Comment lines keep an idle stream " +
        "open; the stream ends after the run's terminal `run` event (completed, failed, " +
        "cancelled). A finished run with nothing after `Last-Event-ID` answers 204.",
      request: { params: IdParamsSchema, headers: LastEventIdHeader, query: LastEventIdQuery },
      responses: {
        200: {
          description: "The event stream",
          content: {
            "text/event-stream": {
              schema: z.string().openapi({
                example: 'id: 7\nevent: assistant\ndata: {"type":"assistant",...}\n\n',
              }),
            },
          },
        },
        204: { description: "The run is finished and nothing follows `Last-Event-ID`" },
      },
    }),
    async (c) => {
      const header = c.req.valid("header")["last-event-id"];
      const afterSeq = header !== undefined
        ? Number(header)
        : c.req.valid("query").last_event_id ?? 0;
      // Returned as is: the stream is not JSON and must not be buffered or re-encoded.
      return await openRunEventStream({
        events: deps.domain.conversationEvents,
        runs: deps.runs,
        actor: actorOf(c),
        runId: c.req.valid("param").id,
        afterSeq,
        log: c.get("log"),
      }) as never;
    },
  );
}
