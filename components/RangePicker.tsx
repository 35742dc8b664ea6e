import { inputClass } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import {
  formatRange,
  PRESET_LABELS,
  RANGE_PRESETS,
  type ReportRange,
} from "@/domain/report_range.ts";

/** Query parameters that choose a period; the picker replaces them and keeps the others. */
const PERIOD_PARAMS = ["range", "from", "to", "days", "skip"];

interface RangePickerProps {
  /** The page URL: its other query parameters (filters, sort, account) are kept. */
  url: URL;
  range: ReportRange;
  /** The period compared with, named under the range. */
  comparedWith?: { from: string; to: string };
}

/**
 * The reporting period: its dates as a label ("Nov 30 – Dec 6"), a preset menu, and custom
 * from–to dates. Two plain GET forms, so it works without scripts.
 */
export function RangePicker({ url, range, comparedWith }: RangePickerProps) {
  const kept = [...url.searchParams].filter(([name]) => !PERIOD_PARAMS.includes(name));
  const hidden = kept.map(([name, value], index) => (
    <input key={index} type="hidden" name={name} value={value} />
  ));
  const year = range.today.slice(0, 4);
  const label = "text-xs font-medium text-neutral-600 dark:text-neutral-400";
  return (
    <section aria-label="Period" class="flex flex-wrap items-end gap-3" data-range-picker>
      <p class="mr-auto text-sm">
        <span class="font-semibold" data-range-label>{formatRange(range, year)}</span>
        {range.preset !== "custom" && (
          <span class="text-neutral-600 dark:text-neutral-400">
            {` · ${PRESET_LABELS[range.preset]}`}
          </span>
        )}
        {comparedWith && (
          <span class="block text-xs text-neutral-600 dark:text-neutral-400">
            Compared with {formatRange(comparedWith, year)}
          </span>
        )}
      </p>
      <form method="get" action={url.pathname} class="flex flex-wrap items-end gap-2">
        {hidden}
        <label class="flex flex-col gap-1">
          <span class={label}>Period</span>
          <select name="range" class={inputClass()}>
            {RANGE_PRESETS.map((preset) => (
              <option value={preset} selected={preset === range.preset}>
                {PRESET_LABELS[preset]}
              </option>
            ))}
          </select>
        </label>
        <Button variant="secondary">Show</Button>
      </form>
      <form
        method="get"
        action={url.pathname}
        class="flex flex-wrap items-end gap-2"
        data-custom-range
      >
        {hidden}
        <input type="hidden" name="range" value="custom" />
        <label class="flex flex-col gap-1">
          <span class={label}>From</span>
          <input type="date" name="from" value={range.from} required class={inputClass()} />
        </label>
        <label class="flex flex-col gap-1">
          <span class={label}>To</span>
          <input type="date" name="to" value={range.to} required class={inputClass()} />
        </label>
        <Button variant="secondary">Apply dates</Button>
      </form>
    </section>
  );
}
