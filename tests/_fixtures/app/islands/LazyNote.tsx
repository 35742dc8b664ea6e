import { useState } from "preact/hooks";

/** A button that loads its text with a dynamic `import()` when clicked. */
export default function LazyNote() {
  const [note, setNote] = useState("not loaded");
  const load = async () => setNote((await import("../lib/note.ts")).NOTE);
  return <button type="button" data-lazy-note onClick={load}>{note}</button>;
}
