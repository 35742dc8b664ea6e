/**
 * The chat protocol of `/ws/chat`, as zod schemas shared by the server and browser clients (this
 * module imports nothing but `zod/mini`, zod's tree-shakable functional API, and the import-free
 * text rule of `domain/text.ts`, so it bundles small for the browser; do not import classic `zod`
 * here). Every message is the seed envelope
 * `{"type", "content", "metadata"}`; the README's "Chat protocol" section is the prose version.
 *
 * @module
 */
import * as z from "zod/mini";
import { CONTROL_CHARACTERS_MESSAGE, isPlainText } from "../../domain/text.ts";

/** The subprotocol clients offer and the server echoes. */
export const CHAT_SUBPROTOCOL = "aae.v1";
/** Prefix of the subprotocol that carries a bearer token (`bearer.<token>`). */
export const BEARER_SUBPROTOCOL_PREFIX = "bearer.";
/** Path of the WebSocket endpoint. */
export const CHAT_PATH = "/ws/chat";

/** Largest client message, in UTF-8 bytes; larger ones are answered with `too_large`. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/** Largest `user` message text, in characters. */
export const MAX_USER_CONTENT_CHARS = 32_000;

/**
 * Frames in a row the server cannot read (not JSON, unknown type, malformed, too large, binary)
 * after which it closes the socket with `CLOSE_CODES.policy`; any well-formed message resets
 * the count. A working client never sends one, so this only stops a broken or hostile one.
 */
export const MAX_INVALID_MESSAGES_IN_A_ROW = 10;

/** Close codes the server uses; 4xxx are application codes (4401 mirrors HTTP 401). */
export const CLOSE_CODES = {
  /** Server shutting down or restarting: reconnect (elsewhere) and resume. */
  goingAway: 1001,
  /** The client did not read fast enough and its send queue overflowed: reconnect and resume. */
  slowConsumer: 4008,
  /**
   * The credentials the socket was opened with expired or were revoked (an access JWT reached
   * its `exp`; an API token was revoked or expired; the sign-in of an access JWT or of the
   * browser's cookies was signed out, revoked or expired). API tokens and sign-ins are
   * re-checked periodically (every
   * `CHAT_REVALIDATE_INTERVAL_MS`, 60 s by default), so this comes at most one interval after a
   * revocation. Runs keep going on the server; only the stream stopped. Obtain fresh
   * credentials (`POST /api/v1/auth/refresh`), reconnect and resume from the last seen `seq`;
   * when that fails, the user must sign in again. Reconnecting with the same credentials is
   * refused (HTTP 401 at the upgrade).
   */
  credentialsExpired: 4401,
  /**
   * `MAX_INVALID_MESSAGES_IN_A_ROW` unreadable messages in a row (a broken client); do not
   * reconnect blindly.
   */
  policy: 1008,
} as const;

/** Codes of non-persisted `error` messages about the client's own message. */
export const ERROR_CODES = [
  /** Not JSON, or not an object. */
  "invalid_json",
  /** `type` is not a client message type. */
  "unknown_type",
  /** A field is missing or has the wrong shape. */
  "invalid_message",
  /** Over `MAX_CLIENT_MESSAGE_BYTES`. */
  "too_large",
  /** Binary frame: only text frames are spoken. */
  "unsupported",
  /** A `user` message while a run of the conversation is active. */
  "run_active",
  /** The conversation or run does not exist or is not yours. */
  "not_found",
  /** Confirm/cancel that does not fit the run's state. */
  "conflict",
  /** Not enough credits for the assistant to answer. */
  "insufficient_credits",
  /** Too many followed conversations on one socket. */
  "too_many_conversations",
  /** Too many messages waiting to be handled on this socket; slow down. */
  "busy",
  /**
   * A service the message needs is down (the coordination backend, e.g. Redis, or the
   * database): nothing was done; send it again in a few seconds. The socket stays open.
   */
  "unavailable",
  /** Something failed on the server; retry later. */
  "internal",
] as const;
/** Code of a non-persisted `error` message. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const uuid = z.uuid();
/** Client-chosen correlation id, echoed in the `ack`, `pong` or `error` answering the message. */
const requestId = z.optional(z.string().check(z.minLength(1), z.maxLength(128)));
/** `content` of `confirm`, `cancel`, `resume` and `ping`: optional text, "" when absent. */
const shortContent = z._default(z.string().check(z.maxLength(1000)), "");

