import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { AdAccountCard } from "@/components/AdAccountCard.tsx";
import { FormError, SelectField, TextField } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { CURRENCY_EXPONENTS, type CurrencyCode } from "@/domain/money.ts";
import { ConflictError, NotFoundError, ValidationError } from "@/domain/errors.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { PLATFORM_LABELS } from "@/domain/connections/service.ts";
import type { OAuthPlatform } from "@/domain/platforms/oauth.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface AdAccountsData {
  accounts: AdAccount[];
  /** Ad platforms that can be connected by signing in. */
  platforms: OAuthPlatform[];
  /** The connect form as typed, and its errors. */
  values: Record<string, string>;
  errors: FieldErrors;
}

const CURRENCIES = Object.keys(CURRENCY_EXPONENTS).map((code) => ({ value: code, label: code }));

async function render(
  ctx: FreshContext<SignedInState, AdAccountsData>,
  values: Record<string, string> = {},
  errors: FieldErrors = {},
) {
  const { services, actor } = ctx.state;
  ctx.state.title = "Ad accounts";
  const accounts = (await services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE })).items;
  const status = Object.keys(errors).length > 0 ? 422 : 200;
  const platforms = services.domain.connections.platforms();
  return ctx.render({ accounts, platforms, values, errors }, { status });
}

export const handler: Handlers<AdAccountsData, SignedInState> = {
  GET(_req, ctx) {
    return render(ctx);
  },

  /** `intent` = connect, rename or disconnect. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const accounts = services.domain.adAccounts;
    try {
      switch (form.text("intent")) {
        case "connect": {
          const values = {
            name: form.text("name"),
            currency: form.text("currency"),
            timezone: form.text("timezone"),
          };
          try {
            const account = await accounts.connectSandbox(actor, {
              name: values.name,
              // Checked by the domain, like every other field.
              currency: (values.currency || undefined) as CurrencyCode | undefined,
              timezone: values.timezone.trim() || undefined,
            });
            return redirect("/ad-accounts", {
              flash: { kind: "success", message: `“${account.name}” is connected.` },
            });
          } catch (error) {
            if (error instanceof ValidationError) {
              return render(ctx, values, fieldErrors(error.issues));
            }
            throw error;
          }
        }
        case "rename": {
          const account = await accounts.rename(actor, form.text("id"), {
            name: form.text("name"),
          });
          return redirect("/ad-accounts", {
            flash: { kind: "success", message: `Renamed to “${account.name}”.` },
          });
        }
        case "disconnect": {
          const account = await accounts.get(actor, form.text("id"));
          await accounts.disconnect(actor, account.id);
          return redirect("/ad-accounts", {
            flash: { kind: "success", message: `“${account.name}” is disconnected.` },
          });
        }
        default:
          return redirect("/ad-accounts", { flash: { kind: "error", message: "Unknown action." } });
      }
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ValidationError) {
        const message = Object.values(fieldErrors(error.issues)).join(" ");
        return redirect("/ad-accounts", { flash: { kind: "error", message } });
      }
      // A frozen account refuses to be disconnected.
      if (error instanceof ConflictError) {
        const message = `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
        return redirect("/ad-accounts", { flash: { kind: "error", message } });
      }
      throw error;
    }
  },
};

export default function AdAccountsPage({ data }: PageProps<AdAccountsData, SignedInState>) {
  const { accounts, platforms, values, errors } = data;
  return (
    <>
      <PageHeader title="Ad accounts">
        The advertising accounts AAE manages for you. The sandbox platform simulates delivery, so
        you can try everything without spending money.
      </PageHeader>
      <div class="grid gap-6 lg:grid-cols-[3fr_2fr] lg:items-start">
        <div class="space-y-4">
          {accounts.length === 0
            ? (
              <EmptyState title="No ad accounts yet">
                Connect a sandbox account with the form to get started.
              </EmptyState>
            )
            : accounts.map((account) => <AdAccountCard key={account.id} account={account} />)}
        </div>
        <div id="connect" class="space-y-4">
          {platforms.length > 0 && (
            <Card
              title="Connect an ad platform"
              description="Sign in with the platform, then pick the accounts AAE should manage."
            >
              <div class="flex flex-wrap gap-2">
                {platforms.map((platform) => (
                  <form method="post" action={`/ad-accounts/connect/${platform}`}>
                    <Button data-connect={platform}>Connect {PLATFORM_LABELS[platform]}</Button>
                  </form>
                ))}
              </div>
            </Card>
          )}
          <Card title="Connect a sandbox account" description="Simulated delivery and metrics.">
            <form method="post" action="/ad-accounts" class="space-y-4" novalidate>
              <input type="hidden" name="intent" value="connect" />
              <FormError message={errors[""]} />
              <TextField
                name="name"
                label="Account name"
                required
                maxLength={200}
                placeholder="My store (sandbox)"
                value={values.name}
                error={errors.name}
              />
              <div class="grid gap-4 sm:grid-cols-2">
                <SelectField
                  name="currency"
                  label="Currency"
                  options={CURRENCIES}
                  value={values.currency || "USD"}
                  error={errors.currency}
                />
                <TextField
                  name="timezone"
                  label="Time zone"
                  placeholder="UTC"
                  value={values.timezone ?? "UTC"}
                  error={errors.timezone}
                  hint="IANA name, e.g. Europe/Paris."
                />
              </div>
              <Button>Connect account</Button>
            </form>
          </Card>
        </div>
      </div>
    </>
  );
}
