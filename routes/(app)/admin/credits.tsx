import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { UserUsage } from "@/domain/admin.ts";
import { formatCredits } from "@/domain/agent_pricing.ts";
import { ConflictError, NotFoundError, ValidationError } from "@/domain/errors.ts";
import type { Page } from "@/domain/pagination.ts";
import { formatCount, formatDateTime } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/** This page's path. */
const HERE = "/admin/credits";
const PAGE_SIZE = 50;

type AdminCreditsData =
  | { forbidden: true }
  | {
    forbidden: false;
    usage: Page<UserUsage>;
    search: string;
    values: Record<string, string>;
    errors: FieldErrors;
    /** Ledger key of this form's grant, so a submitted-twice form grants once. */
    requestId: string;
  };

const COLUMNS: Column[] = [
  { label: "User" },
  { label: "Role" },
  { label: "Balance", align: "right" },
  { label: "Spent this month", align: "right" },
  { label: "Last activity" },
  { label: "Actions", srOnly: true },
];

async function render(
  ctx: FreshContext<SignedInState, AdminCreditsData>,
  form: { values?: Record<string, string>; errors?: FieldErrors } = {},
  status = 200,
) {
  const { services, actor } = ctx.state;
  ctx.state.title = "Admin: credits";
  if (!await services.domain.admin.isAdmin(actor)) {
    return ctx.render({ forbidden: true }, { status: 403 });
  }
  const search = ctx.url.searchParams.get("q")?.trim() ?? "";
  const skip = Math.max(0, Math.floor(Number(ctx.url.searchParams.get("skip")) || 0));
  const usage = await services.domain.admin.usage(actor, {
    q: search || undefined,
    skip,
    limit: PAGE_SIZE,
  });
  const values = form.values ?? { email: ctx.url.searchParams.get("email") ?? "" };
  return ctx.render({
    forbidden: false,
    usage,
    search,
    values,
    errors: form.errors ?? {},
    requestId: values.requestId || crypto.randomUUID(),
  }, { status });
}

export const handler: Handlers<AdminCreditsData, SignedInState> = {
  GET: (_req, ctx) => render(ctx),

  /** Grants credits; 303 back here with what was done, or the form again with its errors. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const values = form.values();
    const amountText = form.text("amount").trim();
    if (!/^[0-9]{1,10}$/.test(amountText) || Number(amountText) === 0) {
      return render(
        ctx,
        { values, errors: { amount: "Enter a whole number of credits above 0" } },
        422,
      );
    }
    try {
      const userId = await services.domain.admin.userIdByEmail(actor, form.text("email"));
      const entry = await services.domain.admin.grantCredits(actor, userId, {
        amount: Number(amountText),
        reason: form.text("reason"),
        idempotencyKey: form.text("requestId") || crypto.randomUUID(),
      });
      const email = form.text("email").trim().toLowerCase();
      return redirect(HERE, {
        flash: {
          kind: "success",
          message: `Granted ${formatCredits(entry.amount)} to ${email}. Their balance is ${
            formatCount(entry.balanceAfter)
          }.`,
        },
      });
    } catch (error) {
      if (error instanceof NotFoundError) {
        return render(ctx, { values, errors: { email: "No user has this email" } }, 422);
      }
      if (error instanceof ValidationError) {
        return render(ctx, { values, errors: fieldErrors(error.issues) }, 422);
      }
      // This form's grant was made already (Back, then changed and sent again): a fresh form.
      if (error instanceof ConflictError) {
        const message = "This form was already used for a grant. Check the amounts and send again.";
        return render(ctx, { values: { ...values, requestId: "" }, errors: { "": message } }, 409);
      }
      throw error;
    }
  },
};

export default function AdminCreditsPage(
  { data, url }: PageProps<AdminCreditsData, SignedInState>,
) {
  if (data.forbidden) {
    return (
      <>
        <PageHeader title="Admin">Operating the app.</PageHeader>
        <p class="text-sm" data-admin-forbidden>
          Only admins can see this page. An operator makes someone an admin with{" "}
          <code class="font-mono">deno task admin promote &lt;email&gt;</code>.
        </p>
      </>
    );
  }
  const { usage, search, values, errors, requestId } = data;
  return (
    <>
      <PageHeader title="Admin: credits">
        Grant credits to a user (the reason shows in their credit ledger) and see each user's
        balance and spending this month.
      </PageHeader>
      <div class="space-y-6">
        <Card title="Grant credits">
          <form
            method="post"
            action={HERE}
            class="grid gap-4 sm:grid-cols-[2fr_1fr_2fr_auto] sm:items-start"
            novalidate
            data-grant-form
          >
            <input type="hidden" name="requestId" value={requestId} />
            <div class="sm:col-span-4">
              <FormError message={errors[""]} />
            </div>
            <TextField
              name="email"
              label="User's email"
              type="email"
              required
              value={values.email}
              error={errors.email}
            />
            <TextField
              name="amount"
              label="Credits"
              inputMode="numeric"
              required
              value={values.amount}
              error={errors.amount}
            />
            <TextField
              name="reason"
              label="Reason"
              required
              maxLength={500}
              placeholder="Pilot extension"
              value={values.reason}
              error={errors.reason}
            />
            <div class="sm:pt-6">
              <Button>Grant</Button>
            </div>
          </form>
        </Card>
        <form method="get" action={HERE} role="search" class="flex items-end gap-2">
          <TextField name="q" label="Find a user" value={search} placeholder="Email or name" />
          <Button variant="secondary">Search</Button>
        </form>
        <Paged url={url} page={usage}>
          <Table columns={COLUMNS} caption="Users and their credits, by email">
            {usage.items.map((user) => (
              <tr data-usage-user={user.email}>
                <Cell>
                  <span class="font-medium">{user.email}</span>
                  <span class="block text-xs text-neutral-600 dark:text-neutral-400">
                    {user.displayName}
                  </span>
                </Cell>
                <Cell class="capitalize">{user.role}</Cell>
                <Cell align="right">
                  <span data-usage-balance={user.balance}>{formatCount(user.balance)}</span>
                </Cell>
                <Cell align="right">{formatCount(user.spentThisMonth)}</Cell>
                <Cell>{user.lastActivityAt ? formatDateTime(user.lastActivityAt) : "Never"}</Cell>
                <Cell align="right">
                  <a
                    href={`${HERE}?email=${encodeURIComponent(user.email)}`}
                    class="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    Grant<span class="sr-only">credits to {user.email}</span>
                  </a>
                </Cell>
              </tr>
            ))}
          </Table>
        </Paged>
      </div>
    </>
  );
}
