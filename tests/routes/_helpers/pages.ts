/**
 * Page tests through the real app handler: an app over services of its own (so tests can seed
 * the demo data into the same database), and a cookie-carrying client that submits forms the
 * way a browser does (same-origin `Origin` header, `application/x-www-form-urlencoded`).
 *
 * @module
 */
import { type TestApp, testApp } from "../../_helpers/app.ts";
import { seedDemo } from "../../../scripts/seed.ts";
import { fakeInfo } from "../../_helpers/fixture_app.ts";

/** The app under test and its services. */
export type PagesApp = TestApp;

/** The origin requests are made to. */
export const ORIGIN = "http://localhost";

/** The app, opened once per test process (see `tests/_helpers/app.ts`). */
export function pagesApp(): Promise<PagesApp> {
  return testApp();
}

/** A response with its body read as text. */
export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
}

/** A browser stand-in: keeps cookies between requests and posts forms from our origin. */
export class PageClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: PagesApp) {}

  /** Sends a request with the stored cookies and stores the ones it sets. */
  async send(path: string, init: RequestInit = {}): Promise<PageResponse> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) {
      headers.set(
        "cookie",
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      );
    }
    const response = await this.app.handler(
      new Request(new URL(path, ORIGIN), { ...init, headers, redirect: "manual" }),
      fakeInfo,
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location: response.headers.get("location"),
    };
  }

  /** GET `path`. */
  get(path: string): Promise<PageResponse> {
    return this.send(path);
  }

  /** POSTs `fields` as a form; `origin: null` leaves the Origin header out. */
  post(
    path: string,
    fields: Record<string, string>,
    { origin = ORIGIN }: { origin?: string | null } = {},
  ): Promise<PageResponse> {
    const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
    if (origin) headers.set("origin", origin);
    return this.send(path, { method: "POST", headers, body: new URLSearchParams(fields) });
  }

  /** Follows a redirect answer with a GET, as a browser would. */
  async follow(response: PageResponse): Promise<PageResponse> {
    if (!response.location) throw new Error(`not a redirect: ${response.status}`);
    return await this.get(response.location);
  }
}

let users = 0;

/** A client signed up (and so signed in) through the registration form as a new user. */
export async function signedUpClient(
  app: PagesApp,
  name = "Page Tester",
): Promise<{ client: PageClient; email: string; password: string }> {
  const client = new PageClient(app);
  const email = `pages-${Date.now()}-${++users}@example.com`;
  const password = "correct horse battery";
  const response = await client.post("/register", { email, password, displayName: name });
  if (response.status !== 303) throw new Error(`registration failed: ${response.body}`);
  return { client, email, password };
}

let demo: Promise<{ email: string; password: string; userId: string }> | undefined;

/** Seeds the demo data set (once) into the app's database. */
export function seededDemo(app: PagesApp) {
  demo ??= seedDemo({
    db: app.services.db,
    coordination: app.services.coordination,
    passwordIterations: app.services.config.PASSWORD_PBKDF2_ITERATIONS,
  });
  return demo;
}

/** A client signed in as the demo user through the login form. */
export async function demoClient(app: PagesApp): Promise<PageClient> {
  const { email, password } = await seededDemo(app);
  const client = new PageClient(app);
  const response = await client.post("/login", { email, password });
  if (response.status !== 303) throw new Error(`demo sign-in failed: ${response.status}`);
  return client;
}

/** The text of the page's error alert and field errors, for assertion messages. */
export function errorsOf(body: string): string[] {
  return [...body.matchAll(/data-field-error="([^"]+)"[^>]*>([^<]*)</g)].map((m) =>
    `${m[1]}: ${m[2]}`
  );
}
