import assert from "node:assert/strict";
import { demoClient, PageClient, type PageResponse, pagesApp } from "./_helpers/pages.ts";

/** The island markers of a page, by island name. */
function islandsOf(body: string): string[] {
  return [...body.matchAll(/<!--frsh:island:\d+:([^:]+):/g)].map((match) => match[1]);
}

/** Gzip size of the module script and every module it loads statically. */
async function javascriptGzip(client: PageClient, page: PageResponse): Promise<number> {
  const IMPORT = /(?:\bfrom|\bimport)\s*"([^"]+)"/g;
  const inline = [...page.body.matchAll(/<script type="module">(.*?)<\/script>/gs)].map((m) =>
    m[1]
  );
  const texts = [...inline];
  const queue = inline.flatMap((code) => [...code.matchAll(IMPORT)].map((m) => m[1]));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const code = (await client.get(url)).body;
    texts.push(code);
    for (const m of code.matchAll(IMPORT)) queue.push(new URL(m[1], `http://x${url}`).pathname);
  }
  const stream = new Blob([texts.join("\n")]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

Deno.test("pages without islands of their own ship only the frame's: balance, badge, bell, assistant button", async () => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const campaign = (await client.get("/campaigns")).body.match(/data-campaign-id="([^"]+)"/)![1];
  const account = (await client.get("/ad-accounts")).body.match(/data-ad-account-id="([^"]+)"/)![1];
  const pages = [
    "/campaigns",
    "/campaigns/new",
    `/campaigns/${campaign}/edit`,
    "/ad-accounts",
    `/ad-accounts/${account}`,
    "/approvals",
    "/changes",
    "/credits",
    "/settings",
    "/settings/tokens",
    "/settings/notifications",
    "/notifications",
  ];
  for (const path of pages) {
    const page = await client.get(path);
    assert.equal(page.status, 200, path);
    // The frame's live approvals badge, credit balance (menu and narrow-screen header), bell and
    // button are the only islands; the chat itself is loaded when the button is used.
    assert.deepEqual(
      islandsOf(page.body),
      [
        "PendingApprovalsBadge",
        "CreditBalance",
        "NotificationBell",
        "CreditBalance",
        "FloatingAssistant",
      ],
      path,
    );
    assert.doesNotMatch(page.body, /AssistantChat|AssistantPanel|ChatChart/, path);
    const gzip = await javascriptGzip(client, page);
    assert.ok(gzip < 15 * 1024, `${path} ships ${gzip} bytes of gzipped JavaScript`);
  }
  const anonymous = new PageClient(app);
  for (const path of ["/login", "/register"]) {
    const { status, body } = await anonymous.get(path);
    assert.equal(status, 200, path);
    // Registration's one line of script reads the browser's time zone into a hidden field.
    const scripts = [...body.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map(([, source]) => source.includes("resolvedOptions().timeZone")),
      path === "/register" ? [true] : [],
      path,
    );
    assert.doesNotMatch(body, /<script[^>]+src=/, path);
  }
});
