/**
 * `deno task credits grant` and `deno task admin promote|demote` as an operator runs them: real
 * subprocesses against an embedded database in a temporary DATA_DIR, checked through the domain.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../db/mod.ts";
import { createDomain } from "../../domain/mod.ts";
import { createMemoryCoordination } from "../../lib/coordination/memory.ts";
import { loadConfig } from "../../lib/config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EMAIL = "Operator.Test@example.com";

/** Runs `deno task <args>` on `dataDir`; answers the exit code and what it printed. */
async function task(dataDir: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    // The embedded database whatever the test's own backend is; empty values count as unset.
    env: { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", LOG_LEVEL: "error" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Opens the domain on `dataDir`'s database for `work`, then closes it (one process at a time). */
async function withDomain<T>(
  dataDir: string,
  work: (domain: ReturnType<typeof createDomain>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir }));
  const coordination = createMemoryCoordination();
  try {
    return await work(createDomain({ db, coordination, passwordIterations: 1_000 }));
  } finally {
    await coordination.close();
    await db.close();
  }
}

Deno.test("deno task credits grant / admin promote: real subprocesses", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-credits-task-" });
  try {
    const { actor } = await withDomain(
      dataDir,
      (domain) =>
        domain.accounts.register({ email: EMAIL, password: "correct horse battery staple" }),
    );

    await t.step("grant: the balance grows, the reason is in the ledger", async () => {
      const result = await task(
        dataDir,
        "credits",
        "grant",
        EMAIL.toLowerCase(),
        "250",
        "Q4",
        "pilot",
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /granted 250 credits to operator\.test@example\.com; balance 350/,
      );
      const [entry] = (await withDomain(dataDir, (domain) => domain.credits.ledger(actor))).items;
      assert.equal(entry.kind, "grant");
      assert.equal(entry.amount, 250);
      assert.equal(entry.description, "Q4 pilot");
    });

    await t.step("an unknown email: a clear error, exit 1, nothing granted", async () => {
      const result = await task(dataDir, "credits", "grant", "nobody@example.com", "5");
      assert.equal(result.code, 1);
      assert.match(result.stderr, /no user has the email nobody@example\.com/);
    });

    await t.step("bad amounts and missing arguments: usage errors, exit 2", async () => {
      for (const amount of ["0", "-5", "2.5", "1e3", "ten"]) {
        const result = await task(dataDir, "credits", "grant", EMAIL, amount);
        assert.equal(result.code, 2, amount);
        assert.match(result.stderr, /amount must be a whole number of credits above 0/, amount);
      }
      const missing = await task(dataDir, "credits", "grant", EMAIL);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /usage: deno task credits grant <email> <amount>/);
      assert.equal(await withDomain(dataDir, (domain) => domain.credits.balance(actor)), 350);
    });

    await t.step("admin promote and demote set the stored role", async () => {
      const promoted = await task(dataDir, "admin", "promote", EMAIL);
      assert.equal(promoted.code, 0, promoted.stderr);
      assert.equal(await withDomain(dataDir, (domain) => domain.admin.isAdmin(actor)), true);
      const demoted = await task(dataDir, "admin", "demote", EMAIL);
      assert.equal(demoted.code, 0, demoted.stderr);
      assert.equal(await withDomain(dataDir, (domain) => domain.admin.isAdmin(actor)), false);
      const unknown = await task(dataDir, "admin", "promote", "nobody@example.com");
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no user has the email/);
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
