/**
 * Validation messages as sentences a person reads on a form ("Enter a name.", "End date must be
 * on or after the start date."), made from the domain's issues, which speak to API clients in
 * the validator's terms ("Too small: expected string to have >=1 characters", "must not be
 * before startDate"). The rules stay in the domain; this only rewords what it found.
 *
 * @module
 */

/** What a form field is called in a sentence, by field name (lower case, as mid-sentence). */
const FIELD_LABELS: Record<string, string> = {
  name: "name",
  email: "email address",
  password: "password",
  currentPassword: "current password",
  newPassword: "new password",
  displayName: "display name",
  locale: "language",
  timezone: "time zone",
  currency: "currency",
  adAccountId: "ad account",
  objective: "objective",
  budgetType: "budget type",
  budgetAmount: "budget",
  startDate: "start date",
  endDate: "end date",
  landingUrl: "landing page URL",
  countries: "countries",
  ageMin: "minimum age",
  ageMax: "maximum age",
  expiresAt: "expiry",
  expiresInDays: "expiry",
};

/** Field names as they appear inside domain messages ("must not be below ageMin"). */
const MENTIONED_FIELDS = /\b(startDate|endDate|ageMin|ageMax|budgetAmountMinor)\b/g;

/** A field's label in a sentence: the known one, or its name split into words. */
export function fieldLabel(field: string): string {
  if (field === "budgetAmountMinor") return FIELD_LABELS.budgetAmount;
  return FIELD_LABELS[field] ??
    field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[._]/g, " ").toLowerCase();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const capitalized = capitalize(text.trim());
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}

/** "a name", "an email address": what to ask a person to enter. */
function withArticle(label: string): string {
  if (/s$/.test(label) && label !== "email address") return label;
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

type Rewrite = [RegExp, (label: string, match: RegExpMatchArray) => string];

/** Validator wordings and the sentences that replace them, most specific first. */
const REWRITES: Rewrite[] = [
  [
    /^Too small: expected string to have >=1 characters?$/,
    (label) => `Enter ${withArticle(label)}`,
  ],
  [/^Invalid input: expected \w+, received undefined$/, (label) => `Enter ${withArticle(label)}`],
  [
    /^Too small: expected string to have >=(\d+) characters$/,
    (label, m) => `${capitalize(label)} must be at least ${m[1]} characters long`,
  ],
  [
    /^Too big: expected string to have <=(\d+) characters$/,
    (label, m) => `${capitalize(label)} must be at most ${m[1]} characters long`,
  ],
  [/^Too small: expected array to have >=(\d+) items?$/, (label) => `Enter ${withArticle(label)}`],
  [
    /^Too big: expected array to have <=(\d+) items$/,
    (label, m) => `Enter at most ${m[1]} ${label}`,
  ],
  [
    /^Too small: expected number to be >0$/,
    (label) => `${capitalize(label)} must be more than zero`,
  ],
  [
    /^Too small: expected number to be >=(\d+)$/,
    (label, m) => `${capitalize(label)} must be at least ${m[1]}`,
  ],
  [
    /^Too big: expected number to be <=(\d+)$/,
    (label, m) => `${capitalize(label)} must be at most ${Number(m[1]).toLocaleString("en-US")}`,
  ],
  [/^Invalid email address$/, () => "Enter an email address like name@example.com"],
  [/^Invalid URL$/, (label) => `Enter the ${label} as a full web address, starting with https://`],
  [/^Invalid (UUID|option).*$/, (label) => `Choose ${withArticle(label)}`],
  [/^Invalid input.*$/, (label) => `Check the ${label}`],
  [/^must not be before startDate$/, () => "End date must be on or after the start date"],
  [/^must not be below ageMin$/, () => "Maximum age must not be below the minimum age"],
  [/^must be an IANA time zone$/, () => "Choose a time zone from the list"],
  [/^must be a BCP 47 language tag$/, () => "Choose a language from the list"],
  [/^must be an ISO country code$/, () => "Enter countries as two-letter codes, such as US or DE"],
  [/^must be a whole number.*$/, (label) => `Enter the ${label} as a whole number`],
];

/**
 * The sentence a form shows for a domain issue on `field` (a form field name). Messages the
 * domain already words for people (they start with a capital) pass through as sentences.
 */
export function issueSentence(field: string, message: string): string {
  const label = fieldLabel(field || "value");
  for (const [pattern, rewrite] of REWRITES) {
    const match = message.match(pattern);
    if (match) return sentence(rewrite(label, match));
  }
  if (/^(must|is|are|should|cannot|can't) /.test(message)) {
    // A domain rule in the validator's voice: name the field, and its mentions, in words.
    const reworded = message.replace(MENTIONED_FIELDS, (name) => `the ${fieldLabel(name)}`);
    return sentence(`${capitalize(label)} ${reworded}`);
  }
  return sentence(message);
}
