import assert from "node:assert/strict";
import { rotateCredentials, sealTokens } from "../../../domain/connections/credentials.ts";
import {
  createCredentialCipher,
  CredentialDecryptionError,
  generateCredentialKey,
  parseCredentialKey,
} from "../../../domain/platforms/credential_cipher.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";

Deno.test("credentials: AES-256-GCM round trip, key id in the value, tampering refused", async () => {
  const key = parseCredentialKey(generateCredentialKey("2026-12"));
  const cipher = await createCredentialCipher(key);
  const sealed = await cipher.encrypt("secret token");
  assert.match(sealed, /^v1\.2026-12\.[\w-]+\.[\w-]+$/);
  assert.equal(cipher.keyIdOf(sealed), "2026-12");
  assert.equal(await cipher.decrypt(sealed), "secret token");
  assert.notEqual(await cipher.encrypt("secret token"), sealed); // a fresh IV each time
  const parts = sealed.split(".");
  const flipped = parts[3][0] === "A" ? "B" : "A";
  await assert.rejects(
    () => cipher.decrypt([...parts.slice(0, 3), flipped + parts[3].slice(1)].join(".")),
    CredentialDecryptionError,
  );
  // Claiming another key id fails too (the id is authenticated data).
  const other = await createCredentialCipher(parseCredentialKey(generateCredentialKey("other")), [
    key,
  ]);
  await assert.rejects(
    () => other.decrypt(["v1", "other", parts[2], parts[3]].join(".")),
    CredentialDecryptionError,
  );
  assert.equal(await other.decrypt(sealed), "secret token");
  assert.throws(() => parseCredentialKey("k1:c2hvcnQ="), /32 bytes/);
  assert.throws(() => parseCredentialKey("no key"), /<id>:<base64 key>/);
});

backendTest("credentials rotate re-encrypts every row under the new key", async (_t, backend) => {
  const old = parseCredentialKey(generateCredentialKey("old"));
  const oldCipher = await createCredentialCipher(old);
  const actor = await registerUser(backend.domain);
  const account = await backend.domain.adAccounts.connectSandbox(actor, { name: "A" });
  await backend.db.kysely.updateTable("ad_accounts").set({
    credentials_encrypted: await sealTokens(oldCipher, { accessToken: "tok-1" }),
  }).where("id", "=", account.id).execute();

  const newKey = parseCredentialKey(generateCredentialKey("new"));
  const rotated = await createCredentialCipher(newKey, [old]);
  assert.deepEqual(await rotateCredentials(backend.db, rotated), { reencrypted: 1, unchanged: 0 });
  assert.deepEqual(await rotateCredentials(backend.db, rotated), { reencrypted: 0, unchanged: 1 });
  const row = await backend.db.kysely.selectFrom("ad_accounts").select("credentials_encrypted")
    .where("id", "=", account.id).executeTakeFirstOrThrow();
  assert.equal(rotated.keyIdOf(row.credentials_encrypted!), "new");
  // Readable with the new key alone: the old one can be dropped.
  const newOnly = await createCredentialCipher(newKey);
  assert.deepEqual(JSON.parse(await newOnly.decrypt(row.credentials_encrypted!)), {
    accessToken: "tok-1",
  });
});
