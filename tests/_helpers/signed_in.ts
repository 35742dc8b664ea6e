/**
 * A signed-in session for tests against a running server: registers a fresh user through the
 * registration form (from the server's own origin, as a browser would) and returns the session
 * cookies it set, to send as a `Cookie` header or to add to a browser context.
 *
 * @module
 */

/** A cookie's name and value. */
export interface SessionCookie {
  name: string;
  value: string;
}

let count = 0;

/** Registers a new user on the server at `baseUrl` and answers its session cookies. */
export async function signUpCookies(baseUrl: string): Promise<SessionCookie[]> {
  const response = await fetch(`${baseUrl}/register`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: baseUrl, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      email: `session-${Date.now()}-${++count}@example.com`,
      password: "session test password",
    }),
  });
  await response.body?.cancel();
  if (response.status !== 303) throw new Error(`registration failed: ${response.status}`);
  return sessionCookiesOf(response);
}

/** Signs in through the login form at `baseUrl` and answers the session cookies. */
export async function signInCookies(
  baseUrl: string,
  email: string,
  password: string,
): Promise<SessionCookie[]> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: baseUrl, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  await response.body?.cancel();
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  return sessionCookiesOf(response);
}

/** The session cookies a response sets (the one-shot flash cookie left out). */
function sessionCookiesOf(response: Response): SessionCookie[] {
  return response.headers.getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .map((pair) => ({
      name: pair.slice(0, pair.indexOf("=")),
      value: pair.slice(pair.indexOf("=") + 1),
    }))
    .filter((cookie) => cookie.name.startsWith("aae_") && cookie.name !== "aae_flash");
}

/** The cookies as a `Cookie` request header. */
export function cookieHeader(cookies: readonly SessionCookie[]): string {
  return cookies.map(({ name, value }) => `${name}=${value}`).join("; ");
}
