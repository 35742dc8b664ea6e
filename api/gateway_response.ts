/**
 * How a REST route answers a change to a campaign or an ad account: sent through the domain's write gateway as the
 * request's source (a person for a sign-in, the API token's software otherwise), committed with
 * the request's idempotency record when it carries a key, and answered `{data, message}` — or
 * `202` with the held approval when an API token asked for something a person must approve. A
 * 202 stores nothing under the key (see `middleware/idempotency.ts`), so the same request retried
 * after the approval runs once.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Approval } from "../domain/approvals.ts";
import type {
  AdAccountOperation,
  AppliedAdAccountChange,
  AppliedChange,
  CampaignOperation,
  ChangeReview,
  WriteRequest,
} from "../domain/write_gateway.ts";
import type { Queryable } from "../db/database.ts";
import { changeSourceOf } from "../auth/authenticate.ts";
import { toSnake } from "./case.ts";
import type { ApiDependencies, ApiEnv } from "./context.ts";
import { dataResponse } from "./openapi.ts";
import { ApprovalSchema } from "./schemas/changes.ts";

/** The 202 of a change held for approval. */
export const approvalRequiredResponse = dataResponse(
  z.object({ status: z.literal("approval_required"), approval: ApprovalSchema }),
  "Held for a person's approval (software callers only): approve it in the app at " +
    "`approval.url`, then repeat the request with the same Idempotency-Key, or with " +
    "`?approval_id=`.",
);

/** Another attempt of the same request completed first: its stored response stands. */
class CompletedElsewhere extends Error {
  constructor(readonly body: unknown) {
    super("completed by another attempt");
  }
}

/** What every gateway request of a REST call carries, and how it commits (`send` adds the rest). */
interface GatewayCall<Applied> {
  actor: WriteRequest["actor"];
  source: WriteRequest["source"];
  idempotencyKey?: string;
  approvalId?: string;
  requestKey?: WriteRequest["requestKey"];
  commit?: (work: (trx: Queryable) => Promise<Applied>) => Promise<Applied>;
}

/** A gateway outcome as the REST answer needs it. */
type GatewayOutcome<Applied> =
  | Applied
  | { status: "approval_required"; review: ChangeReview; approval: Approval };

/**
 * Sends one change through the gateway (`send`) as the request's source and answers `{data:
 * body(applied), message}`, or 202 with the held approval.
 */
async function respondThroughGateway<
  Applied extends { status: "applied" },
  Body,
  Status extends 200 | 201,
>(
  c: Context<ApiEnv>,
  deps: Pick<ApiDependencies, "config">,
  send: (call: GatewayCall<Applied>) => Promise<GatewayOutcome<Applied>>,
  body: (applied: Applied) => Body,
  message: string,
  code: Status,
) {
  const auth = c.get("auth");
  const once = c.get("idempotent");
  const approvalId = c.req.query("approval_id");
  const call: GatewayCall<Applied> = {
    actor: auth.actor,
    source: changeSourceOf(auth),
    idempotencyKey: c.req.header("idempotency-key"),
    approvalId: approvalId || undefined,
  };
  if (once) {
    call.requestKey = once.platformRequestKey;
    call.commit = async (work) => {
      let applied: Applied | undefined;
      const outcome = await once.runOnce(async (trx) => {
        applied = await work(trx);
        return { responseStatus: code, responseBody: { data: body(applied), message } };
      });
      if (outcome.state !== "completed") throw new CompletedElsewhere(outcome.responseBody);
      return applied!;
    };
  }
  try {
    const outcome = await send(call);
    if (outcome.status === "approval_required") {
      const held = outcome as Exclude<GatewayOutcome<Applied>, Applied>;
      const approval = approvalView(held.approval, held.review, publicBase(c, deps));
      return c.json({
        data: { status: "approval_required" as const, approval },
        message: `Approval required (${approval.reason}); approve it at ${approval.url}`,
      }, 202);
    }
    return c.json({ data: body(outcome as Applied), message }, code);
  } catch (error) {
    if (!(error instanceof CompletedElsewhere)) throw error;
    c.header("Idempotent-Replayed", "true");
    return c.json(error.body as { data: Body; message: string }, code);
  }
}

/** Sends a campaign `operation` through the gateway and answers with the campaign. */
export async function respondWithChange<Status extends 200 | 201 = 200>(
  c: Context<ApiEnv>,
  deps: Pick<ApiDependencies, "domain" | "config">,
  operation: CampaignOperation,
  message: string,
  status?: Status,
) {
  return await respondThroughGateway(
    c,
    deps,
    (call) => deps.domain.gateway.write({ ...call, operation }),
    (applied: AppliedChange) => toSnake(applied.campaign),
    message,
    (status ?? 200) as Status,
  );
}

/** Sends an ad account `operation` through the gateway and answers with `body` of what it did. */
export async function respondWithAccountChange<Body>(
  c: Context<ApiEnv>,
  deps: Pick<ApiDependencies, "domain" | "config">,
  operation: AdAccountOperation,
  body: (applied: AppliedAdAccountChange) => Body,
  message: string,
) {
  return await respondThroughGateway(
    c,
    deps,
    (call) => deps.domain.gateway.changeAdAccount({ ...call, operation }),
    body,
    message,
    200,
  );
}

/** The app's public base URL: configured, else the request's own origin. */
export function publicBase(c: Context<ApiEnv>, deps: Pick<ApiDependencies, "config">): string {
  return deps.config.PUBLIC_URL ?? new URL(c.req.url).origin;
}

/** An approval in the API's snake_case shape, with its absolute URL. */
export function approvalView(approval: Approval, review: ChangeReview | null, base: string) {
  return {
    ...toSnake({
      id: approval.id,
      status: approval.status,
      requester: approval.requester,
      adAccountId: approval.adAccountId,
      reason: approval.reason,
      rules: approval.rules,
      createdAt: approval.createdAt,
      expiresAt: approval.expiresAt,
      decidedBy: approval.decidedBy,
      decidedAt: approval.decidedAt,
      usedAt: approval.usedAt,
      idempotencyKey: approval.idempotencyKey,
    }),
    operation: approval.operation,
    preview: review?.preview ?? approval.preview,
    url: new URL(approval.path, base).href,
  };
}
