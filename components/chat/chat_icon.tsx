/**
 * The assistant's speech-bubble icon and the outline-icon primitive it is drawn with. Kept apart
 * from `icons.tsx` because the floating launcher on every app page needs only this one: the
 * chat's other icons then load with the panel, not with every page.
 *
 * @module
 */

/** Props of the chat's icons. */
export interface IconProps {
  class?: string;
  /** Tailwind size classes (default `h-4 w-4`). */
  size?: string;
}

/** The class list of an icon: its size, never shrinking in a flex row, and `extra`. */
export const iconClass = (extra = "", size = "h-4 w-4") => `${size} shrink-0 ${extra}`.trim();

/** A 24-px outline icon drawn with one stroked path. */
export function OutlineIcon({ d, class: extra, size }: IconProps & { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      aria-hidden="true"
      class={iconClass(extra, size)}
    >
      <path stroke-linecap="round" stroke-linejoin="round" d={d} />
    </svg>
  );
}

/** A speech bubble (the assistant). */
export function ChatIcon(props: IconProps) {
  return (
    <OutlineIcon
      {...props}
      d="M7.5 8.25h9m-9 3.75h5.25M21 12c0 4.556-4.03 8.25-9 8.25a9.8 9.8 0 0 1-4.255-.96L3 20.25l1.395-3.72C3.512 15.042 3 13.574 3 12c0-4.556 4.03-8.25 9-8.25s9 3.694 9 8.25Z"
    />
  );
}
