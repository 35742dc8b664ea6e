/**
 * The call pipeline every tool goes through. Read tools run. Write tools:
 *
 * 1. With an idempotency key (`_meta["aae/idempotencyKey"]` or the `idempotencyKey` argument):
 *    claim it in the domain's idempotency records (scope `mcp:tool:<name>`, request hash of the
 *    arguments); a completed earlier call with that key is replayed as stored, without effect.
 * 2. Plan: load the current state and ask the approval policy. If approval is required and the
 *    call carries no grant, nothing runs: the result is `{status: "approval_required", approval}`
 *    (not an error). A grant that fails verification or was already used is refused (`isError`).
 * 3. Run the domain operation and record the result under the idempotency key. Results that had
 *    no effect (approval required, errors) release the key, so the approved retry may use it.
 *
 * @module
 */
import type { Actor } from "../../domain/actor.ts";
import { type ApprovalDecision, decideApproval } from "../../domain/approval.ts";
import type { Clock } from "../../domain/clock.ts";
import { requestHash } from "../../domain/idempotency.ts";
import type { Domain } from "../../domain/mod.ts";
import type { Logger } from "../../lib/log.ts";
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
  try {
    const start = await idempotency.begin(deps.actor, {
      ...record,
      requestHash: await requestHash({ tool: tool.name, arguments: args }),
    });
    if (start.state === "replay") return asReplay(start.responseBody as CallToolResult);
  } catch (error) {
    return errorResult(error, deps.log, tool.name);
  }
  const result = await applyWrite(deps, context, tool, args, grant, key);
  try {
    if (result.isError || result.structuredContent?.status === "approval_required") {
      await idempotency.abandon(deps.actor, record);
    } else {
      await idempotency.complete(deps.actor, {
        ...record,
        responseStatus: 200,
        responseBody: result,
      });
    }
  } catch (error) {
    deps.log?.error("MCP idempotency record not updated", {
      tool: tool.name,
      error: String(error),
    });
  }
  return result;
}

/** Plans, checks approval, runs; never throws. */
async function applyWrite(
  deps: InvokeDependencies,
  context: ToolContext,
  tool: McpTool,
  args: Record<string, unknown>,
  grant: string | undefined,
  idempotencyKey: string | undefined,
): Promise<CallToolResult> {
  try {
    const request = await tool.plan(context, args);
    const decision = request ? decideApproval(request) : null;
    if (decision?.required) {
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
      if (!await consumeGrant(deps.domain.idempotency, deps.actor, check.claims, idempotencyKey)) {
        return refusalResult(
          "approval_rejected",
          403,
          "approval grant rejected (already_used); the call was not executed",
        );
      }
    }
    return presentationResult(await tool.execute(context, args));
  } catch (error) {
    return errorResult(error, deps.log, tool.name);
  }
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
