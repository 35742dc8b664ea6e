/**
 * Crash test: the real app as a child process, driven by a scripted model that creates a
 * campaign, SIGKILLed at every interesting point of one run and restarted on the same data each
 * time — before the (held) tool call, while waiting for approval, before the approved call,
 * after the approved call's platform call but before its database transaction, inside that
 * transaction before it commits, after the call returned but before its checkpoint, and after
 * the final message was stored but before the run was closed. An effect killed before its
 * commit leaves no campaign row, and the restarted run takes its idempotency claim over instead
 * of stopping. The run must complete with exactly one campaign, one charge per model call, and
 * one final assistant message.
 *
 * The run has three model steps (read the accounts, create the campaign, answer), the approval in
 * the middle. Twice: with the test-only scripted model, and with the production Gemini model (the
 * real `@google/genai` SDK, default model) talking to the strict fake Gemini server, which checks
 * that every thought signature it issued comes back unchanged after the restarts. Runs on the embedded default
 * (SQLite + in-process coordination), and on MariaDB + Redis when DATABASE_URL / REDIS_URL are
 * set.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { api, type AppProcess, sharedData, startApp, tokenFor } from "../_helpers/app_process.ts";
import { type FakeGemini, startFakeGemini } from "../../_helpers/fake_gemini.ts";
import { emptyView, foldEvents } from "../../../pages/chat_view.ts";

const LEASE_TTL_MS = 2_000;

const backend = `${Deno.env.get("DATABASE_URL") ? "mysql" : "sqlite"}+${
  Deno.env.get("REDIS_URL") ? "redis" : "memory"
}`;

/** The campaign the model creates, for the scripted and the fake Gemini model alike. */
interface Plan {
  adAccountId: string;
  name: string;
}

for (const modelKind of ["scripted", "gemini"] as const) {
  Deno.test({
    name: `[${backend}] crash test (${modelKind} model): SIGKILL at every point, exactly once`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: (t) => crashChain(t, modelKind),
  });
}

