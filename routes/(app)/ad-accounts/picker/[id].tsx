import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { PLATFORM_LABELS } from "@/domain/connections/service.ts";
import type { ConnectionChoice } from "@/domain/connections/service.ts";
import { DomainError, NotFoundError, ValidationError } from "@/domain/errors.ts";
import type { OAuthPlatform } from "@/domain/platforms/oauth.ts";
import { fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface PickerData {
  platform: OAuthPlatform;
  accounts: ConnectionChoice[];
}

/** The account picker after consent: the accounts the sign-in can manage, to connect. */
export const handler: Handlers<PickerData, SignedInState> = {
  async GET(_req, ctx: FreshContext<SignedInState, PickerData>) {
    const { services, actor, sessionId } = ctx.state;
    try {
      const choices = await services.domain.connections.choices(
        actor,
        sessionId ?? "",
        ctx.params.id,
      );
      ctx.state.title = `Connect ${PLATFORM_LABELS[choices.platform]} accounts`;
      return ctx.render(choices);
    } catch (error) {
      if (error instanceof NotFoundError) {
        return redirect("/ad-accounts", {
          flash: { kind: "error", message: "This sign-in expired or was used; connect again." },
        });
      }
      throw error;
    }
  },

  async POST(req, ctx: FreshContext<SignedInState, PickerData>) {
    const { services, actor, sessionId } = ctx.state;
    const form = await FormValues.from(req);
    try {
      const connected = await services.domain.connections.pick(
        actor,
        sessionId ?? "",
        ctx.params.id,
        form.all("account"),
      );
      const names = connected.map((account) => `“${account.name}”`).join(", ");
      const message = `${names} ${
        connected.length === 1 ? "is" : "are"
      } connected; the last 90 days of metrics are being fetched.`;
      return redirect(
        connected.length === 1 ? `/ad-accounts/${connected[0].id}` : "/ad-accounts",
        { flash: { kind: "success", message } },
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const message = error instanceof ValidationError
        ? Object.values(fieldErrors(error.issues)).join(" ")
        : error.message;
      const back = error instanceof NotFoundError ? "/ad-accounts" : ctx.url.pathname;
      return redirect(back, { flash: { kind: "error", message } });
    }
  },
};

export default function PickerPage({ data, params }: PageProps<PickerData, SignedInState>) {
  const label = PLATFORM_LABELS[data.platform];
  return (
    <>
      <PageHeader title={`Connect ${label} accounts`}>
        Pick the accounts AAE should manage. Each one's last 90 days of metrics are fetched right
        after, then kept in sync every hour.
      </PageHeader>
      {data.accounts.length === 0
        ? (
          <EmptyState title={`No ${label} ad accounts`}>
            The sign-in gave access to no ad account. Check your permissions on {label}{" "}
            and connect again.
          </EmptyState>
        )
        : (
          <Card title="Ad accounts" description={`What your ${label} sign-in can manage.`}>
            <form method="post" action={`/ad-accounts/picker/${params.id}`} class="space-y-3">
              {data.accounts.map((account) => (
                <label class="flex items-start gap-3 text-sm" data-picker-account>
                  <input
                    type="checkbox"
                    name="account"
                    value={account.externalAccountId}
                    checked={data.accounts.length === 1}
                    class="mt-1"
                  />
                  <span>
                    <span class="font-medium">{account.name}</span>{" "}
                    <span class="text-neutral-500 dark:text-neutral-400">
                      {account.externalAccountId} · {account.currency} · {account.timezone}
                      {account.adAccountId && " · already connected (reconnects it)"}
                    </span>
                  </span>
                </label>
              ))}
              <Button>Connect selected accounts</Button>
            </form>
          </Card>
        )}
    </>
  );
}
