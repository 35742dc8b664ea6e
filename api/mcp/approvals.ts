/**
 * The approval grants of an app instance, keyed from its JWT secret and built once per
 * `Services`, so the HTTP endpoint, in-process clients and the approval gate that issues grants
 * all share one key.
 *
 * @module
 */
import { loadJwtSecret } from "../auth/jwt_secret.ts";
import type { Services } from "../../lib/services.ts";
import { type ApprovalGrants, createApprovalGrants } from "./grants.ts";

const cache = new WeakMap<object, Promise<ApprovalGrants>>();

/** The instance's approval grants (issue them from server-side approval code only). */
export function approvalGrantsFor(
  services: Pick<Services, "config" | "log">,
): Promise<ApprovalGrants> {
  let grants = cache.get(services);
  if (!grants) {
    grants = loadJwtSecret(services.config, services.log).then((secret) =>
      createApprovalGrants(secret)
    );
    cache.set(services, grants);
  }
  return grants;
}