async function crashChain(t: Deno.TestContext, modelKind: "scripted" | "gemini") {
  {
    const shared = await sharedData();
    const script = join(shared.env.DATA_DIR, "script.json");
    await Deno.writeTextFile(script, JSON.stringify({ turns: [] }));
    let gemini: FakeGemini | undefined;
    const modelEnv: Record<string, string> = {};
    if (modelKind === "gemini") {
      gemini = startFakeGemini({ apiKey: "fake-key" });
      modelEnv.GEMINI_API_KEY = "fake-key";
      modelEnv.GEMINI_BASE_URL = gemini.url;
    } else {
      modelEnv.AAE_TEST_MODEL_SCRIPT = script;
    }
    const env = {
      ...shared.env,
      ...modelEnv,
      AGENT_LEASE_TTL_MS: String(LEASE_TTL_MS),
      AGENT_RECOVERY_INTERVAL_MS: "200",
    };
    const start = (pauseAt = "") => startApp({ ...env, AAE_TEST_PAUSE_AT: pauseAt });
    let app: AppProcess | undefined = await start("before_tool_call:create_campaign");
    try {
      const { db, domain } = shared.open();
      const { actor } = await domain.accounts.register({
        email: `crash-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      const account = await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
      const conversation = await domain.conversations.create(actor, { title: "Crash" });
      const name = `Crash proof ${crypto.randomUUID().slice(0, 6)}`;
      await scriptModel({ adAccountId: account.id, name }, script, gemini);
      const token = await tokenFor(domain, actor);
      const balanceBefore = await domain.credits.balance(actor);
      const posted = await api(
        app.url,
        token,
        "POST",
        `/conversations/${conversation.id}/messages`,
        {
          content: "Create a $50/day traffic campaign",
          client_message_id: "crash-1",
        },
      );
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      const runId = (posted.body.data as { run_id: string }).run_id;
      const run = () =>
        db.kysely.selectFrom("agent_runs").selectAll().where("id", "=", runId)
          .executeTakeFirstOrThrow();
      const waitStatus = async (status: string) => {
        const deadline = Date.now() + 20_000;
        while ((await run()).status !== status) {
          if (Date.now() > deadline) {
            throw new Error(`run is ${(await run()).status}, not ${status}:\n${app?.output()}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const campaigns = async () =>
        (await db.kysely.selectFrom("campaigns").select("id").where("user_id", "=", actor.userId)
          .where("name", "=", name).execute()).length;
      const restart = async (pauseAt = "") => {
        await app!.kill("SIGKILL");
        app = await start(pauseAt);
      };

      await t.step(
        "killed before the held tool call: restarts into the approval wait",
        async () => {
          await app!.waitFor("AAE_TEST_PAUSED before_tool_call:create_campaign");
          await restart();
          await waitStatus("waiting_confirmation");
          assert.equal(await campaigns(), 0);
        },
      );

      await t.step("killed while waiting: the wait survives; approval resumes it", async () => {
        await restart("before_approved_call:create_campaign");
        assert.equal((await run()).status, "waiting_confirmation");
        const view = await api(app!.url, token, "GET", `/runs/${runId}`);
        const pending = (view.body.data as { pending_confirmation: { confirmation_id: string } })
          .pending_confirmation;
        const confirmed = await api(app!.url, token, "POST", `/runs/${runId}/confirm`, {
          confirmation_id: pending.confirmation_id,
          decision: "approve",
        });
        assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
        await app!.waitFor("AAE_TEST_PAUSED before_approved_call:create_campaign");
        assert.equal(await campaigns(), 0);
      });

      await t.step(
        "killed after the platform call, then inside the effect's transaction",
        async () => {
          await restart("after_platform_call:create_campaign");
          await app!.waitFor("AAE_TEST_PAUSED after_platform_call:create_campaign");
          assert.equal(await campaigns(), 0, "the platform call alone writes nothing");
          await restart("before_effect_commit:create_campaign");
          await app!.waitFor("AAE_TEST_PAUSED before_effect_commit:create_campaign");
          assert.equal(await campaigns(), 0, "written but not committed");
        },
      );

      await t.step("killed after the approved call's effect committed", async () => {
        // The claim left in progress by the kill above is taken over: no "outcome unknown".
        await restart("after_approved_call:create_campaign");
        await app!.waitFor("AAE_TEST_PAUSED after_approved_call:create_campaign");
        assert.equal(await campaigns(), 1, "the effect happened");
        await restart("after_final_event");
        await app!.waitFor("AAE_TEST_PAUSED after_final_event");
        assert.equal(await campaigns(), 1, "replayed, not applied again");
      });

      await t.step("killed between the run's final status and its event", async () => {
        await restart("before_status_event:completed");
        await app!.waitFor("AAE_TEST_PAUSED before_status_event:completed");
      });

      await t.step("killed after the final message: the run completes, all once", async () => {
        await restart();
        await waitStatus("completed");
        assert.equal(await campaigns(), 1);
        const messages = await db.kysely.selectFrom("messages").select(["role", "content"])
          .where("conversation_id", "=", conversation.id).orderBy("seq").execute();
        assert.deepEqual(messages.map((m) => m.role), ["user", "assistant"]);
        assert.equal(messages[1].content, "Your campaign is created as a draft.");
        const charges = await db.kysely.selectFrom("credit_ledger")
          .select(["idempotency_key", "amount"]).where("user_id", "=", actor.userId)
          .where("kind", "=", "charge").execute();
        assert.deepEqual(charges.map((c) => c.idempotency_key).sort(), [
          `run:${runId}:model:0`,
          `run:${runId}:model:1`,
          `run:${runId}:model:2`,
        ]);
        assert.equal(await domain.credits.balance(actor), balanceBefore - 3);
        const steps = await db.kysely.selectFrom("agent_steps")
          .select(["kind", "status", "attempt", "idempotency_key"])
          .where("run_id", "=", runId).orderBy("seq").execute();
        assert.ok(steps.every((s) => s.status === "succeeded"), JSON.stringify(steps));
        // Every event of the run reached the log once: the answer and the run's terminal status,
        // and a client folding the log shows the answer once.
        const events = await domain.conversationEvents.after(actor, conversation.id, 0);
        const ofRun = events.filter((event) => event.metadata.run_id === runId);
        const statuses = ofRun.filter((event) => event.type === "run").map((e) => e.content);
        assert.equal(statuses.filter((status) => status === "completed").length, 1, `${statuses}`);
        assert.equal(statuses.at(-1), "completed");
        const finals = ofRun.filter((event) => event.metadata.final === true);
        assert.deepEqual(finals.map((event) => event.content), [
          "Your campaign is created as a draft.",
        ]);
        const answers = foldEvents(emptyView(), events).items
          .filter((item) => item.kind === "assistant" && item.text.includes("campaign is created"));
        assert.deepEqual(answers.map((item) => item.kind === "assistant" && item.text), [
          "Your campaign is created as a draft.",
        ]);
        assert.ok(Number((await run()).lease_epoch) >= 5, "each restart took over the lease");
        if (gemini) {
          // One request per model turn despite five crashes; the last carries the results.
          assert.deepEqual(gemini.requests.map((request) => request.refused), [
            undefined,
            undefined,
            undefined,
          ]);
          const sent = JSON.stringify(gemini.requests[2].body.contents);
          assert.match(sent, /functionResponse/);
          assert.match(sent, new RegExp(name));
          // Both steps' thought signatures came back exactly as issued, across the restarts.
          assert.equal(gemini.placeholders, 0);
          const returned = gemini.requests[2].body.contents.filter((c) => c.role === "model")
            .map((content) => {
              const call = content.parts.find((part) => part.functionCall)!;
              return [(call.functionCall as { id: string }).id, call.thoughtSignature];
            });
          assert.deepEqual(returned, [...gemini.signatures.entries()]);
          assert.equal(returned.length, 2);
        }
      });
    } finally {
      await app?.kill("SIGKILL");
      await gemini?.close();
      await shared.dispose();
    }
  }
}

const ARGS = (plan: Plan) => ({
  adAccountId: plan.adAccountId,
  name: plan.name,
  objective: "traffic",
  budgetType: "daily",
  budgetAmountMinor: 5_000,
});

/** The same three turns for either model: look up accounts, create the campaign, say so. */
async function scriptModel(plan: Plan, script: string, gemini?: FakeGemini): Promise<void> {
  if (gemini) {
    gemini.enqueue(
      {
        thoughts: ["Check the ad accounts first."],
        chunks: [[{ functionCall: { name: "list_ad_accounts" } }]],
        usage: { promptTokenCount: 40, candidatesTokenCount: 5 },
      },
      {
        thoughts: ["Create the campaign in the sandbox account."],
        chunks: [["Let me create that."], [{
          functionCall: { name: "create_campaign", args: ARGS(plan) },
        }]],
        usage: { promptTokenCount: 50, candidatesTokenCount: 10 },
      },
      {
        chunks: [["Your campaign is created ", "as a draft."]],
        usage: { promptTokenCount: 80, candidatesTokenCount: 8 },
      },
    );
    return;
  }
  await Deno.writeTextFile(
    script,
    JSON.stringify({
      turns: [
        { toolCalls: [{ name: "list_ad_accounts" }] },
        {
          content: "Let me create that.",
          toolCalls: [{ name: "create_campaign", args: ARGS(plan) }],
        },
        { content: "Your campaign is created as a draft." },
      ],
    }),
  );
}
