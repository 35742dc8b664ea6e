import { useEffect, useState } from "preact/hooks";

/** A point of the chart below, in its SVG user units, with the text to show. */
export interface HoverPoint {
  x: number;
  y: number;
  label: string;
}

interface ChartHoverProps {
  /** The chart's viewBox size. */
  width: number;
  height: number;
  /** Top and bottom of the plot area. */
  top: number;
  bottom: number;
  points: HoverPoint[];
  /** The chart's colour, for the highlighted point. */
  tone?: "indigo" | "emerald";
}

const RING = {
  indigo: "stroke-indigo-600 dark:stroke-indigo-400",
  emerald: "stroke-emerald-600 dark:stroke-emerald-400",
};

/**
 * A transparent layer over a server-rendered chart that draws a crosshair and the values of the
 * day under the pointer. Before it hydrates it lets pointer events through, so the chart's own
 * `<title>` tooltips keep working without JavaScript.
 */
export default function ChartHover(
  { width, height, top, bottom, points, tone = "indigo" }: ChartHoverProps,
) {
  const [ready, setReady] = useState(false);
  const [active, setActive] = useState<number | null>(null);
  useEffect(() => setReady(true), []);

  const onMove = (event: PointerEvent) => {
    const svg = event.currentTarget as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    if (box.width === 0 || points.length === 0) return;
    const x = ((event.clientX - box.left) / box.width) * width;
    let nearest = 0;
    for (let index = 1; index < points.length; index++) {
      if (Math.abs(points[index].x - x) < Math.abs(points[nearest].x - x)) nearest = index;
    }
    setActive(nearest);
  };

  const point = active === null ? null : points[active];
  const leftPercent = point ? (point.x / width) * 100 : 0;
  return (
    <div
      class={`absolute inset-0 ${ready ? "" : "pointer-events-none"}`}
      aria-hidden="true"
      data-chart-hover
    >
      <svg
        viewBox={`0 0 ${width} ${height}`}
        class="h-full w-full"
        onPointerMove={onMove}
        onPointerLeave={() => setActive(null)}
      >
        {point && (
          <g>
            <line
              x1={point.x}
              x2={point.x}
              y1={top}
              y2={bottom}
              class="stroke-neutral-400 dark:stroke-neutral-500"
              stroke-dasharray="4 3"
            />
            <circle
              cx={point.x}
              cy={point.y}
              r="4.5"
              class={`fill-white dark:fill-neutral-900 ${RING[tone]}`}
              stroke-width="2"
            />
          </g>
        )}
      </svg>
      {point && (
        <div
          class="pointer-events-none absolute top-0 -translate-x-1/2 whitespace-nowrap rounded-md bg-neutral-900 px-2 py-1 text-xs font-medium text-white shadow dark:bg-neutral-100 dark:text-neutral-900"
          style={{ left: `${Math.min(90, Math.max(10, leftPercent))}%` }}
          data-hover-label
        >
          {point.label}
        </div>
      )}
    </div>
  );
}
