/**
 * Dates, times and numbers on the pages follow the signed-in user's language and time-zone
 * settings; a new user starts in the time zone their browser reported.
 */
import assert from "node:assert/strict";
import { PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

/** Intl separates amount and unit with a no-break space; the assertions spell a plain one. */
const plain = (html: string) => html.replaceAll("\u00a0", " ").replaceAll("&nbsp;", " ");

async function connectEuroAccount(client: PageClient): Promise<string> {
  const response = await client.post("/ad-accounts", {
    intent: "connect",
    name: "Berlin Shop",
    currency: "EUR",
    timezone: "Europe/Berlin",
  });
  assert.equal(response.status, 303, response.body);
  const page = await client.follow(response);
  const id = page.body.match(/data-ad-account-id="([0-9a-f-]{36})"/)?.[1];
  assert.ok(id, "the account is listed");
  return id;
}

Deno.test("a German user's pages show German numbers and dates in their time zone", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Erika");
  const saved = await client.post("/settings", {
    intent: "profile",
    displayName: "Erika",
    locale: "de-DE",
    timezone: "Europe/Berlin",
  });
  assert.equal(saved.status, 303, saved.body);
  const adAccountId = await connectEuroAccount(client);
  const created = await client.post("/campaigns/new", {
    name: "Winterschlussverkauf",
    adAccountId,
    objective: "traffic",
    budgetType: "daily",
    budgetAmount: "1234.56",
    startDate: "2027-03-01",
    endDate: "",
    landingUrl: "https://shop.example.de/winter",
    countries: "de",
    ageMin: "18",
    ageMax: "65",
  });
  assert.equal(created.status, 303, created.body);
  const detail = plain((await client.follow(created)).body);
  assert.match(detail, /1\.234,56 €/, "money in the German way");
  assert.match(detail, /1\. März 2027/, "a calendar date in German");
  assert.match(detail, /<body[^>]*data-locale="de-DE"/, "handed on to islands");
  assert.match(detail, /data-time-zone="Europe\/Berlin"/);
  assert.match(detail, /<html lang="en"/, "the text itself stays English");
  assert.doesNotMatch(detail, /\$|1,234\.56/);

  const settings = plain((await client.get("/settings")).body);
  assert.match(settings, /the app's text stays in English/, "the page says what the setting does");
});

Deno.test("an English user in New York sees times in New York time", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app);
  const saved = await client.post("/settings", {
    intent: "profile",
    displayName: "Page Tester",
    locale: "en-US",
    timezone: "America/New_York",
  });
  assert.equal(saved.status, 303, saved.body);
  const created = await client.post("/settings/tokens", { name: "CI" });
  const page = (created.location ? await client.follow(created) : created).body;
  assert.match(page, /\b(EST|EDT)\b/, "a moment named in the reader's zone");
  assert.doesNotMatch(page, /\bUTC\b/);
});

Deno.test("registration keeps the browser's time zone, and only a real one", async (t) => {
  const app = await pagesApp();
  const register = async (timeZone: string) => {
    const client = new PageClient(app);
    const response = await client.post("/register", {
      email: `zone-${crypto.randomUUID()}@example.com`,
      password: "correct horse battery",
      timeZone,
    });
    assert.equal(response.status, 303, response.body);
    const settings = await client.get("/settings");
    return settings.body.match(/name="timezone"[^>]*value="([^"]*)"/)?.[1] ??
      settings.body.match(/value="([^"]*)"[^>]*name="timezone"/)?.[1];
  };
  await t.step("a zone the runtime knows is kept", async () => {
    assert.equal(await register("Asia/Tokyo"), "Asia/Tokyo");
  });
  await t.step("none, or a made-up one, is UTC", async () => {
    assert.equal(await register(""), "UTC");
    assert.equal(await register("Mars/Olympus_Mons"), "UTC");
  });
});
