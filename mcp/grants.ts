/**
 * Approval grants: how a tool call that the approval policy (`domain/approval.ts`) holds back is
 * marked as approved by the signed-in user.
 *
 * - Issuing. When a side-effecting tool needs approval, it does not run; it returns
 *   `{status: "approval_required", approval: {tool, arguments, preview, previewDigest, …}}`. The
 *   server-side approval gate (the agent's interrupt, or a signed-in user action) shows the preview
 *   and, on "approve", calls `grants.issue(actor, pending)` with that pending approval as the
 *   server received it. Nothing a model can call issues grants: no tool, no argument.
 * - The grant is a compact token `aag1.<claims>.<HMAC-SHA256>` (base64url). Claims bind it to the
 *   user (`sub`), the tool, a SHA-256 digest of the exact canonical arguments (idempotency key
 *   excluded), a digest of the preview the user approved, a random id (`jti`) and an expiry
 *   (15 minutes). The HMAC key is derived from the server's JWT secret with a label
 *   (`HMAC(secret, "aae/approval-grant/v1")`), so grants never collide with access tokens, and
 *   without the secret a grant cannot be forged or altered.
 * - Presenting. The caller re-sends the same call with the grant in the request's `_meta`
 *   (`"aae/approvalGrant"`). Before executing, the tool recomputes the policy decision from the
 *   current state and accepts the grant only if the signature is valid, it has not expired, and
 *   user, tool, arguments digest and preview digest all match. A changed argument, another user,
 *   another tool, or a campaign that changed since the preview was approved all reject it.
 * - Single use. Acceptance consumes `jti` through the domain's idempotency records (scope
 *   `mcp:approval-grant`, durable in the database), so a second call with the same grant is
 *   rejected — except a retry of the same tool call under the same idempotency key (the durable
 *   run's `run id:tool call id`), which the tool's own idempotency record already guards against
 *   applying twice. Consumption records live 24 hours, longer than any grant. A consumption left
 *   in progress (its call crashed before the record was completed) is taken over: the call it
 *   was for runs only after that completion, so the grant is still unused.
 *
 * @module
 */
import type { Actor } from "../domain/actor.ts";
import { canonicalJson } from "../domain/approval.ts";
import type { Clock } from "../domain/clock.ts";
import { decodeBase64Url, encodeBase64Url } from "../domain/encoding.ts";
import { ConflictError, NotFoundError } from "../domain/errors.ts";
import { type IdempotencyService, requestHash } from "../domain/idempotency.ts";
import { sha256Hex } from "../domain/secrets.ts";

/** How long an issued grant may be presented. */
export const APPROVAL_GRANT_TTL_MS = 15 * 60_000;
/** `_meta` key carrying a grant on `tools/call`. */
export const APPROVAL_GRANT_META_KEY = "aae/approvalGrant";

const VERSION = "aag1";
const KEY_LABEL = "aae/approval-grant/v1";
const CONSUMPTION_SCOPE = "mcp:approval-grant";

/** A call the policy held back, as the server returned it in `approval_required`. */
export interface PendingApproval {
  tool: string;
  /** The tool's arguments exactly as they will be re-sent (without the idempotency key). */
  arguments: Record<string, unknown>;
  /** `digestOf(preview)` of the preview the user was shown. */
  previewDigest: string;
}

/** What a grant asserts. */
export interface ApprovalGrantClaims {
  jti: string;
  /** The approving user. */
  sub: string;
  tool: string;
  /** `digestOf(arguments)`. */
  args: string;
  /** `digestOf(preview)`. */
  preview: string;
  /** Expiry, epoch milliseconds. */
  exp: number;
}

/** Why a presented grant was not accepted. */
export type GrantRejection =
  | "malformed"
  | "bad_signature"
  | "expired"
  | "wrong_user"
  | "wrong_tool"
  | "arguments_changed"
  | "preview_changed"
  | "already_used";

/** Outcome of checking a grant against a call. */
export type GrantCheck =
  | { ok: true; claims: ApprovalGrantClaims }
  | { ok: false; reason: GrantRejection };

