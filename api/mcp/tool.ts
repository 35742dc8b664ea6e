/**
 * How a tool is described: a typed definition (input shape, output shape, what it does, how its
 * result reads) turned by `defineTool` into a uniform `McpTool` that one registration helper
 * (`register.ts`) wires into the MCP server. Read tools just run; write tools also `plan` — load
 * the state the approval policy decides on — and get an optional `idempotencyKey` argument.
 *
 * @module
 */
import { z } from "zod";
import type { Actor } from "../../domain/actor.ts";
import type { ApprovalRequest } from "../../domain/approval.ts";
import type { Clock } from "../../domain/clock.ts";
import type { Domain } from "../../domain/mod.ts";
import type { ComponentHint } from "./results.ts";

/** What a tool runs with: the domain, on behalf of one actor, at the clock's "now". */
export interface ToolContext {
  readonly domain: Domain;
  readonly actor: Actor;
  readonly clock: Clock;
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
  run(context: ToolContext, args: z.output<z.ZodObject<Shape>>): Promise<Data>;
  present(data: Data, args: z.output<z.ZodObject<Shape>>): Presentation;
}

/** A tool that only reads. */
export interface ReadToolDefinition<Shape extends z.ZodRawShape, Data>
  extends CommonDefinition<Shape, Data> {
  kind: "read";
}

/** A tool with side effects, subject to the approval policy and idempotency keys. */
export interface WriteToolDefinition<Shape extends z.ZodRawShape, Data>
  extends CommonDefinition<Shape, Data> {
  kind: "write";
  /** Only adds (never overwrites or removes) state. */
  additive: boolean;
  /** Repeating the same call has no further effect. */
  idempotent: boolean;
  /** Loads the current state and names the operation for `decideApproval`. */
  plan(context: ToolContext, args: z.output<z.ZodObject<Shape>>): Promise<ApprovalRequest>;
}

/** A defined tool, with its argument types erased so tools of any shape fit one list. */
export interface McpTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly kind: "read" | "write";
  readonly input: z.ZodRawShape;
  readonly output: z.ZodRawShape;
  readonly annotations: ToolHints;
  /** Write tools: the approval request for these (already validated) arguments. */
  plan(context: ToolContext, args: Record<string, unknown>): Promise<ApprovalRequest | null>;
  /** Runs the tool on validated arguments. */
  execute(context: ToolContext, args: Record<string, unknown>): Promise<Presentation>;
}

/** Name of the optional argument carrying an idempotency key on write tools. */
export const IDEMPOTENCY_KEY_ARGUMENT = "idempotencyKey";

/** Idempotency key accepted on write tools (argument or `_meta`). */
export const idempotencyKeySchema = z.string().min(1).max(200);

/** Turns a typed definition into an `McpTool`. */
export function defineTool<Shape extends z.ZodRawShape, Data>(
  definition: ReadToolDefinition<Shape, Data> | WriteToolDefinition<Shape, Data>,
): McpTool {
  type Args = z.output<z.ZodObject<Shape>>;
  // The SDK validates arguments against `input` before a handler runs, so the cast only
  // restores the type it already checked.
  const typed = (args: Record<string, unknown>) => args as Args;
  const write = definition.kind === "write" ? definition : null;
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    kind: definition.kind,
    input: write
      ? {
        ...definition.input,
        [IDEMPOTENCY_KEY_ARGUMENT]: idempotencyKeySchema.optional().describe(
          "Optional idempotency key: repeating a call with the same key returns the first " +
            "result instead of applying it again.",
        ),
      }
      : definition.input,
    output: definition.output,
    annotations: write
      ? {
        readOnlyHint: false,
        destructiveHint: !write.additive,
        idempotentHint: write.idempotent,
        openWorldHint: true,
      }
      : { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    plan: (context, args) => write ? write.plan(context, typed(args)) : Promise.resolve(null),
    async execute(context, args) {
      const data = await definition.run(context, typed(args));
      return definition.present(data, typed(args));
    },
  };
}
