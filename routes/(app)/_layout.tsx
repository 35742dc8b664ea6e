import type { PageProps } from "$fresh/server.ts";
import { Logo } from "@/components/Logo.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import CreditBalance from "@/islands/CreditBalance.tsx";
import FloatingAssistant from "@/islands/FloatingAssistant.tsx";
import NotificationBell from "@/islands/NotificationBell.tsx";
import PendingApprovalsBadge from "@/islands/PendingApprovalsBadge.tsx";
import { formatCount } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

/** The sections of the app, in navigation order. */
export const sections = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/alerts", label: "Alerts" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/rules", label: "Rules" },
  { href: "/ad-accounts", label: "Ad accounts" },
  { href: "/approvals", label: "Approvals" },
  { href: "/changes", label: "Change history" },
  { href: "/credits", label: "Credits" },
  { href: "/assistant", label: "Assistant" },
  { href: "/runs", label: "Runs" },
  { href: "/settings", label: "Settings" },
];

/** The admins' section, after the others (the menu shows it to admins only). */
const ADMIN_SECTION = { href: "/admin/credits", label: "Admin" };

/** Scrolls the horizontal (phone) menu so its current item is centred; a no-op when vertical. */
const SHOW_CURRENT_MENU_ITEM =
  `{const n=document.querySelector('nav[aria-label="Main"]'),a=n&&n.querySelector('[aria-current="page"]');` +
  `if(a&&n.scrollWidth>n.clientWidth)n.scrollLeft=a.offsetLeft-(n.clientWidth-a.offsetWidth)/2}`;

export default function AppLayout({ Component, url, state }: PageProps<unknown, SignedInState>) {
  const isActive = (href: string) => url.pathname === href || url.pathname.startsWith(href + "/");
  const { user, creditOutlook, flash, pendingApprovals, unreadNotifications, openAlerts } = state;
  const credits = { balance: creditOutlook.balance, messageCost: creditOutlook.messageCost };
  return (
    <div class="flex min-h-screen flex-col md:flex-row">
      {/* First in the tab order: past the menu straight to the page's content. */}
      <a
        href="#main"
        class="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow-lg focus:ring-2 focus:ring-indigo-500 dark:focus:bg-neutral-900 dark:focus:text-indigo-300"
        data-skip-link
      >
        Skip to content
      </a>
      <aside class="flex flex-col border-b border-neutral-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:border-b-0 md:border-r dark:border-neutral-800 dark:bg-neutral-900">
        <div class="px-4 py-4">
          <Logo />
        </div>
        <nav aria-label="Main" class="flex gap-1 overflow-x-auto px-2 pb-3 md:flex-col md:pb-0">
          {[...sections, ...(user.role === "admin" ? [ADMIN_SECTION] : [])].map((
            { href, label },
          ) => (
            <a
              href={href}
              aria-current={isActive(href) ? "page" : undefined}
              class={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${
                isActive(href)
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300"
                  : "text-neutral-600 hover:bg-neutral-100 hover:text-neutral-900 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-neutral-100"
              }`}
            >
              {label}
              {href === "/approvals" && <PendingApprovalsBadge count={pendingApprovals} />}
              {href === "/alerts" && openAlerts > 0 && <OpenAlertsBadge count={openAlerts} />}
            </a>
          ))}
        </nav>
        {/* On a phone the menu is one scrolling row: bring the current item into view. */}
        <script dangerouslySetInnerHTML={{ __html: SHOW_CURRENT_MENU_ITEM }} />
        <div class="mt-auto hidden border-t border-neutral-200 px-4 py-4 md:block dark:border-neutral-800">
          <UserPanel name={user.displayName} email={user.email} credits={credits} />
        </div>
      </aside>
      <div class="flex flex-1 flex-col">
        <header class="flex items-center justify-end gap-3 border-b border-neutral-200 bg-white px-6 py-2 dark:border-neutral-800 dark:bg-neutral-900">
          <NotificationBell unread={unreadNotifications} />
          <div class="md:hidden">
            <UserPanel name={user.displayName} email={user.email} credits={credits} compact />
          </div>
        </header>
        <main id="main" tabindex={-1} class="flex-1 px-6 py-8 focus:outline-none md:px-10">
          <div class="mx-auto max-w-6xl">
            {flash && <Alert kind={flash.kind}>{flash.message}</Alert>}
            <Component />
          </div>
        </main>
      </div>
      {/* The full-page assistant is the chat already; elsewhere the floating one opens it. */}
      {!isActive("/assistant") && (
        // In a landmark of its own, so no content of the page sits outside every landmark.
        <aside aria-label="Assistant">
          <FloatingAssistant />
        </aside>
      )}
    </div>
  );
}

/** The number of open anomaly alerts, beside the Alerts link. */
function OpenAlertsBadge({ count }: { count: number }) {
  return (
    <span
      class="ml-2 inline-flex min-w-5 items-center justify-center rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white"
      data-open-alerts={count}
    >
      {formatCount(count)}
      <span class="sr-only">{count === 1 ? " open alert" : " open alerts"}</span>
    </span>
  );
}

interface UserPanelProps {
  name: string;
  email: string;
  credits: { balance: number; messageCost: number };
  compact?: boolean;
}

/** Who is signed in, their credit balance and the sign-out button (a plain form POST). */
function UserPanel({ name, email, credits, compact }: UserPanelProps) {
  return (
    <div class={compact ? "flex items-center gap-3 text-sm" : "space-y-3 text-sm"}>
      <div class="min-w-0">
        <p class="truncate font-medium" data-user-name>{name}</p>
        {!compact && <p class="truncate text-xs text-neutral-500 dark:text-neutral-400">{email}</p>}
      </div>
      <CreditBalance balance={credits.balance} messageCost={credits.messageCost} />
      <form method="post" action="/logout" class={compact ? "" : "pt-1"}>
        <button
          type="submit"
          class="text-sm font-medium text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}