/** Issues and verifies approval grants with one derived key. */
export interface ApprovalGrants {
  /** Signs a grant approving `pending` for `actor`. Only server-side approval code calls this. */
  issue(actor: Actor, pending: PendingApproval): Promise<string>;
  /** Checks signature, expiry and bindings (not single use: see `consumeGrant`). */
  verify(
    grant: string,
    expected: { actor: Actor; tool: string; argumentsDigest: string; previewDigest: string },
  ): Promise<GrantCheck>;
}

/** SHA-256 hex of the canonical JSON of `value` (key order does not matter). */
export function digestOf(value: unknown): Promise<string> {
  return sha256Hex(canonicalJson(value));
}

/** Builds grants signed with a key derived from `secret` (the JWT secret). */
export async function createApprovalGrants(
  secret: string,
  options: { clock?: Clock; ttlMs?: number } = {},
): Promise<ApprovalGrants> {
  const clock = options.clock ?? { now: () => new Date() };
  const ttlMs = options.ttlMs ?? APPROVAL_GRANT_TTL_MS;
  const master = await importHmacKey(new TextEncoder().encode(secret));
  const derived = await crypto.subtle.sign("HMAC", master, new TextEncoder().encode(KEY_LABEL));
  const key = await importHmacKey(new Uint8Array(derived));
  const encoder = new TextEncoder();

  return {
    async issue(actor, pending) {
      const claims: ApprovalGrantClaims = {
        jti: crypto.randomUUID(),
        sub: actor.userId,
        tool: pending.tool,
        args: await digestOf(pending.arguments),
        preview: pending.previewDigest,
        exp: clock.now().getTime() + ttlMs,
      };
      const body = `${VERSION}.${encodeBase64Url(encoder.encode(JSON.stringify(claims)))}`;
      const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
      return `${body}.${encodeBase64Url(new Uint8Array(signature))}`;
    },

    async verify(grant, expected) {
      const parts = grant.split(".");
      if (parts.length !== 3 || parts[0] !== VERSION || grant.length > 2_000) {
        return { ok: false, reason: "malformed" };
      }
      let claims: ApprovalGrantClaims;
      try {
        const signature = new Uint8Array(decodeBase64Url(parts[2]));
        const valid = await crypto.subtle.verify(
          "HMAC",
          key,
          signature,
          encoder.encode(`${parts[0]}.${parts[1]}`),
        );
        if (!valid) return { ok: false, reason: "bad_signature" };
        claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[1])));
      } catch {
        return { ok: false, reason: "malformed" };
      }
      if (typeof claims?.exp !== "number" || typeof claims.jti !== "string") {
        return { ok: false, reason: "malformed" };
      }
      if (claims.exp <= clock.now().getTime()) return { ok: false, reason: "expired" };
      if (claims.sub !== expected.actor.userId) return { ok: false, reason: "wrong_user" };
      if (claims.tool !== expected.tool) return { ok: false, reason: "wrong_tool" };
      if (claims.args !== expected.argumentsDigest) {
        return { ok: false, reason: "arguments_changed" };
      }
      if (claims.preview !== expected.previewDigest) {
        return { ok: false, reason: "preview_changed" };
      }
      return { ok: true, claims };
    },
  };
}

/**
 * Marks a verified grant used. Returns false when it was already used — unless by the same tool
 * call (same non-empty `idempotencyKey`), which may present it again.
 */
export async function consumeGrant(
  idempotency: IdempotencyService,
  actor: Actor,
  claims: ApprovalGrantClaims,
  idempotencyKey: string | undefined,
): Promise<boolean> {
  const record = { scope: CONSUMPTION_SCOPE, key: claims.jti };
  const hash = await requestHash({ idempotencyKey: idempotencyKey ?? null });
  let claimToken: string;
  try {
    const start = await idempotency.begin(actor, { ...record, requestHash: hash }, {
      takeOverInProgress: true,
    });
    if (start.state === "replay") return idempotencyKey !== undefined;
    claimToken = start.claimToken;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
  try {
    await idempotency.complete(actor, {
      ...record,
      claimToken,
      responseStatus: 200,
      responseBody: { tool: claims.tool, idempotencyKey: idempotencyKey ?? null },
    });
  } catch (error) {
    // A concurrent presentation of the grant took the consumption over: it is that call's.
    if (error instanceof NotFoundError) return false;
    throw error;
  }
  return true;
}

function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    new Uint8Array(raw),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}
