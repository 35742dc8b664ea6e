import type { ComponentChildren } from "preact";
import { Logo } from "./Logo.tsx";

interface AuthCardProps {
  title: string;
  children: ComponentChildren;
  /** Under the card, e.g. a link to the other auth page. */
  footer?: ComponentChildren;
}

/** The centred frame of the sign-in and registration pages. */
export function AuthCard({ title, children, footer }: AuthCardProps) {
  return (
    <main class="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Logo />
      <div class="mt-8 w-full max-w-sm rounded-lg border border-neutral-200 bg-white p-6 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
        <h1 class="text-xl font-semibold tracking-tight">{title}</h1>
        <div class="mt-6">{children}</div>
      </div>
      {footer && <p class="mt-6 text-sm text-neutral-600 dark:text-neutral-400">{footer}</p>}
    </main>
  );
}
