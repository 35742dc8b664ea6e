import type { ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";

interface PanelProps {
  title: string;
  meta: { created: Date; tags: Set<string> };
  children?: ComponentChildren;
}

export function Panel({ title, meta, children }: PanelProps) {
  const open = useSignal(true);
  return (
    <section data-panel={title}>
      <button type="button" data-toggle onClick={() => open.value = !open.value}>
        {open.value ? "hide" : "show"} ({meta.created.getUTCFullYear()}, {[...meta.tags].join("+")})
      </button>
      <div hidden={!open.value}>{children}</div>
    </section>
  );
}
