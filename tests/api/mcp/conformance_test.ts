/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`, a real third-party
 * client) against `/mcp`, every server scenario classified: the ones that apply must pass on every
 * check; each of the others must fail only for its stated reason (a fixture tool or capability
 * this product server does not offer), so a scenario that starts failing for another reason, or a
 * new scenario, fails this test until someone looks at it.
 *
 * The suite's client sends no credentials, so the endpoint runs in the handler's test-only
 * unauthenticated mode.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { serveMcp, testServices } from "./_helpers.ts";

const CLI = new URL(
  "../../../node_modules/@modelcontextprotocol/conformance/dist/index.js",
  import.meta.url,
);

/** Scenarios that apply to a product server: every check must succeed. */
const PASS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

/** Why a scenario does not apply, and the failure that shows exactly that. */
interface NotApplicable {
  reason: string;
  failure: RegExp | null;
}

const FIXTURE_TOOL: NotApplicable = {
  reason: "calls one of the SDK example server's fixture tools (test_*), which a product lacks",
  failure: /Unknown tool: (test_|json_schema)|Tool '[a-z0-9_]+' not found/,
};
const NO_CAPABILITY: NotApplicable = {
  reason: "uses a capability the server does not declare (logging, completions, resources, " +
    "prompts): -32601 is the specified answer",
  failure: /-32601/,
};
const NO_SESSIONS: NotApplicable = {
  reason: "needs an MCP session and server-sent streams; /mcp is stateless JSON by design",
  failure: null,
};

const NOT_APPLICABLE: Record<string, NotApplicable> = {
  "logging-set-level": NO_CAPABILITY,
  "completion-complete": NO_CAPABILITY,
  "tools-call-simple-text": FIXTURE_TOOL,
  "tools-call-image": FIXTURE_TOOL,
  "tools-call-audio": FIXTURE_TOOL,
  "tools-call-embedded-resource": FIXTURE_TOOL,
  "tools-call-mixed-content": FIXTURE_TOOL,
  "tools-call-with-logging": NO_CAPABILITY,
  "tools-call-error": FIXTURE_TOOL,
  "tools-call-with-progress": FIXTURE_TOOL,
  "tools-call-sampling": FIXTURE_TOOL,
  "tools-call-elicitation": FIXTURE_TOOL,
  "json-schema-2020-12": FIXTURE_TOOL,
  "elicitation-sep1034-defaults": FIXTURE_TOOL,
  "elicitation-sep1330-enums": FIXTURE_TOOL,
  "server-sse-polling": NO_SESSIONS,
  "server-sse-multiple-streams": NO_SESSIONS,
  "resources-list": NO_CAPABILITY,
  "resources-read-text": NO_CAPABILITY,
  "resources-read-binary": NO_CAPABILITY,
  "resources-templates-read": NO_CAPABILITY,
  "resources-subscribe": NO_CAPABILITY,
  "resources-unsubscribe": NO_CAPABILITY,
  "prompts-list": NO_CAPABILITY,
  "prompts-get-simple": NO_CAPABILITY,
  "prompts-get-with-args": NO_CAPABILITY,
  "prompts-get-embedded-resource": NO_CAPABILITY,
  "prompts-get-with-image": NO_CAPABILITY,
};

interface Check {
  name: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
}

/** Runs the whole server suite; returns each scenario's checks. */
async function runSuite(url: string): Promise<Map<string, Check[]>> {
  const outDir = await Deno.makeTempDir({ prefix: "aae-conformance-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI.pathname, "server", "--url", url, "--suite", "all", "-o", outDir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const results = new Map<string, Check[]>();
    for await (const entry of Deno.readDir(outDir)) {
      const scenario = entry.name.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
      const checks = JSON.parse(await Deno.readTextFile(join(outDir, entry.name, "checks.json")));
      results.set(scenario, checks);
    }
    assert.ok(results.size > 0, `the suite produced no results:\n${log}`);
    return results;
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}

backendTest("MCP conformance suite: applicable scenarios pass", async (t, backend) => {
  const services = await testServices(backend);
  const actor = await registerUser(backend.domain, "conformance");
  await createCampaign(backend.domain, actor, await connectAccount(backend.domain, actor));
  const served = serveMcp(services, { testOnlyUnauthenticatedActor: actor });
  try {
    const results = await runSuite(served.url);

    await t.step("every scenario is classified", () => {
      const known = new Set([...PASS, ...Object.keys(NOT_APPLICABLE)]);
      assert.deepEqual([...results.keys()].filter((name) => !known.has(name)), []);
      assert.deepEqual([...known].filter((name) => !results.has(name)), []);
    });

    for (const scenario of PASS) {
      await t.step(`pass: ${scenario}`, () => {
        const checks = results.get(scenario) ?? [];
        const successes = checks.filter((check) => check.status === "SUCCESS");
        assert.ok(successes.length > 0, JSON.stringify(checks));
        const others = checks.filter((check) => !["SUCCESS", "INFO"].includes(check.status));
        assert.deepEqual(others, []);
      });
    }

    for (const [scenario, { reason, failure }] of Object.entries(NOT_APPLICABLE)) {
      await t.step(`not applicable: ${scenario}`, () => {
        const checks = results.get(scenario) ?? [];
        const failures = checks.filter((check) => check.status === "FAILURE");
        const context = `${reason}\n${JSON.stringify(checks)}`;
        assert.ok(!checks.some((check) => check.status === "SUCCESS"), context);
        if (failure === null) {
          assert.deepEqual(failures, [], context);
          assert.ok(checks.some((check) => check.status === "WARNING"), context);
        } else {
          assert.ok(failures.length > 0, context);
          for (const check of failures) assert.match(check.errorMessage ?? "", failure, context);
        }
      });
    }
  } finally {
    await served.close();
  }
});
