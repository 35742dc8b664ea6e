import assert from "node:assert/strict";
import { ORIGIN, type PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

/** Creates a conversation through the REST API with the client's session cookies. */
async function createConversation(client: PageClient, title: string): Promise<string> {
  const response = await client.send("/api/v1/conversations", {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  assert.equal(response.status, 201, response.body);
  return (JSON.parse(response.body) as { data: { id: string } }).data.id;
}

Deno.test("full-page assistant", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Chat Tester");

  await t.step("an empty list, New conversation and the chat island", async () => {
    const { status, body } = await client.get("/assistant");
    assert.equal(status, 200);
    assert.match(body, /<h1[^>]*>Assistant<\/h1>/);
    assert.match(body, /No conversations yet/);
    assert.match(body, /<a href="\/assistant"[^>]*data-new-conversation/);
    assert.match(body, /<!--frsh:island:\d+:AssistantChat:default:/);
    // The page is the chat already: no floating button on it.
    assert.doesNotMatch(body, /FloatingAssistant/);
  });

  const older = await createConversation(client, "Budget questions");
  const newer = await createConversation(client, "Spring <sale> plans");

  await t.step("conversations are listed most recent first, the open one marked", async () => {
    const { status, body } = await client.get(`/assistant/${older}`);
    assert.equal(status, 200);
    assert.match(body, /<title>Budget questions · AAE<\/title>/);
    const links = [...body.matchAll(/href="\/assistant\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    assert.deepEqual(links, [newer, older]);
    assert.match(body, new RegExp(`href="/assistant/${older}" aria-current="page"`));
    assert.match(body, /Spring &lt;sale(&gt;|>) plans/, "titles are escaped");
    assert.match(body, new RegExp(`"${older}"`), "the island gets the conversation id");
  });

  await t.step("someone else's or a made-up conversation is not found", async () => {
    const { client: stranger } = await signedUpClient(app, "Stranger");
    assert.equal((await stranger.get(`/assistant/${older}`)).status, 404);
    assert.equal((await client.get("/assistant/not-a-conversation")).status, 404);
  });

  await t.step("rename with the list's plain form; an empty title is refused", async () => {
    const { body } = await client.get(`/assistant/${older}`);
    assert.match(body, new RegExp(`<form method="post" action="/assistant/${older}/rename"`));
    assert.match(body, /aria-label="Rename or delete “Budget questions”"/);
    const renamed = await client.post(`/assistant/${older}/rename`, { title: "Q4 budgets" });
    assert.equal(renamed.status, 303);
    assert.equal(renamed.location, `/assistant/${older}`);
    const page = await client.follow(renamed);
    assert.match(page.body, /Renamed to “Q4 budgets”/);
    assert.match(page.body, /<title>Q4 budgets · AAE<\/title>/);
    const empty = await client.follow(
      await client.post(`/assistant/${older}/rename`, { title: " " }),
    );
    assert.match(empty.body, /Enter a title of at most 200 characters/);
    const { client: stranger } = await signedUpClient(app, "Renamer");
    assert.equal((await stranger.post(`/assistant/${older}/rename`, { title: "x" })).status, 404);
  });

  await t.step("delete asks for confirmation, then deletes (no script needed)", async () => {
    const confirm = await client.get(`/assistant/${newer}/delete`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.body, /Delete <strong>“Spring &lt;sale(&gt;|>) plans”<\/strong>/);
    assert.match(confirm.body, /<form method="post"/);
    assert.equal((await client.get(`/assistant/${newer}`)).status, 200, "nothing deleted yet");
    const deleted = await client.post(`/assistant/${newer}/delete`, {});
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, "/assistant");
    const list = await client.follow(deleted);
    assert.match(list.body, /Deleted “Spring &lt;sale(&gt;|>) plans”/);
    assert.doesNotMatch(list.body, new RegExp(newer));
    assert.equal((await client.get(`/assistant/${newer}`)).status, 404);
    const crossSite = await client.post(`/assistant/${older}/delete`, {}, {
      origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
  });

  await t.step(
    "without JavaScript: a plain form posts a message, 303 to the conversation",
    async () => {
      const { body } = await client.get("/assistant");
      assert.match(body, /<noscript>[\s\S]*<form method="post" action="\/assistant"/);
      const sent = await client.post("/assistant", { content: "show my campaigns" });
      assert.equal(sent.status, 303);
      assert.match(sent.location ?? "", /^\/assistant\/[0-9a-f-]{36}$/);
      const page = await client.follow(sent);
      assert.match(page.body, /answer appears when you reload/);
      assert.match(page.body, /data-chat-item="user"[\s\S]*show my campaigns/);
      assert.match(page.body, new RegExp(`action="${sent.location}"`));
    },
  );

  await t.step("a blank message or a stranger's conversation is refused", async () => {
    const blank = await client.post(`/assistant/${older}`, { content: "  " });
    assert.equal(blank.status, 303);
    assert.match((await client.follow(blank)).body, /Enter a message\./);
    const { client: stranger } = await signedUpClient(app, "Poster");
    const foreign = await stranger.post(`/assistant/${older}`, { content: "hello" });
    assert.equal(foreign.status, 404);
    assert.equal(
      (await client.post(`/assistant/${older}`, { content: "x" }, { origin: null }))
        .status,
      403,
    );
  });

  await t.step(
    "other app pages carry the floating assistant, linking to the full page",
    async () => {
      const { body } = await client.get("/dashboard");
      assert.match(body, /<!--frsh:island:\d+:FloatingAssistant:default:/);
      assert.match(body, /<a href="\/assistant"[^>]*aria-label="Open the assistant"/);
    },
  );
});
