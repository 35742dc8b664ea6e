/** Form errors read as sentences, and waits as a person says them. */
import assert from "node:assert/strict";
import { z } from "zod";
import { issueSentence } from "../../../pages/form_messages.ts";
import { formatWait } from "../../../pages/format.ts";

Deno.test("validator output becomes sentences naming the field", () => {
  const schema = z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email(),
    landingUrl: z.url(),
    budgetAmount: z.number().int().positive(),
    ageMin: z.number().int().min(13),
    adAccountId: z.uuid(),
  });
  const result = schema.safeParse({
    name: "",
    email: "nope",
    landingUrl: "not a url",
    budgetAmount: 0,
    ageMin: 3,
    adAccountId: "x",
  });
  const sentences = Object.fromEntries(
    result.error!.issues.map((issue) => [
      String(issue.path[0]),
      issueSentence(String(issue.path[0]), issue.message),
    ]),
  );
  assert.deepEqual(sentences, {
    name: "Enter a name.",
    email: "Enter an email address like name@example.com.",
    landingUrl: "Enter the landing page URL as a full web address, starting with https://.",
    budgetAmount: "Budget must be more than zero.",
    ageMin: "Minimum age must be at least 13.",
    adAccountId: "Choose an ad account.",
  });
});

Deno.test("domain rules in the validator's voice name fields in words", () => {
  assert.equal(
    issueSentence("endDate", "must not be before startDate"),
    "End date must be on or after the start date.",
  );
  assert.equal(
    issueSentence("endDate", "is required for a lifetime budget"),
    "End date is required for a lifetime budget.",
  );
  assert.equal(
    issueSentence("ageMax", "must not be below ageMin"),
    "Maximum age must not be below the minimum age.",
  );
  assert.equal(
    issueSentence("password", "must be at least 8 characters"),
    "Password must be at least 8 characters.",
  );
  assert.equal(
    issueSentence("timezone", "must be an IANA time zone"),
    "Choose a time zone from the list.",
  );
  assert.equal(
    issueSentence("", "An account with this email already exists"),
    "An account with this email already exists.",
  );
  for (const raw of ["Too small", "Invalid input", "expected", ">=", "startDate"]) {
    assert.ok(!issueSentence("endDate", "must not be before startDate").includes(raw));
  }
});

Deno.test("a wait reads as a person says it", () => {
  assert.equal(formatWait(686), "in about 12 minutes");
  assert.equal(formatWait(1), "in 1 second");
  assert.equal(formatWait(40), "in 40 seconds");
  assert.equal(formatWait(61), "in about 2 minutes");
  assert.equal(formatWait(60), "in about a minute");
  assert.equal(formatWait(900), "in about 15 minutes");
  assert.equal(formatWait(3 * 3600), "in about 3 hours");
});
