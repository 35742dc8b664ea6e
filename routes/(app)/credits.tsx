import { defineRoute } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import { formatCredits } from "@/domain/agent_pricing.ts";
import { formatCount, formatDate, formatDateTime } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;

const COLUMNS: Column[] = [
  { label: "Date" },
  { label: "Description" },
  { label: "Kind" },
  { label: "Amount", align: "right" },
  { label: "Balance", align: "right" },
];

export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor, credits, creditOutlook, user } = ctx.state;
  ctx.state.title = "Credits";
  const skip = Math.max(0, Math.floor(Number(ctx.url.searchParams.get("skip")) || 0));
  const ledger = await services.domain.credits.ledger(actor, { skip, limit: PAGE_SIZE });
  return (
    <>
      <PageHeader title="Credits">
        AI work (the assistant's answers and actions) costs credits; every grant and charge is
        listed below.
      </PageHeader>
      <div class="mb-6 inline-flex flex-col rounded-lg border border-neutral-200 bg-white px-5 py-4 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
        <span class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
          Balance
        </span>
        <span class="mt-1 text-3xl font-semibold tabular-nums" data-balance={credits}>
          {formatCount(credits)}{" "}
          <span class="text-base font-normal text-neutral-500 dark:text-neutral-400">credits</span>
        </span>
      </div>
      <section
        aria-labelledby="more-credits"
        class="mb-6 max-w-2xl space-y-2 text-sm text-neutral-700 dark:text-neutral-300"
        data-more-credits
      >
        <h2
          id="more-credits"
          class="text-base font-semibold text-neutral-900 dark:text-neutral-100"
        >
          How to get more credits
        </h2>
        <p>
          A message to the assistant costs about {formatCredits(creditOutlook.messageCost)}{" "}
          (one per step it takes).
        </p>
        {creditOutlook.allowance && (
          <p data-next-allowance={creditOutlook.allowance.nextOn}>
            On {formatDate(creditOutlook.allowance.nextOn)} your balance is topped up to{" "}
            {formatCredits(creditOutlook.allowance.amount)}{" "}
            (the monthly allowance; it never lowers a higher balance).
          </p>
        )}
        <p>
          {user.role === "admin"
            ? (
              <>
                As an admin you grant credits, to yourself or anyone, on the{" "}
                <a
                  href="/admin/credits"
                  class="font-medium text-indigo-700 underline dark:text-indigo-300"
                >
                  admin page
                </a>.
              </>
            )
            : "Need more now? Ask your admin: admins grant credits from the admin page, and every grant shows below."}
        </p>
      </section>
      <Paged url={ctx.url} page={ledger}>
        <Table columns={COLUMNS} caption="Credit ledger, newest first">
          {ledger.items.map((entry) => (
            <tr>
              <Cell class="text-neutral-600 dark:text-neutral-400">
                {formatDateTime(entry.createdAt)}
              </Cell>
              <Cell>{entry.description}</Cell>
              <Cell class="capitalize">{entry.kind}</Cell>
              <Cell
                align="right"
                class={entry.amount < 0
                  ? "text-red-700 dark:text-red-400"
                  : "text-emerald-700 dark:text-emerald-400"}
              >
                {entry.amount > 0 ? "+" : "−"}
                {formatCount(Math.abs(entry.amount))}
              </Cell>
              <Cell align="right">{formatCount(entry.balanceAfter)}</Cell>
            </tr>
          ))}
        </Table>
      </Paged>
    </>
  );
});
