/**
 * The few icons the chat uses, as inline SVG (no icon font, no extra request). Decorative:
 * every one is `aria-hidden`, the text or `aria-label` next to it says what it means. The
 * assistant's own icon is in `chat_icon.tsx`.
 *
 * @module
 */

import { iconClass, type IconProps, OutlineIcon } from "./chat_icon.tsx";

/** A tick (done, approved). */
export function CheckIcon({ class: extra }: IconProps) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" class={iconClass(extra)}>
      <path
        fill-rule="evenodd"
        d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z"
        clip-rule="evenodd"
      />
    </svg>
  );
}

/** A cross (failed, rejected, close). */
export function CrossIcon({ class: extra }: IconProps) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" class={iconClass(extra)}>
      <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
    </svg>
  );
}

/** A spinning arc (in progress). */
export function SpinnerIcon({ class: extra }: IconProps) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      aria-hidden="true"
      class={iconClass(`animate-spin ${extra ?? ""}`)}
    >
      <circle cx="12" cy="12" r="9" stroke="currentColor" stroke-width="3" class="opacity-25" />
      <path
        d="M21 12a9 9 0 0 0-9-9"
        stroke="currentColor"
        stroke-width="3"
        stroke-linecap="round"
      />
    </svg>
  );
}

/** A shield (an approval is needed). */
export function ShieldIcon(props: IconProps) {
  return (
    <OutlineIcon
      {...props}
      d="M12 3 4.5 6v5.25c0 4.5 3.2 8.4 7.5 9.75 4.3-1.35 7.5-5.25 7.5-9.75V6L12 3Zm-3 9 2.25 2.25L15 10.5"
    />
  );
}

/** An arrow pointing up (send). */
export function SendIcon({ class: extra }: IconProps) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" class={iconClass(extra)}>
      <path d="M3.1 2.3a.75.75 0 0 0-.98.94l2.14 6.01H11a.75.75 0 0 1 0 1.5H4.26l-2.14 6.01a.75.75 0 0 0 .98.94l14.5-6.5a.75.75 0 0 0 0-1.37L3.1 2.3Z" />
    </svg>
  );
}
