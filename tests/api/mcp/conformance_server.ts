/**
 * A throwaway `/mcp` instance for third-party checks (the MCP conformance suite, the inspector
 * CLI): an isolated test backend with one user, a sandbox account and a campaign, served on
 * 127.0.0.1. Prints the URL and an API token, then serves until interrupted.
 *
 * `--no-auth` uses the handler's test-only unauthenticated mode (the conformance client sends no
 * token); this script is the only place that sets it, and it never reads it from the environment.
 *
 *     deno run -A tests/api/mcp/conformance_server.ts [--no-auth]
 *
 * @module
 */
import { openTestBackend } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { serveMcp, testServices } from "./_helpers.ts";

const noAuth = Deno.args.includes("--no-auth");
const backend = await openTestBackend();
const services = await testServices(backend);
const actor = await registerUser(backend.domain, "conformance");
const adAccountId = await connectAccount(backend.domain, actor);
const campaign = await createCampaign(backend.domain, actor, adAccountId);
const { secret } = await backend.domain.apiTokens.create(actor, { name: "inspector" });
const served = serveMcp(services, noAuth ? { testOnlyUnauthenticatedActor: actor } : {});
console.log(
  JSON.stringify({ url: served.url, token: secret, adAccountId, campaignId: campaign.id }),
);

const stop = async () => {
  await served.close();
  await backend.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
