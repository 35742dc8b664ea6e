import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { Alert } from "@/domain/alerts/service.ts";
import { formatDate } from "@/pages/format.ts";
import {
  alertStatusView,
  alertTypeLabel,
  severityLabel,
  severityTone,
} from "@/pages/alerts_view.ts";

interface AlertItemProps {
  alert: Alert;
  /** The campaign's or account's name. */
  subject: string;
  /** Leaves out the summary sentence (the dashboard's short list). */
  compact?: boolean;
}

/** One alert as a list row: severity, what, on which campaign, the day, its status; linked. */
export function AlertItem({ alert, subject, compact }: AlertItemProps) {
  const status = alertStatusView(alert.status);
  return (
    <li
      class="flex flex-wrap items-start justify-between gap-3 py-3"
      data-alert-id={alert.id}
      data-alert-status={alert.status}
    >
      <div class="min-w-0">
        <p class="flex flex-wrap items-center gap-2 text-sm">
          <StatusBadge
            status={severityTone(alert.severity)}
            label={severityLabel(alert.severity)}
          />
          <a
            href={`/alerts/${alert.id}`}
            class="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
          >
            {alertTypeLabel(alert.type)} · {subject}
          </a>
        </p>
        {!compact && (
          <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">{alert.finding.summary}</p>
        )}
      </div>
      <div class="flex items-center gap-3 text-sm text-neutral-600 dark:text-neutral-400">
        <span>{formatDate(alert.metricDate)}</span>
        {!compact && <StatusBadge status={status.tone} label={status.label} />}
      </div>
    </li>
  );
}
