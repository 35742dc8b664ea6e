import type { ComponentChildren, JSX } from "preact";

/** Visual weight of a button. */
export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const BASE =
  "inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-neutral-900 disabled:opacity-50";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500",
  secondary:
    "border border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-50 dark:border-neutral-700 dark:bg-neutral-900 dark:text-neutral-100 dark:hover:bg-neutral-800",
  danger: "bg-red-600 text-white hover:bg-red-500",
  ghost:
    "text-neutral-600 shadow-none hover:bg-neutral-100 hover:text-neutral-900 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-neutral-100",
};

/** The classes of a button (or a link styled as one). */
export function buttonClass(variant: ButtonVariant = "primary", extra = ""): string {
  return `${BASE} ${VARIANTS[variant]} ${extra}`.trim();
}

type ButtonProps = JSX.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant };

/** A button; `type` defaults to submit since buttons here live in forms. */
export function Button({ variant, class: extra, type = "submit", ...props }: ButtonProps) {
  return <button type={type} class={buttonClass(variant, String(extra ?? ""))} {...props} />;
}

interface LinkButtonProps {
  href: string;
  variant?: ButtonVariant;
  children: ComponentChildren;
}

/** A link that looks like a button. */
export function LinkButton({ href, variant, children }: LinkButtonProps) {
  return <a href={href} class={buttonClass(variant)}>{children}</a>;
}
