/**
 * Short-lived access tokens: HS256 JWTs naming the user and the session they belong to. The key
 * is imported once, because re-importing it per request costs most of the API's throughput.
 *
 * @module
 */
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { UserRole } from "../domain/actor.ts";

const issuer = "aae";
const audience = "aae-api";

/** What an access token proves. */
export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  /** The user's role when the token was issued. */
  role: UserRole;
}

/** An issued access token and when it stops working. */
export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

/** Signs and verifies access tokens with one symmetric key. */
export class AccessTokens {
  private constructor(
    private readonly key: CryptoKey,
    /** AES-256-GCM key for `sealPayload`, derived from the same secret. */
    private readonly sealKey: Uint8Array,
    readonly ttlSeconds: number,
  ) {}

  /** Imports `secret` as an HMAC key for tokens living `ttlSeconds`. */
  static async create(secret: string, ttlSeconds = 15 * 60): Promise<AccessTokens> {
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    // A separate key for encryption: the same secret, hashed under a label of its own.
    const sealKey = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`aae seal\0${secret}`)),
    );
    return new AccessTokens(key, sealKey, ttlSeconds);
  }

  /** Issues a token for a user's session. */
  async issue(claims: AccessTokenClaims, now = new Date()): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId, role: claims.role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Returns the claims of a valid token, or null for anything else: expired or without an expiry,
   * forged, signed with another algorithm (including `alg: none`) or malformed. Whether the
   * token's sign-in still lasts is the caller's to check (`sessions.signedInActor`).
   */
  async verify(token: string, now = new Date()): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        issuer,
        audience,
        currentDate: now,
        // jose checks `exp` only when present; a token must never be valid forever.
        requiredClaims: ["exp"],
      });
      if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
      if (payload.role !== "user" && payload.role !== "admin") return null;
      return { userId: payload.sub, sessionId: payload.sid, role: payload.role };
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  /**
   * Signs a short-lived payload for another purpose (e.g. OAuth state) under its own audience,
   * so it can never pass as an access token.
   */
  async signPayload(
    purpose: string,
    payload: Record<string, string>,
    ttlSeconds: number,
    now = new Date(),
  ): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(`${audience}:${purpose}`)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.key);
  }

  /** Verifies a payload signed by `signPayload` for `purpose`; null when invalid or expired. */
  async verifyPayload(
    purpose: string,
    token: string,
    now = new Date(),
  ): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        issuer,
        audience: `${audience}:${purpose}`,
        currentDate: now,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  /**
   * Encrypts a short-lived payload for `purpose` (e.g. a new API token's secret carried over a
   * redirect in a cookie): unlike `signPayload`, nobody holding the value can read it.
   */
  async sealPayload(
    purpose: string,
    payload: Record<string, string>,
    ttlSeconds: number,
    now = new Date(),
  ): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return await new EncryptJWT(payload)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setIssuer(issuer)
      .setAudience(`${audience}:${purpose}`)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .encrypt(this.sealKey);
  }

  /** Decrypts a payload sealed by `sealPayload` for `purpose`; null when invalid or expired. */
  async openPayload(
    purpose: string,
    sealed: string,
    now = new Date(),
  ): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtDecrypt(sealed, this.sealKey, {
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
        issuer,
        audience: `${audience}:${purpose}`,
        currentDate: now,
        requiredClaims: ["exp"],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }
}
