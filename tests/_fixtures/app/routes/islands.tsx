import { signal } from "@preact/signals";
import Counter from "../islands/Counter.tsx";
import LazyNote from "../islands/LazyNote.tsx";
import { Panel } from "../islands/nested/Panel.tsx";

export default function IslandsPage() {
  const shared = signal(0);
  const meta = { created: new Date(Date.UTC(2026, 0, 2)), tags: new Set(["a", "b"]) };
  return (
    <div>
      <Counter count={shared} label="first" />
      <Panel title="outer" meta={meta}>
        <p>server text</p>
        <Counter count={shared} label="second" />
      </Panel>
      <LazyNote />
    </div>
  );
}
