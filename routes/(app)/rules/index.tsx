import { defineRoute } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, Table } from "@/components/ui/Table.tsx";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { scheduleWords } from "@/domain/rules/describe.ts";
import { formatCount, formatDateTime } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/**
 * The user's automated rules: status, schedule, last and next run, firings this week and
 * conflict warnings. Run facts come from `domain.ruleActivity`.
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Rules";
  const page = await services.domain.rules.list(actor, { limit: MAX_PAGE_SIZE });
  const activity = await services.domain.ruleActivity.summaries(actor, page.items);
  return (
    <>
      <div class="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title="Rules">
          Rules watch your campaigns on a schedule and pause, resume or change budgets when their
          conditions hold — never on thin data, always within your account's limits.
        </PageHeader>
        {page.total > 0 && <LinkButton href="/rules/new">New rule</LinkButton>}
      </div>
      {page.total === 0
        ? (
          <EmptyState
            title="No rules yet"
            action={<LinkButton href="/rules/new">Create a rule</LinkButton>}
          >
            For example: pause any campaign whose CPA today is over $40 after 1,000 impressions,
            checked hourly. You can also ask the assistant.
          </EmptyState>
        )
        : (
          <Table
            caption="Your rules"
            columns={[
              { label: "Rule" },
              { label: "Status" },
              { label: "Schedule" },
              { label: "Last run" },
              { label: "Next run" },
              { label: "Firings this week", align: "right" },
              { label: "Warnings" },
            ]}
          >
            {page.items.map((rule) => {
              const runs = activity.get(rule.id);
              return (
                <tr data-rule-id={rule.id}>
                  <Cell>
                    <a href={`/rules/${rule.id}`} class={LINK}>{rule.name}</a>
                  </Cell>
                  <Cell>
                    <StatusBadge
                      status={rule.enabled ? "active" : "draft"}
                      label={rule.enabled ? "Enabled" : "Disabled"}
                    />
                  </Cell>
                  <Cell>{scheduleWords(rule.schedule)}</Cell>
                  <Cell>{runs?.lastRunAt ? formatDateTime(runs.lastRunAt) : "—"}</Cell>
                  <Cell>{runs?.nextRunAt ? formatDateTime(runs.nextRunAt) : "—"}</Cell>
                  <Cell align="right">{formatCount(runs?.firingsThisWeek ?? 0)}</Cell>
                  <Cell>
                    {rule.warnings.length === 0 ? "—" : (
                      <span
                        class="text-amber-700 dark:text-amber-300"
                        title={rule.warnings.map((warning) => warning.message).join("\n")}
                        data-rule-warnings={rule.warnings.length}
                      >
                        {rule.warnings.length === 1
                          ? `Conflicts with “${rule.warnings[0].otherRuleName}”`
                          : `${rule.warnings.length} conflicts`}
                      </span>
                    )}
                  </Cell>
                </tr>
              );
            })}
          </Table>
        )}
    </>
  );
});
