/**
 * Agent runs driven by the production Gemini model (the real `@google/genai` SDK) against the
 * strict fake Gemini server, through the graph, the checkpoint saver and the approval gate:
 * - a multi-step, tool-using turn with an approval in the middle, resumed by another runtime
 *   with a fresh model (as another process would) — every thought signature and call id goes
 *   back exactly as issued, no placeholder;
 * - Gemini failures end the run with a message the user can act on, an error code, and the
 *   failed call's credit refunded; an empty answer never ends as "Done.".
 * On both backends.
 */
import assert from "node:assert/strict";
import { GeminiModel } from "../../../agent/models/gemini.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { type FakeTurn, startFakeGemini } from "../../_helpers/fake_gemini.ts";
import { connectAccount, registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, waitForRun, waiting } from "./_helpers.ts";

const KEY = "runs-key";

backendTest("Gemini runs: signatures through the graph, honest failures", async (t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain, "gemini-owner");
  const adAccountId = await connectAccount(domain, actor);
  const fake = startFakeGemini({ apiKey: KEY });
  const gemini = () =>
    new GeminiModel({
      apiKey: KEY,
      baseUrl: fake.url,
      model: "gemini-3.8-flash",
      initialBackoffMs: 1,
      random: () => 0,
    });
  try {
    await t.step("multi-step with an approval, resumed elsewhere: signatures intact", async () => {
      const name = `Signed ${crypto.randomUUID().slice(0, 6)}`;
      fake.enqueue(
        {
          thoughts: ["The user wants a campaign; first find the ad account."],
          chunks: [[{ functionCall: { name: "list_ad_accounts" } }]],
        },
        {
          thoughts: ["Now create it in that account."],
          chunks: [["Creating it."], [{
            functionCall: {
              name: "create_campaign",
              args: {
                adAccountId,
                name,
                objective: "traffic",
                budgetType: "daily",
                budgetAmountMinor: 5_000,
              },
            },
          }]],
        },
        { chunks: [["Your campaign ", "is created."]] },
      );
      const first = await openRuntime(backend, gemini());
      const submitted = await first.submit(actor, { content: "Create a $50/day campaign" });
      const held = await waitForRun(first, actor, submitted.runId, waiting);
      await first.drain();

      const second = await openRuntime(backend, gemini());
      await second.confirm(actor, submitted.runId, {
        confirmationId: held.pendingConfirmation!.confirmationId,
        decision: "approve",
      });
      const view = await waitForRun(second, actor, submitted.runId, finished);
      assert.equal(view.status, "completed", JSON.stringify(view));
      assert.deepEqual(fake.requests.map((request) => request.refused), [
        undefined,
        undefined,
        undefined,
      ]);
      assert.equal(fake.placeholders, 0, "every signature came back, none replaced");
      const issued = [...fake.signatures.entries()];
      assert.equal(issued.length, 2);
      const modelSteps = fake.requests[2].body.contents.filter((content) =>
        content.role === "model"
      );
      assert.deepEqual(
        modelSteps.map((content) => {
          const call = content.parts.find((part) => part.functionCall)!;
          return [(call.functionCall as { id: string }).id, call.thoughtSignature];
        }),
        issued,
      );
      const messages = await domain.conversations.listMessages(actor, submitted.conversationId);
      assert.equal(messages.at(-1)?.content, "Your campaign is created.");
      const created = await domain.campaigns.list(actor, { search: name });
      assert.equal(created.items.length, 1);
      await second.drain();
    });

    const failures: Array<{ turns: FakeTurn[]; code: string; says: RegExp }> = [
      {
        turns: [{ error: 429, quota: "day", retryDelay: "3s" }],
        code: "model_quota_exhausted",
        says: /quota/,
      },
      {
        turns: [{ error: 403, message: "Permission denied" }],
        code: "model_auth",
        says: /GEMINI_API_KEY/,
      },
      {
        turns: [{ chunks: [[]], finishReason: "SAFETY" }],
        code: "model_safety_block",
        says: /safety/,
      },
      {
        turns: [{ chunks: [[]], finishReason: "STOP" }, { chunks: [[]], finishReason: "STOP" }],
        code: "model_bad_response",
        says: /empty answer/,
      },
    ];
    for (const failure of failures) {
      await t.step(`${failure.code}: said in the chat, credit refunded`, async () => {
        fake.enqueue(...failure.turns);
        const runtime = await openRuntime(backend, gemini());
        const before = await domain.credits.balance(actor);
        const submitted = await runtime.submit(actor, { content: "How are my campaigns?" });
        const view = await waitForRun(runtime, actor, submitted.runId, finished);
        assert.equal(view.status, "failed");
        assert.equal(view.errorCode, failure.code);
        const messages = await domain.conversations.listMessages(actor, submitted.conversationId);
        assert.equal(messages.length, 2);
        const answer = messages[1];
        assert.equal(answer.role, "assistant");
        assert.match(answer.content, failure.says);
        assert.notEqual(answer.content, "Done.");
        assert.equal(answer.metadata.error_code, failure.code);
        assert.equal(await domain.credits.balance(actor), before, "the failed call is refunded");
        assert.equal(fake.pending(), 0);
        await runtime.drain();
      });
    }
  } finally {
    await fake.close();
  }
});
