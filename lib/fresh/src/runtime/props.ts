/**
 * How the page's island props travel. Props that JSON carries exactly (the usual case: strings,
 * numbers, plain objects) go as `{"json": …}`, read with `JSON.parse`; anything else (Dates,
 * Maps, `undefined`, shared references, signals) goes as a devalue document, which is always an
 * array or a number and so never starts with `{`. The browser therefore loads devalue, and the
 * signals library, only for pages that need them.
 *
 * @module
 */

/** Wraps the JSON text of props that JSON carries exactly. */
export function wrapJson(json: string): string {
  return `{"json":${json}}`;
}

/** The props of a document made by `wrapJson`, or undefined for a devalue document. */
export function unwrapJson(text: string): { value: unknown } | undefined {
  return text.startsWith("{") ? { value: (JSON.parse(text) as { json: unknown }).json } : undefined;
}

/** Reads the page's props in the browser, importing devalue and signals only when needed. */
export async function readProps(text: string): Promise<unknown> {
  const plain = unwrapJson(text);
  if (plain) return plain.value;
  const { mayHoldSignal, revive } = await import("./revive.ts");
  const makeSignal = mayHoldSignal(text) ? (await import("@preact/signals")).signal : undefined;
  return revive(text, makeSignal);
}
