/**
 * The call pipeline every tool goes through. Read tools run. Write tools:
 *
 * 1. With an idempotency key (`_meta["aae/idempotencyKey"]` or the `idempotencyKey` argument):
 *    claim it in the domain's idempotency records (scope `mcp:tool:<name>`, request hash of the
 *    arguments); a completed earlier call with that key is replayed as stored, without effect.
 *    A claim still in progress is taken over (see 3: it cannot hide a committed effect).
 * 2. Send the change through the domain's write gateway as this server's source (the assistant's
 *    run, or an outside MCP client). When it needs a person's approval the gateway holds it as an
 *    approval record and nothing runs: the result is `{status: "approval_required", approval}`
 *    (not an error) with the record's id and URL. The call completes once a signed-in person has
 *    approved it in the app and the client retries with the same idempotency key or names the
 *    approval (`approvalId` argument or `_meta["aae/approvalId"]`). The chat's own gate may
 *    instead present a signed grant (`grants.ts`); one that fails verification or was already
 *    used is refused (`isError`).
 * 3. The gateway makes the ad platform call outside any transaction, with a request key derived
 *    from the idempotency key so a repeated attempt changes nothing more there, then commits the
 *    change, its history entry and the call's idempotency record in one transaction that commits
 *    only while this call still holds the claim (`idempotency.runOnce`). A crash before that
 *    commit leaves no database effect and the claim in progress; the retry takes it over and
 *    completes the call. Results without effect (approval required, errors) release the key, so
 *    the approved retry may use it.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import type { ApprovalPreview } from "../domain/approval.ts";
import type { Approval } from "../domain/approvals.ts";
import type { Clock } from "../domain/clock.ts";
import { type IdempotencyClaim, platformRequestKey, requestHash } from "../domain/idempotency.ts";
import type { Domain } from "../domain/mod.ts";
import type {
  AppliedChange,
  ChangeReview,
  ChangeSource,
  WriteRequest,
} from "../domain/write_gateway.ts";
import type { Logger } from "../lib/log.ts";
import {
  APPROVAL_GRANT_META_KEY,
  type ApprovalGrants,
  consumeGrant,
  digestOf,
  type PendingApproval,
} from "./grants.ts";
import {
  asReplay,
  type CallToolResult,
  COMPONENT_META_KEY,
  errorResult,
  presentationResult,
  refusalResult,
} from "./results.ts";
import {
  APPROVAL_ID_ARGUMENT,
  type BatchApproval,
  IDEMPOTENCY_KEY_ARGUMENT,
  idempotencyKeySchema,
  type McpBatchTool,
  type McpTool,
  type McpWriteTool,
  type ToolContext,
} from "./tool.ts";

/** `_meta` key carrying an idempotency key on `tools/call`. */
export const IDEMPOTENCY_META_KEY = "aae/idempotencyKey";
/** `_meta` key naming the approval a retried call completes. */
export const APPROVAL_ID_META_KEY = "aae/approvalId";

/** What tool calls run with. */
export interface InvokeDependencies {
  readonly domain: Domain;
  readonly actor: Actor;
  readonly clock: Clock;
  readonly approvals: ApprovalGrants;
  /** Who is calling, as the change history records it. */
  readonly source: ChangeSource;
  /** The app's public URL, where approval links point. */
  readonly publicUrl: string;
  readonly log?: Logger;
  /**
   * TEST ONLY: the crash tests' pause points (`agent/runs/test_hooks.ts`), reached between an
   * idempotent write's platform call and its transaction, and inside that transaction before
   * it commits. Never set in production.
   */
  readonly pause?: (point: string) => Promise<void>;
}

/** A held-back call as returned to the caller: a `PendingApproval`, what to show, where to go. */
export interface ApprovalRequiredView extends PendingApproval {
  reason: string;
  rules: string[];
  preview: ApprovalPreview;
  /** The approval record; a retry naming it (or using the same idempotency key) completes it. */
  approvalId: string;
  /** Where a signed-in person approves it. */
  approvalUrl: string;
  expiresAt: string;
  howToComplete: string;
}

