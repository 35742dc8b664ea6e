/**
 * Durable agent runs over REST: read a run with its steps, answer its approval request, cancel
 * it. Only the run's owner sees or answers it (others get 404). Posting a message and streaming
 * a run's events live in `chat.ts`.
 *
 * @module
 */
import type { AgentRuns } from "../../agent/runs/types.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { dataResponse, jsonBody, privateRoute, respond } from "../openapi.ts";
import { ErrorSchema, IdParamsSchema } from "../schemas/common.ts";
import { ConfirmRunSchema, RunSchema } from "../schemas/runs.ts";

const unavailable = {
  description: "The assistant is not available on this server",
  content: { "application/json": { schema: ErrorSchema } },
};

/** Registers `/runs/{id}`, `/runs/{id}/confirm` and `/runs/{id}/cancel`. */
export function registerRunRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const tags = ["Agent runs"];
  function runs(): AgentRuns {
    if (!deps.runs) throw new ApiError(503, "The assistant is not available on this server");
    return deps.runs;
  }

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/runs/{id}",
      tags,
      summary: "Get an agent run: status, token usage, pending approval and every step",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(RunSchema, "The run"), 503: unavailable },
    }),
    async (c) => respond(c, await runs().get(actorOf(c), c.req.valid("param").id), "OK"),
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/runs/{id}/confirm",
      tags,
      summary: "Approve or reject the action a run is waiting for",
      description: "Answers the run's open approval request (`pending_confirmation`). Approve: " +
        "the server issues a single-use grant for exactly the previewed call and the run " +
        "continues with it. Reject: the call is never executed and the assistant is told. " +
        "409 when the run is not waiting for this `confirmation_id`.",
      request: { params: IdParamsSchema, body: jsonBody(ConfirmRunSchema) },
      responses: { 200: dataResponse(RunSchema, "The run, resuming"), 503: unavailable },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const run = await runs().confirm(actorOf(c), c.req.valid("param").id, {
        confirmationId: body.confirmation_id,
        decision: body.decision,
      });
      return respond(c, run, body.decision === "approve" ? "Approved" : "Rejected");
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "post",
      path: "/runs/{id}/cancel",
      tags,
      summary: "Cancel a run",
      description: "A queued or waiting run is cancelled at once; a running one stops at its " +
        "next step boundary, on whichever instance runs it. A finished run is returned as is.",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(RunSchema, "The run"), 503: unavailable },
    }),
    async (c) => respond(c, await runs().cancel(actorOf(c), c.req.valid("param").id), "OK"),
  );
}
