/**
 * How a tool is described: a typed definition (input shape, output shape, what it does, how its
 * result reads) turned by `defineTool` into a uniform `McpTool` that one registration helper
 * (`server.ts`) wires into the MCP server. Read tools just run. Write tools name the change they
 * ask of the domain's write gateway (`operation`); the call pipeline (`invoke.ts`) sends it
 * through the gateway, which decides approval and limits, makes it once and records it. They
 * also get optional `idempotencyKey` and `approvalId` arguments.
 *
 * @module
 */
import { z } from "zod";
import type { Actor } from "../domain/actor.ts";
import type { Clock } from "../domain/clock.ts";
import type { Domain } from "../domain/mod.ts";
import type { Campaign } from "../domain/campaigns.ts";
import type { ApprovalPreview } from "../domain/approval.ts";
import type { Approval } from "../domain/approvals.ts";
import type { CampaignOperation, ChangeSource, WriteRequest } from "../domain/write_gateway.ts";
import type { ComponentHint } from "./results.ts";

/** What a tool runs with: the domain, on behalf of one actor, at the clock's "now". */
export interface ToolContext {
  readonly domain: Domain;
  readonly actor: Actor;
  readonly clock: Clock;
  /** Who calls, as the change history records it. */
  readonly source: ChangeSource;
}

/** How a tool's data is returned: structured, as text, and as a component for the chat. */
export interface Presentation {
  structured: Record<string, unknown>;
  text: string;
  component: ComponentHint;
}

/** MCP tool annotations (hints for clients; the server enforces approval itself). */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

interface CommonDefinition<Shape extends z.ZodRawShape, Data> {
  name: string;
  title: string;
  description: string;
  input: Shape;
  /** Shape of `structuredContent` on success. */
  output: z.ZodRawShape;
  present(data: Data, args: z.output<z.ZodObject<Shape>>): Presentation;
}

/** A tool that only reads. */
export interface ReadToolDefinition<Shape extends z.ZodRawShape, Data>
  extends CommonDefinition<Shape, Data> {
  kind: "read";
  run(context: ToolContext, args: z.output<z.ZodObject<Shape>>): Promise<Data>;
}

/** A tool that changes a campaign through the write gateway; its result is the campaign. */
export interface WriteToolDefinition<Shape extends z.ZodRawShape>
  extends CommonDefinition<Shape, Campaign> {
  kind: "write";
  /** Only adds (never overwrites or removes) state. */
  additive: boolean;
  /** Repeating the same call has no further effect. */
  idempotent: boolean;
  /** The change these arguments ask for. */
  operation(args: z.output<z.ZodObject<Shape>>): CampaignOperation;
}

/** What every defined tool describes about itself. */
interface McpToolInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodRawShape;
  readonly output: z.ZodRawShape;
  readonly annotations: ToolHints;
}

/** A read tool, with its argument types erased. */
export interface McpReadTool extends McpToolInfo {
  readonly kind: "read";
  /** Runs the tool on validated arguments. */
  execute(context: ToolContext, args: Record<string, unknown>): Promise<Presentation>;
}

/** A write tool, with its argument types erased. */
export interface McpWriteTool extends McpToolInfo {
  readonly kind: "write";
  /** The change these (already validated) arguments ask for. */
  operation(args: Record<string, unknown>): CampaignOperation;
  /** How the changed campaign reads. */
  present(campaign: Campaign, args: Record<string, unknown>): Presentation;
}

/** How a batch tool's caller presents a person's approval. */
export type BatchApproval = Pick<
  WriteRequest,
  "approvalId" | "idempotencyKey" | "grantedPreviewDigest"
>;

/** What a person approves before a batch tool runs for software. */
export interface BatchReview {
  reason: string;
  rules: string[];
  preview: ApprovalPreview;
  previewDigest: string;
}

/**
 * A tool whose change is a batch the domain makes itself (a rollback), not one campaign's. It
 * takes the same optional `idempotencyKey` and `approvalId` arguments as write tools.
 */
export interface McpBatchTool extends McpToolInfo {
  readonly kind: "batch";
  /** The preview a person approves for these arguments (what a grant binds). */
  review(context: ToolContext, args: Record<string, unknown>): Promise<BatchReview>;
  /** Asks the domain for the change. */
  request(
    context: ToolContext,
    args: Record<string, unknown>,
    approval: BatchApproval,
  ): Promise<
    | { status: "applied"; presentation: Presentation }
    | { status: "approval_required"; approval: Approval; review: BatchReview }
  >;
}

/** A defined tool; argument types are erased so tools of any shape fit one list. */
export type McpTool = McpReadTool | McpWriteTool | McpBatchTool;

/** Name of the optional argument carrying an idempotency key on write tools. */
export const IDEMPOTENCY_KEY_ARGUMENT = "idempotencyKey";

/** Idempotency key accepted on write tools (argument or `_meta`). */
export const idempotencyKeySchema = z.string().min(1).max(200);

/** Name of the optional argument naming the approval a retried write completes. */
export const APPROVAL_ID_ARGUMENT = "approvalId";

/** The optional arguments of every tool that changes something. */
export const CHANGE_ARGUMENTS = {
  [IDEMPOTENCY_KEY_ARGUMENT]: idempotencyKeySchema.optional().describe(
    "Optional idempotency key: repeating a call with the same key returns the first " +
      "result instead of applying it again. After a person approved a held call, retrying " +
      "with the same key completes it.",
  ),
  [APPROVAL_ID_ARGUMENT]: z.uuid().optional().describe(
    "Optional: the id of an approval a person gave in the AAE app for exactly this call " +
      "(from an earlier approval_required result); the call then runs once.",
  ),
};

/** Turns a typed definition into an `McpTool`. */
export function defineTool<Shape extends z.ZodRawShape, Data>(
  definition: ReadToolDefinition<Shape, Data> | WriteToolDefinition<Shape>,
): McpTool {
  type Args = z.output<z.ZodObject<Shape>>;
  // The SDK validates arguments against `input` before a handler runs, so the cast only
  // restores the type it already checked.
  const typed = (args: Record<string, unknown>) => args as Args;
  const info = {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    output: definition.output,
  };
  if (definition.kind === "read") {
    const read = definition;
    return {
      ...info,
      kind: "read",
      input: read.input,
      annotations: {
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
      async execute(context, args) {
        return read.present(await read.run(context, typed(args)), typed(args));
      },
    };
  }
  const write = definition;
  return {
    ...info,
    kind: "write",
    input: { ...write.input, ...CHANGE_ARGUMENTS },
    annotations: {
      readOnlyHint: false,
      destructiveHint: !write.additive,
      idempotentHint: write.idempotent,
      openWorldHint: true,
    },
    operation: (args) => write.operation(typed(args)),
    present: (campaign, args) => write.present(campaign, typed(args)),
  };
}