/** Runs one `tools/call` of `tool`; never throws. */
export async function invokeTool(
  deps: InvokeDependencies,
  tool: McpTool,
  rawArgs: Record<string, unknown>,
  meta: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  const context = contextOf(deps);
  if (tool.kind === "read") {
    try {
      return presentationResult(await tool.execute(context, rawArgs));
    } catch (error) {
      return errorResult(error, deps.log, tool.name);
    }
  }
  const {
    [IDEMPOTENCY_KEY_ARGUMENT]: argumentKey,
    [APPROVAL_ID_ARGUMENT]: approvalArgument,
    ...args
  } = rawArgs;
  const approvalMeta = meta?.[APPROVAL_ID_META_KEY];
  if (approvalMeta !== undefined && typeof approvalMeta !== "string") {
    return refusalResult("validation", 422, `_meta.${APPROVAL_ID_META_KEY} must be a string`);
  }
  const held = {
    grant: undefined as string | undefined,
    approvalId: (approvalMeta ?? approvalArgument) as string | undefined,
  };
  const metaKey = meta?.[IDEMPOTENCY_META_KEY];
  if (metaKey !== undefined && !idempotencyKeySchema.safeParse(metaKey).success) {
    return refusalResult("validation", 422, `_meta.${IDEMPOTENCY_META_KEY} must be a string`);
  }
  if (metaKey !== undefined && argumentKey !== undefined && metaKey !== argumentKey) {
    return refusalResult("validation", 422, "two different idempotency keys were given");
  }
  const key = (metaKey ?? argumentKey) as string | undefined;
  const grantValue = meta?.[APPROVAL_GRANT_META_KEY];
  held.grant = typeof grantValue === "string" ? grantValue : undefined;
  if (grantValue !== undefined && held.grant === undefined) {
    return refusalResult("approval_rejected", 403, "approval grant rejected (malformed)");
  }
  const apply = tool.kind === "batch" ? applyBatch : applyWrite;
  if (key === undefined) return await apply(deps, tool as never, args, held, undefined);

  const record = { scope: `mcp:tool:${tool.name}`, key };
  const { idempotency } = deps.domain;
  let claim: IdempotencyClaim;
  try {
    const start = await idempotency.begin(deps.actor, {
      ...record,
      requestHash: await requestHash({ tool: tool.name, arguments: args }),
    }, { takeOverInProgress: true });
    if (start.state === "replay") return asReplay(start.responseBody as CallToolResult);
    claim = { ...record, claimToken: start.claimToken };
  } catch (error) {
    return errorResult(error, deps.log, tool.name);
  }
  const result = await apply(deps, tool as never, args, held, claim);
  if (result.isError || result.structuredContent?.status === "approval_required") {
    // Nothing was committed under the claim (a completion commits with the effect).
    await idempotency.abandon(deps.actor, claim).catch((error) =>
      deps.log?.error("MCP idempotency claim not released", {
        tool: tool.name,
        error: String(error),
      })
    );
  }
  return result;
}

/** Sends the change through the write gateway (once, with a claim); never throws. */
async function applyWrite(
  deps: InvokeDependencies,
  tool: McpWriteTool,
  args: Record<string, unknown>,
  held: { grant: string | undefined; approvalId: string | undefined },
  claim: IdempotencyClaim | undefined,
): Promise<CallToolResult> {
  const { gateway, idempotency } = deps.domain;
  try {
    const request: WriteRequest = {
      actor: deps.actor,
      source: deps.source,
      operation: tool.operation(args),
      idempotencyKey: claim?.key,
      approvalId: held.approvalId,
    };
    if (held.grant !== undefined) {
      const review = await gateway.review(request);
      if (review.required) {
        const refusal = await acceptGrant(
          deps,
          tool,
          args,
          held.grant,
          review.previewDigest,
          claim,
        );
        if (refusal) return refusal;
        request.grantedPreviewDigest = review.previewDigest;
      }
    }
    if (claim) {
      request.requestKey = await platformRequestKey(deps.actor, claim);
      request.commit = async (work) => {
        await deps.pause?.(`after_platform_call:${tool.name}`);
        let applied: AppliedChange | undefined;
        const outcome = await idempotency.runOnce(deps.actor, claim, async (trx) => {
          applied = await work(trx);
          await deps.pause?.(`before_effect_commit:${tool.name}`);
          const result = presentationResult(tool.present(applied.campaign, args));
          return { responseStatus: 200, responseBody: result };
        });
        if (outcome.state !== "completed") {
          throw new CompletedElsewhere(outcome.responseBody as CallToolResult);
        }
        return applied!;
      };
    }
    const outcome = await gateway.write(request);
    if (outcome.status === "approval_required") {
      return approvalRequiredResult(deps, tool, args, outcome.review, outcome.approval);
    }
    return presentationResult(tool.present(outcome.campaign, args));
  } catch (error) {
    if (error instanceof CompletedElsewhere) return asReplay(error.result);
    return errorResult(error, deps.log, tool.name);
  }
}

