/**
 * Durable workflow runs over REST: the background work done for the user (each rule evaluation,
 * later syncs and anomaly detection), with each run's recorded steps.
 *
 * @module
 */
import { listWorkflowRunsSchema } from "../../domain/workflows/engine.ts";
import { fromSnake, snakeObject } from "../case.ts";
import { actorOf, type ApiApp, type RouteContext } from "../context.ts";
import { dataResponse, pageResponse, privateRoute, respond, respondPage } from "../openapi.ts";
import { IdParamsSchema } from "../schemas/common.ts";
import { WorkflowRunDetailSchema, WorkflowRunSchema } from "../schemas/workflows.ts";

/** Registers `/workflow-runs`. */
export function registerWorkflowRunRoutes(app: ApiApp, { deps, guards }: RouteContext): void {
  const { workflows } = deps.domain;
  const tags = ["Workflow runs"];

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/workflow-runs",
      tags,
      summary: "Background runs, latest slot first",
      description: "Durable runs done for you in the background: `rule_evaluation` (one per " +
        "rule and schedule slot) and `rule_resume` (a pause-until-tomorrow's resume at " +
        "midnight). Filter by `kind`, `subject_id` (a rule's id) or `status`.",
      request: { query: snakeObject(listWorkflowRunsSchema) },
      responses: { 200: pageResponse(WorkflowRunSchema, "A page of runs") },
    }),
    async (c) => {
      const query = fromSnake(listWorkflowRunsSchema, c.req.valid("query"));
      return respondPage(c, await workflows.list(actorOf(c), query));
    },
  );

  app.openapi(
    privateRoute(guards, {
      method: "get",
      path: "/workflow-runs/{id}",
      tags,
      summary: "A background run with its steps",
      description: "Each step in order with its input, output, attempt and duration; a run " +
        "resumed after a crash (attempt 2+) shows which steps the earlier attempt finished.",
      request: { params: IdParamsSchema },
      responses: { 200: dataResponse(WorkflowRunDetailSchema, "The run") },
    }),
    async (c) => respond(c, await workflows.get(actorOf(c), c.req.valid("param").id), "OK"),
  );
}
