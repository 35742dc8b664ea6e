/**
 * Two real app processes (`main.ts`) on one MariaDB/MySQL + Redis, with the real runner driven
 * by a scripted model (test hooks):
 *
 * - a client on instance B sees, live, a run submitted on instance A (Redis pub/sub fan-out);
 * - the instance running a run is SIGKILLed mid-run and a fresh process started: the client
 *   reconnects to it, resumes, and ends with exactly the stored sequence while another instance
 *   takes the run over and finishes it;
 * - SIGTERM (a deploy) closes sockets with 1001 and the client resumes on another instance.
 *
 * Needs DATABASE_URL and REDIS_URL (skipped with a notice otherwise: the embedded default has
 * in-process pub/sub, which processes cannot share).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ChatClient } from "../../../api/chat/client.ts";
import { CHAT_PATH, type EventMessage } from "../../../api/chat/protocol.ts";
import {
  api,
  type AppProcess,
  sharedData,
  startApp,
  tokenFor,
} from "../../agent/_helpers/app_process.ts";
import { eventually } from "./_helpers/chat_server.ts";

const shared = Deno.env.get("DATABASE_URL") && Deno.env.get("REDIS_URL");
if (!shared) {
  console.log(
    "chat two_instances_test: skipped (set DATABASE_URL and REDIS_URL; the embedded default " +
      "has in-process pub/sub)",
  );
}

/** Tool-calling turns, so a run takes a while and emits many events. */
function longScript(turns: number) {
  return {
    turns: [
      ...Array.from({ length: turns }, (_, i) => ({
        content: `Looking again, pass ${i + 1}. `,
        toolCalls: [{ name: "list_ad_accounts" }],
      })),
      { content: "All done: one sandbox account, nothing unusual." },
    ],
  };
}

const wsUrl = (app: AppProcess) => `${app.url.replace("http", "ws")}${CHAT_PATH}`;
const completed = (events: EventMessage[]) =>
  events.some((event) => event.type === "run" && event.metadata.status === "completed");

Deno.test({
  name: "[mysql+redis] chat across two app processes and restarts",
  ignore: !shared,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const data = await sharedData();
    const script = join(data.env.DATA_DIR, "script.json");
    await Deno.writeTextFile(script, JSON.stringify(longScript(8)));
    const env = {
      ...data.env,
      AAE_TEST_MODEL_SCRIPT: script,
      AGENT_LEASE_TTL_MS: "1500",
      AGENT_RECOVERY_INTERVAL_MS: "200",
    };
    const apps: AppProcess[] = [];
    const clients: ChatClient[] = [];
    const start = async (extra: Record<string, string> = {}) => {
      const app = await startApp({ ...env, ...extra });
      apps.push(app);
      return app;
    };
    try {
      const [a, b] = await Promise.all([start(), start()]);
      const { domain } = data.open();
      const { actor } = await domain.accounts.register({
        email: `chat-two-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      await domain.adAccounts.connectSandbox(actor, { name: "Sandbox" });
      const token = await tokenFor(domain, actor);
      const stored = async (conversationId: string) =>
        JSON.parse(JSON.stringify(await domain.conversationEvents.after(actor, conversationId, 0)));
      const client = (url: () => string) => {
        const chat = new ChatClient({ url, token, initialBackoffMs: 50, maxBackoffMs: 400 });
        clients.push(chat);
        return chat;
      };

      await t.step("a client on B sees a run submitted on A, live", async () => {
        const conversation = await domain.conversations.create(actor);
        const onB = client(() => wsUrl(b));
        const seen: EventMessage[] = [];
        const arrivals: number[] = [];
        onB.onEvent((event) => {
          seen.push(event);
          arrivals.push(Date.now());
        });
        await onB.resume(conversation.id, 0);
        const posted = await api(
          a.url,
          token,
          "POST",
          `/conversations/${conversation.id}/messages`,
          {
            content: "How are my accounts?",
          },
        );
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
        await eventually(() => completed(seen), 30_000, "completion seen on B");
        const events = await stored(conversation.id);
        assert.deepEqual(seen, events);
        assert.ok(events.length > 10, `${events.length} events`);
        // Live: B had the first event before the run's last event was even written.
        const last = events.at(-1);
        assert.ok(arrivals[0] < Date.parse(last.created_at), "first event arrived before the end");
      });

      await t.step("SIGKILL mid-run, restart: resume loses nothing, the run finishes", async () => {
        // A and B would race the doomed instance for the queued run (their recovery loops poll
        // every 200 ms) and run it without the pause hook, so they leave first.
        for (const chat of clients.splice(0)) chat.close();
        await Promise.all([a.kill("SIGKILL"), b.kill("SIGKILL")]);
        const doomed = await start({ AAE_TEST_PAUSE_AT: "before_tool_call:list_ad_accounts" });
        let target = doomed;
        const chat = client(() => wsUrl(target));
        const seen: EventMessage[] = [];
        chat.onEvent((event) => seen.push(event));
        const ack = await chat.sendUser("How are my accounts today?");
        const conversationId = String(ack.metadata.conversation_id);
        await doomed.waitFor("AAE_TEST_PAUSED");
        await eventually(() => seen.length >= 3, 10_000, "the first events");
        await doomed.kill("SIGKILL");
        const restarted = await start();
        target = restarted;
        await eventually(() => completed(seen), 40_000, "completion after the restart");
        assert.deepEqual(seen, await stored(conversationId));
        assert.ok(chat.stats.connections >= 2, "the client reconnected");
        assert.equal(chat.stats.duplicates + chat.stats.gaps, 0);
      });

      await t.step("SIGTERM closes sockets with 1001; the client resumes elsewhere", async () => {
        const [leaving, successor] = await Promise.all([start(), start()]);
        let target = leaving;
        const chat = client(() => wsUrl(target));
        const seen: EventMessage[] = [];
        chat.onEvent((event) => seen.push(event));
        const ack = await chat.sendUser("Check my accounts once more");
        const conversationId = String(ack.metadata.conversation_id);
        await eventually(() => seen.length >= 3, 10_000, "the first events");
        target = successor;
        await leaving.kill("SIGTERM");
        await eventually(() => completed(seen), 40_000, "completion after the deploy");
        assert.deepEqual(seen, await stored(conversationId));
        assert.ok(chat.stats.connections >= 2);
        assert.equal(chat.lastCloseCode, 1001);
      });
    } finally {
      for (const chat of clients) chat.close();
      await Promise.all(apps.map((app) => app.kill("SIGKILL")));
      await data.dispose();
    }
  },
});
