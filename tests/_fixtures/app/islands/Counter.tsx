import type { Signal } from "@preact/signals";

interface CounterProps {
  count: Signal<number>;
  label: string;
}

export default function Counter({ count, label }: CounterProps) {
  return (
    <button type="button" data-counter={label} onClick={() => count.value++}>
      {label}: {count}
    </button>
  );
}
