/**
 * The database going away under a running app (MariaDB): the app process reaches MariaDB
 * through a TCP proxy the test cuts (every connection dropped, new ones refused) and restores —
 * the shared server itself is never touched. While it is cut, requests answer 503 `{detail}`
 * with `Retry-After` (not 500, not a hang); once it is back the app's pool reconnects by itself.
 *
 * Runs when DATABASE_URL is set; skipped with a notice otherwise (SQLite is a local file).
 */
import assert from "node:assert/strict";
import {
  type AppProcess,
  callApi as call,
  sharedData,
  startApp,
} from "../agent/_helpers/app_process.ts";
import { startTcpProxy } from "../_helpers/tcp_proxy.ts";

const enabled = Boolean(Deno.env.get("DATABASE_URL"));
if (!enabled) console.log("mysql_outage_test: skipped (needs DATABASE_URL)");

Deno.test({
  name: "[mysql] the database connection cut and restored under a running app",
  ignore: !enabled,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const shared = await sharedData();
    const direct = new URL(shared.env.DATABASE_URL);
    const proxy = startTcpProxy({ hostname: direct.hostname, port: Number(direct.port || 3306) });
    const proxied = new URL(direct);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    let app: AppProcess | undefined;
    try {
      app = await startApp({ ...shared.env, DATABASE_URL: proxied.toString() });
      const base = app.url;
      const registered = await call(base, "POST", "/auth/register", undefined, {
        email: `db-outage-${crypto.randomUUID().slice(0, 8)}@example.test`,
        password: "correct horse battery staple",
      });
      assert.equal(registered.status, 201);
      const token = registered.body.data.access_token as string;
      assert.equal((await call(base, "GET", "/campaigns", token)).status, 200);

      await proxy.cut();

      await t.step("requests answer 503 {detail} with Retry-After", async () => {
        for (
          const [method, path, body] of [
            ["GET", "/campaigns", undefined],
            ["POST", "/conversations", { title: "Lost" }],
            ["GET", "/campaigns", undefined],
          ] as const
        ) {
          const answer = await call(base, method, path, token, body);
          assert.equal(answer.status, 503, `${method} ${path}: ${JSON.stringify(answer.body)}`);
          assert.equal(typeof answer.body.detail, "string");
          assert.ok(Number(answer.headers.get("retry-after")) > 0);
        }
        assert.equal(await fetch(`${base}/readyz`).then((r) => r.status), 503);
      });

      proxy.restore();

      await t.step("the pool reconnects by itself", async () => {
        let status = 0;
        for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
          status = (await call(base, "GET", "/campaigns", token)).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.equal(status, 200);
        const created = await call(base, "POST", "/conversations", token, { title: "Back" });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      });
    } finally {
      await app?.kill("SIGKILL");
      await proxy.close();
      await shared.dispose();
    }
  },
});
