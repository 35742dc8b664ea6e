/**
 * Real-browser tests through Debian's Chromium and npm playwright-core. Without a Chromium the
 * tests are skipped with a notice, unless `REQUIRE_BROWSER=1` demands one.
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The Chromium executable to use, or null when none is installed. */
export function findChromium(): string | null {
  const configured = Deno.env.get("CHROMIUM_PATH");
  for (const path of configured ? [configured] : CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Try the next candidate.
    }
  }
  return null;
}

/**
 * The Chromium path for a browser test, or null after printing why the test is skipped (pass
 * `ignore: !path` to `Deno.test`). Throws when `REQUIRE_BROWSER=1` and no browser exists, so CI
 * cannot silently skip it.
 */
export function browserOrSkip(testName: string): string | null {
  const path = findChromium();
  if (path) return path;
  const message = `no Chromium found (set CHROMIUM_PATH or install chromium) for "${testName}"`;
  if (Deno.env.get("REQUIRE_BROWSER") === "1") throw new Error(`REQUIRE_BROWSER=1 but ${message}`);
  console.warn(`SKIPPED: ${message}`);
  return null;
}

/** Launches headless Chromium with flags that keep it offline and quiet. */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  return await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}