/** `user`: a message to the assistant. */
export const UserMessageSchema = z.object({
  type: z.literal("user"),
  content: z.string().check(
    z.refine(isPlainText, CONTROL_CHARACTERS_MESSAGE),
    z.trim(),
    z.minLength(1),
    z.maxLength(MAX_USER_CONTENT_CHARS),
  ),
  metadata: z._default(
    z.object({
      /** Absent: start a new conversation. */
      conversation_id: z.optional(uuid),
      /** The client's id of the message: a retry with the same id does not run twice. */
      client_message_id: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
      /** For an existing conversation not yet followed: replay events after this seq too. */
      last_seq: z.optional(z.int().check(z.minimum(0))),
      request_id: requestId,
    }),
    {},
  ),
});

/** `confirm`: the answer to a `confirmation` event. */
export const ConfirmMessageSchema = z.object({
  type: z.literal("confirm"),
  content: shortContent,
  metadata: z.object({
    run_id: uuid,
    confirmation_id: z.string().check(z.minLength(1), z.maxLength(128)),
    decision: z.enum(["approve", "reject"]),
    request_id: requestId,
  }),
});

/** `cancel`: stop a run at its next step boundary. */
export const CancelMessageSchema = z.object({
  type: z.literal("cancel"),
  content: shortContent,
  metadata: z.object({ run_id: uuid, request_id: requestId }),
});

/** `resume`: follow a conversation, replaying every event after `last_seq`. */
export const ResumeMessageSchema = z.object({
  type: z.literal("resume"),
  content: shortContent,
  metadata: z.object({
    conversation_id: uuid,
    last_seq: z._default(z.int().check(z.minimum(0)), 0),
    request_id: requestId,
  }),
});

/** `ping`: answered by `pong` (the client's liveness check). */
export const PingMessageSchema = z.object({
  type: z.literal("ping"),
  content: shortContent,
  metadata: z._default(z.object({ request_id: requestId }), {}),
});

/** Any client message. */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  UserMessageSchema,
  ConfirmMessageSchema,
  CancelMessageSchema,
  ResumeMessageSchema,
  PingMessageSchema,
]);
/** A parsed client message. */
export type ClientMessage = z.output<typeof ClientMessageSchema>;
/** A client message as sent (defaults not applied). */
export type ClientMessageInput = z.input<typeof ClientMessageSchema>;
/** Client message types. */
export const CLIENT_MESSAGE_TYPES = ["user", "confirm", "cancel", "resume", "ping"] as const;
/** A client message type. */
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

/** Types of persisted server events (they carry `metadata.seq`). */
export const EVENT_TYPES = ["user", "assistant", "step", "confirmation", "run", "error"] as const;

/** A persisted server event: `seq`, `conversation_id` and `run_id` always present. */
export const EventMessageSchema = z.object({
  type: z.enum(EVENT_TYPES),
  content: z.string(),
  metadata: z.looseObject({
    seq: z.int().check(z.minimum(1)),
    conversation_id: z.string(),
    run_id: z.nullable(z.string()),
  }),
  created_at: z.optional(z.string()),
});
/** A persisted server event. */
export type EventMessage = z.output<typeof EventMessageSchema>;

/** `ack`: what a client message did. Not persisted. */
export const AckMessageSchema = z.object({
  type: z.literal("ack"),
  content: z.string(),
  metadata: z.object({
    /** The type of the client message acknowledged. */
    ack: z.enum(CLIENT_MESSAGE_TYPES),
    request_id: z.optional(z.string()),
    conversation_id: z.optional(z.string()),
    run_id: z.optional(z.string()),
    message_id: z.optional(z.string()),
    /** `user`: the client message id was seen before; nothing new was started. */
    duplicate: z.optional(z.boolean()),
    /** `confirm` / `cancel`: the run's status afterwards. */
    status: z.optional(z.string()),
    /** `resume`: the conversation's latest seq when the replay started. */
    last_seq: z.optional(z.int()),
  }),
});
/** An `ack`. */
export type AckMessage = z.output<typeof AckMessageSchema>;