/**
 * Asks the domain for a batch change (a rollback). It is durable and finds what it already did
 * on a repeat, so the call's record completes after it rather than with it.
 */
async function applyBatch(
  deps: InvokeDependencies,
  tool: McpBatchTool,
  args: Record<string, unknown>,
  held: { grant: string | undefined; approvalId: string | undefined },
  claim: IdempotencyClaim | undefined,
): Promise<CallToolResult> {
  const context = contextOf(deps);
  try {
    const approval: BatchApproval = { approvalId: held.approvalId, idempotencyKey: claim?.key };
    if (held.grant !== undefined) {
      const review = await tool.review(context, args);
      const refusal = await acceptGrant(deps, tool, args, held.grant, review.previewDigest, claim);
      if (refusal) return refusal;
      approval.grantedPreviewDigest = review.previewDigest;
    }
    const outcome = await tool.request(context, args, approval);
    if (outcome.status === "approval_required") {
      return approvalRequiredResult(deps, tool, args, outcome.review, outcome.approval);
    }
    const result = presentationResult(outcome.presentation);
    if (claim) {
      await deps.domain.idempotency.complete(deps.actor, {
        ...claim,
        responseStatus: 200,
        responseBody: result,
      });
    }
    return result;
  } catch (error) {
    return errorResult(error, deps.log, tool.name);
  }
}

/** What a tool runs with. */
function contextOf(deps: InvokeDependencies): ToolContext {
  return { domain: deps.domain, actor: deps.actor, clock: deps.clock, source: deps.source };
}

/** Another attempt of the same call completed it while this one ran: its result is replayed. */
class CompletedElsewhere extends Error {
  constructor(readonly result: CallToolResult) {
    super("completed by another attempt");
  }
}

/** Checks and consumes a grant; the refusal to return when it is not accepted. */
async function acceptGrant(
  deps: InvokeDependencies,
  tool: McpWriteTool | McpBatchTool,
  args: Record<string, unknown>,
  grant: string,
  previewDigest: string,
  claim: IdempotencyClaim | undefined,
): Promise<CallToolResult | undefined> {
  const check = await deps.approvals.verify(grant, {
    actor: deps.actor,
    tool: tool.name,
    argumentsDigest: await digestOf(args),
    previewDigest,
  });
  if (!check.ok) {
    return refusalResult(
      "approval_rejected",
      403,
      `approval grant rejected (${check.reason}); the call was not executed`,
    );
  }
  if (!await consumeGrant(deps.domain.idempotency, deps.actor, check.claims, claim?.key)) {
    return refusalResult(
      "approval_rejected",
      403,
      "approval grant rejected (already_used); the call was not executed",
    );
  }
  return undefined;
}

/** The not-executed result of a call held for a person's approval: where and how to finish it. */
function approvalRequiredResult(
  deps: InvokeDependencies,
  tool: McpWriteTool | McpBatchTool,
  args: Record<string, unknown>,
  review: Pick<ChangeReview, "reason" | "rules" | "preview" | "previewDigest">,
  record: Approval,
): CallToolResult {
  const url = new URL(record.path, deps.publicUrl).href;
  const approval: ApprovalRequiredView = {
    tool: tool.name,
    arguments: args,
    reason: review.reason ?? "approval required",
    rules: review.rules,
    preview: review.preview,
    previewDigest: review.previewDigest,
    approvalId: record.id,
    approvalUrl: url,
    expiresAt: record.expiresAt,
    howToComplete: "A signed-in person approves it at approvalUrl. Then call the tool again " +
      "with the same arguments and the same idempotency key, or with approvalId; it runs once.",
  };
  return {
    content: [{
      type: "text",
      text: `Approval required (${approval.reason}). Not executed. ${review.preview.summary} ` +
        `Approve at ${url}, then retry with the same idempotency key or approvalId ` +
        `${record.id}.`,
    }],
    structuredContent: { status: "approval_required", approval: { ...approval } },
    _meta: { [COMPONENT_META_KEY]: { type: "confirmation", data: { ...approval } } },
  };
}
