/**
 * The call pipeline every tool goes through. Read tools run. Write tools:
 *
 * 1. With an idempotency key (`_meta["aae/idempotencyKey"]` or the `idempotencyKey` argument):
 *    claim it in the domain's idempotency records (scope `mcp:tool:<name>`, request hash of the
 *    arguments); a completed earlier call with that key is replayed as stored, without effect.
 *    A claim still in progress is taken over (see 3: it cannot hide a committed effect).
 * 2. Plan: load the current state and ask the approval policy. If approval is required and the
 *    call carries no grant, nothing runs: the result is `{status: "approval_required", approval}`
 *    (not an error). A grant that fails verification or was already used is refused (`isError`).
 * 3. Stage the change — the ad platform call, outside any transaction, with a request key derived
 *    from the idempotency key so a repeated attempt changes nothing more on the platform — then
 *    commit its database writes and the call's idempotency record in one transaction that
 *    commits only while this call still holds the claim (`idempotency.runOnce`). A crash before
 *    that commit leaves no database effect and the claim in progress; the retry takes it over
 *    and completes the call. Results without effect (approval required, errors) release the key,
 *    so the approved retry may use it.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import { type ApprovalDecision, decideApproval } from "../domain/approval.ts";
import type { Clock } from "../domain/clock.ts";
import { type IdempotencyClaim, platformRequestKey, requestHash } from "../domain/idempotency.ts";
import type { Domain } from "../domain/mod.ts";
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
  IDEMPOTENCY_KEY_ARGUMENT,
  idempotencyKeySchema,
  type McpTool,
  type McpWriteTool,
  type ToolContext,
} from "./tool.ts";

/** `_meta` key carrying an idempotency key on `tools/call`. */
export const IDEMPOTENCY_META_KEY = "aae/idempotencyKey";

/** What tool calls run with. */
export interface InvokeDependencies {
  readonly domain: Domain;
  readonly actor: Actor;
  readonly clock: Clock;
  readonly approvals: ApprovalGrants;
  readonly log?: Logger;
  /**
   * TEST ONLY: the crash tests' pause points (`agent/runs/test_hooks.ts`), reached between an
   * idempotent write's platform call and its transaction, and inside that transaction before
   * it commits. Never set in production.
   */
  readonly pause?: (point: string) => Promise<void>;
}

/** A held-back call as returned to the caller: a `PendingApproval` plus what to show. */
export interface ApprovalRequiredView extends PendingApproval {
  reason: string;
  rules: ApprovalDecision["rules"];
  preview: ApprovalDecision["preview"];
}

/** Runs one `tools/call` of `tool`; never throws. */
export async function invokeTool(
  deps: InvokeDependencies,
  tool: McpTool,
  rawArgs: Record<string, unknown>,
  meta: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  const context: ToolContext = { domain: deps.domain, actor: deps.actor, clock: deps.clock };
  if (tool.kind === "read") {
    try {
      return presentationResult(await tool.execute(context, rawArgs));
    } catch (error) {
      return errorResult(error, deps.log, tool.name);
    }
  }
  const { [IDEMPOTENCY_KEY_ARGUMENT]: argumentKey, ...args } = rawArgs;
  const metaKey = meta?.[IDEMPOTENCY_META_KEY];
  if (metaKey !== undefined && !idempotencyKeySchema.safeParse(metaKey).success) {
    return refusalResult("validation", 422, `_meta.${IDEMPOTENCY_META_KEY} must be a string`);
  }
  if (metaKey !== undefined && argumentKey !== undefined && metaKey !== argumentKey) {
    return refusalResult("validation", 422, "two different idempotency keys were given");
  }
  const key = (metaKey ?? argumentKey) as string | undefined;
  const grantValue = meta?.[APPROVAL_GRANT_META_KEY];
  const grant = typeof grantValue === "string" ? grantValue : undefined;
  if (grantValue !== undefined && grant === undefined) {
    return refusalResult("approval_rejected", 403, "approval grant rejected (malformed)");
  }
  if (key === undefined) return await applyWrite(deps, context, tool, args, grant, undefined);

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
  const result = await applyWrite(deps, context, tool, args, grant, claim);
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

/** Plans, checks approval, applies (once, with a claim); never throws. */
async function applyWrite(
  deps: InvokeDependencies,
  context: ToolContext,
  tool: McpWriteTool,
  args: Record<string, unknown>,
  grant: string | undefined,
  claim: IdempotencyClaim | undefined,
): Promise<CallToolResult> {
  try {
    const decision = decideApproval(await tool.plan(context, args));
    if (decision.required) {
      const previewDigest = await digestOf(decision.preview);
      if (grant === undefined) {
        return approvalRequiredResult({
          tool: tool.name,
          arguments: args,
          reason: decision.reason ?? "approval required",
          rules: decision.rules,
          preview: decision.preview,
          previewDigest,
        });
      }
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
    }
    if (!claim) {
      return presentationResult(await (await tool.stage(context, args, undefined)).commit());
    }
    return await applyOnce(deps, context, tool, args, claim);
  } catch (error) {
    return errorResult(error, deps.log, tool.name);
  }
}

/**
 * The platform call first, outside any transaction; then the database writes and the completion
 * of `claim` in one transaction. The result is this call's, or — when another attempt took the
 * claim over and completed it meanwhile — that attempt's, replayed.
 */
async function applyOnce(
  deps: InvokeDependencies,
  context: ToolContext,
  tool: McpWriteTool,
  args: Record<string, unknown>,
  claim: IdempotencyClaim,
): Promise<CallToolResult> {
  const change = await tool.stage(context, args, await platformRequestKey(deps.actor, claim));
  await deps.pause?.(`after_platform_call:${tool.name}`);
  const outcome = await deps.domain.idempotency.runOnce(deps.actor, claim, async (trx) => {
    const result = presentationResult(await change.commit(trx));
    await deps.pause?.(`before_effect_commit:${tool.name}`);
    return { responseStatus: 200, responseBody: result };
  });
  return outcome.state === "completed"
    ? outcome.response.responseBody
    : asReplay(outcome.responseBody as CallToolResult);
}

/** The not-executed result of a call that needs the user's approval. */
function approvalRequiredResult(approval: ApprovalRequiredView): CallToolResult {
  return {
    content: [{
      type: "text",
      text: `Approval required (${approval.reason}). Not executed. ${approval.preview.summary}`,
    }],
    structuredContent: { status: "approval_required", approval: { ...approval } },
    _meta: { [COMPONENT_META_KEY]: { type: "confirmation", data: { ...approval } } },
  };
}