/** A non-persisted `error` about the client's own message (no `seq`). */
export const ProtocolErrorSchema = z.object({
  type: z.literal("error"),
  /** Human-readable detail, like REST's `{"detail"}`. */
  content: z.string(),
  metadata: z.object({
    code: z.enum(ERROR_CODES),
    request_id: z.optional(z.string()),
  }),
});
/** A non-persisted `error`. */
export type ProtocolError = z.output<typeof ProtocolErrorSchema>;

/** `pong`: the answer to `ping`. Not persisted. */
export const PongMessageSchema = z.object({
  type: z.literal("pong"),
  content: z.string(),
  metadata: z.object({ request_id: z.optional(z.string()) }),
});

/**
 * `status`: live delivery stopped because a service the server needs (Redis) is unreachable
 * (`live: false`), or is back (`live: true`). Sent to every open socket; not persisted. While it is
 * off, events are still stored, and reach the socket late (from the database) or on resume.
 */
export const StatusMessageSchema = z.object({
  type: z.literal("status"),
  content: z.string(),
  metadata: z.object({ live: z.boolean() }),
});
/** A `status`. */
export type StatusMessage = z.output<typeof StatusMessageSchema>;

/**
 * Any server message. Persisted events are told from protocol errors by `metadata.seq`
 * (`isEvent`), so a persisted run `error` and a non-persisted input `error` never mix up.
 */
export const ServerMessageSchema = z.union([
  AckMessageSchema,
  PongMessageSchema,
  EventMessageSchema,
  ProtocolErrorSchema,
  StatusMessageSchema,
]);
/** A server message. */
export type ServerMessage = z.output<typeof ServerMessageSchema>;

/** Whether a server message is a persisted event (it has a sequence number). */
export function isEvent(message: ServerMessage): message is EventMessage {
  return typeof (message.metadata as { seq?: unknown }).seq === "number";
}

/** The outcome of reading one client frame: the message or the error to answer with. */
export type ParsedClientFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; detail: string; requestId?: string };

/** UTF-8 length of a string without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

let english: z.core.$ZodErrorMap | undefined;
/**
 * zod's English issue messages ("Too small: expected string to have >=1 characters"), which the
 * `invalid_message` detail quotes. `zod/mini` installs no locale (its messages would all read
 * "Invalid input"), and installing one globally would ship it to the browser, so it is passed
 * per parse, here only.
 */
function englishErrors(): z.core.$ZodErrorMap {
  return english ??= z.locales.en().localeError;
}

/** Parses one text frame from a client into a message, or the `error` to answer it with. */
export function parseClientFrame(text: string): ParsedClientFrame {
  // The cheap upper bound first: UTF-8 is at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > MAX_CLIENT_MESSAGE_BYTES && utf8Length(text) > MAX_CLIENT_MESSAGE_BYTES) {
    return {
      ok: false,
      code: "too_large",
      detail: `Message exceeds ${MAX_CLIENT_MESSAGE_BYTES} bytes`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "invalid_json", detail: "Message is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, code: "invalid_json", detail: "Message must be a JSON object" };
  }
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  const rawRequestId = typeof metadata === "object" && metadata !== null
    ? metadata.request_id
    : undefined;
  const requestId = typeof rawRequestId === "string" && rawRequestId.length <= 128
    ? rawRequestId
    : undefined;
  if (!(CLIENT_MESSAGE_TYPES as readonly unknown[]).includes(record.type)) {
    return {
      ok: false,
      code: "unknown_type",
      detail: `Unknown message type; expected one of ${CLIENT_MESSAGE_TYPES.join(", ")}`,
      requestId,
    };
  }
  const parsed = ClientMessageSchema.safeParse(value, { error: englishErrors() });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) =>
      `${issue.path.map(String).join(".") || "message"} (${issue.message})`
    );
    return {
      ok: false,
      code: "invalid_message",
      detail: `Invalid message: ${fields.join("; ")}`,
      requestId,
    };
  }
  return { ok: true, message: parsed.data };
}
