import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { FormError, SelectField, TextField } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { SettingsNav } from "@/components/SettingsNav.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { ApiToken } from "@/domain/api_tokens.ts";
import { NotFoundError, ValidationError } from "@/domain/errors.ts";
import type { Page } from "@/domain/pagination.ts";
import { formatDateTime } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect, withCookies } from "@/pages/http.ts";
import { revealOnceCookie, takeRevealed } from "@/pages/reveal_once.ts";
import type { SignedInState } from "@/pages/state.ts";

interface TokensData {
  tokens: Page<ApiToken>;
  /** A token just created: its secret is shown on this response only (see `reveal_once.ts`). */
  created?: { name: string; secret: string };
  values: Record<string, string>;
  errors: FieldErrors;
}

/** This page's path, which also scopes the cookie carrying a new token's secret. */
const HERE = "/settings/tokens";

const EXPIRY = [
  { value: "", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

const COLUMNS: Column[] = [
  { label: "Name" },
  { label: "Token" },
  { label: "Status" },
  { label: "Created" },
  { label: "Last used" },
  { label: "Expires" },
  { label: "Actions", srOnly: true },
];

async function render(
  ctx: FreshContext<SignedInState, TokensData>,
  extra: Partial<TokensData> = {},
  status = 200,
  cookies: readonly string[] = [],
) {
  ctx.state.title = "API tokens";
  const skip = Math.max(0, Math.floor(Number(ctx.url.searchParams.get("skip")) || 0));
  const tokens = await ctx.state.services.domain.apiTokens.list(ctx.state.actor, {
    skip,
    limit: 20,
  });
  const response = await ctx.render({ tokens, values: {}, errors: {}, ...extra }, {
    status,
    // The page may carry a secret: never store it in any cache.
    headers: { "cache-control": "no-store" },
  });
  return withCookies(response, cookies);
}

export const handler: Handlers<TokensData, SignedInState> = {
  async GET(req, ctx) {
    const { services, actor } = ctx.state;
    const { value, clear } = await takeRevealed(services, req, HERE, actor.userId);
    return render(ctx, value ? { created: value } : {}, 200, clear);
  },

  /**
   * `intent` = create or revoke. Creating answers 303 like every other form (a reload must not
   * create a second token); the secret rides along sealed, for the next GET to show once.
   */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    if (form.text("intent") === "revoke") {
      try {
        const token = await services.domain.apiTokens.revoke(actor, form.text("id"));
        return redirect("/settings/tokens", {
          flash: { kind: "success", message: `“${token.name}” is revoked.` },
        });
      } catch (error) {
        if (error instanceof NotFoundError) return ctx.renderNotFound();
        throw error;
      }
    }
    const values = { name: form.text("name"), expiresInDays: form.text("expiresInDays") };
    const days = EXPIRY.find((option) => option.value === values.expiresInDays && option.value);
    const expiresAt = days
      ? new Date(Date.now() + Number(days.value) * 86_400_000).toISOString()
      : undefined;
    try {
      const { token, secret } = await services.domain.apiTokens.create(actor, {
        name: values.name,
        expiresAt,
      });
      return redirect(HERE, {
        cookies: [
          await revealOnceCookie(services, HERE, actor.userId, { name: token.name, secret }),
        ],
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(ctx, { values, errors: fieldErrors(error.issues) }, 422);
    }
  },
};

function tokenStatus(token: ApiToken): string {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return "expired";
  return "active";
}

export default function TokensPage({ data, url }: PageProps<TokensData, SignedInState>) {
  const { tokens, created, values, errors } = data;
  return (
    <>
      <PageHeader title="Settings">Your profile, password, API tokens and appearance.</PageHeader>
      <SettingsNav current="/settings/tokens" />
      {created && (
        <Alert kind="warning">
          <p class="font-semibold">Copy your new token “{created.name}” now.</p>
          <p class="mt-1">
            This is the only time it is shown. Store it somewhere safe; if you lose it, revoke it
            and create another.
          </p>
          <code
            class="mt-3 block select-all break-all rounded bg-white px-3 py-2 font-mono text-sm text-neutral-900 ring-1 ring-amber-300 dark:bg-neutral-950 dark:text-neutral-100 dark:ring-amber-800"
            data-token-secret
          >
            {created.secret}
          </code>
          <p class="mt-2 text-xs">
            Use it as <code class="font-mono">Authorization: Bearer …</code>{" "}
            with the REST API or an MCP client.
          </p>
        </Alert>
      )}
      <div class="space-y-6">
        <Card title="Create a token" description="For scripts, the REST API and MCP clients.">
          <form
            method="post"
            action="/settings/tokens"
            class="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start"
            novalidate
          >
            <input type="hidden" name="intent" value="create" />
            <div class="sm:col-span-3">
              <FormError message={errors[""]} />
            </div>
            <TextField
              name="name"
              label="Name"
              required
              maxLength={100}
              placeholder="Reporting script"
              value={values.name}
              error={errors.name}
            />
            <SelectField
              name="expiresInDays"
              label="Expires"
              options={EXPIRY}
              value={values.expiresInDays ?? ""}
              error={errors.expiresAt}
            />
            <div class="sm:pt-6">
              <Button>Create token</Button>
            </div>
          </form>
        </Card>
        {tokens.total > 0 && (
          <div>
            <Paged url={url} page={tokens}>
              <Table columns={COLUMNS} caption="Your API tokens">
                {tokens.items.map((token) => {
                  const status = tokenStatus(token);
                  return (
                    <tr data-token-id={token.id}>
                      <Cell class="font-medium">{token.name}</Cell>
                      <Cell class="font-mono text-xs">{token.prefix}…</Cell>
                      <Cell>
                        <StatusBadge status={status} />
                      </Cell>
                      <Cell>{formatDateTime(token.createdAt)}</Cell>
                      <Cell>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</Cell>
                      <Cell>{token.expiresAt ? formatDateTime(token.expiresAt) : "Never"}</Cell>
                      <Cell align="right">
                        {status === "active" && (
                          <form method="post" action="/settings/tokens">
                            <input type="hidden" name="intent" value="revoke" />
                            <input type="hidden" name="id" value={token.id} />
                            <button
                              type="submit"
                              class="text-sm font-medium text-red-700 hover:underline dark:text-red-400"
                            >
                              Revoke
                            </button>
                          </form>
                        )}
                      </Cell>
                    </tr>
                  );
                })}
              </Table>
            </Paged>
          </div>
        )}
      </div>
    </>
  );
}
