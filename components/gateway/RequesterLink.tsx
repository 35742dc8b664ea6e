import type { ChangeActorKind } from "@/pages/gateway_view.ts";
import { sourceHref, sourceLabel } from "@/pages/gateway_view.ts";

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/** Who made or asked for a change, linking to its run (assistant) or token list (API token). */
export function RequesterLink({ kind, id }: { kind: ChangeActorKind; id: string | null }) {
  const href = sourceHref(kind, id);
  const label = sourceLabel(kind, id);
  return href
    ? <a href={href} class={LINK} data-source-link={kind}>{label}</a>
    : <span data-source={kind}>{label}</span>;
}
