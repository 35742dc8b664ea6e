import { useEffect, useState } from "preact/hooks";
import { PreviewList } from "@/components/rules/PreviewList.tsx";
import type { PreviewView } from "@/pages/rules_view.ts";

interface RulePreviewProps {
  /** Id of the rule editor's form, whose values are previewed. */
  formId: string;
  /** Where the form's values are posted for a preview (answers a `PreviewView` as JSON). */
  endpoint: string;
  /** A preview the server already rendered (the no-script "Preview matches" button). */
  initial: PreviewView | null;
}

const DEBOUNCE_MS = 400;

/**
 * The editor's live condition preview: while scripts run, every change to the form posts its
 * values to `endpoint` (nothing is saved) and shows which campaigns would match now. Without
 * scripts the form's "Preview matches" button renders the same list on the server.
 */
export default function RulePreview({ formId, endpoint, initial }: RulePreviewProps) {
  const [preview, setPreview] = useState<PreviewView | null>(initial);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) return;
    setLive(true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest = 0;
    const refresh = async () => {
      const ticket = ++latest;
      const body = new FormData(form);
      body.set("intent", "preview");
      try {
        const response = await fetch(endpoint, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { accept: "application/json" },
          redirect: "manual",
        });
        if (!response.ok) return;
        const next = await response.json() as PreviewView;
        if (ticket === latest) setPreview(next);
      } catch {
        // Offline or signed out: the button still previews on the server.
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DEBOUNCE_MS);
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    if (!initial) schedule();
    return () => {
      clearTimeout(timer);
      form.removeEventListener("input", schedule);
      form.removeEventListener("change", schedule);
    };
  }, [formId, endpoint]);

  return (
    <div
      class="rounded-md border border-dashed border-neutral-300 p-3 dark:border-neutral-700"
      aria-live="polite"
      data-rule-preview={live ? "live" : "static"}
    >
      {preview
        ? <PreviewList preview={preview} />
        : (
          <p class="text-sm text-neutral-500 dark:text-neutral-400">
            “Preview matches” shows which campaigns these conditions match right now.
          </p>
        )}
    </div>
  );
}
