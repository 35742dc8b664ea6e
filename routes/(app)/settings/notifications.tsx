import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { SettingsNav } from "@/components/SettingsNav.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import { NotFoundError, ValidationError } from "@/domain/errors.ts";
import {
  type NotificationSettings,
  SEVERITIES,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@/domain/notifications/mod.ts";
import { formatDateTime } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface SettingsData {
  settings: NotificationSettings;
  emailConfigured: boolean;
  webhooks: WebhookEndpoint[];
  /** The endpoint whose delivery log is open, with its latest deliveries. */
  log?: { endpoint: WebhookEndpoint; deliveries: WebhookDelivery[] };
  /** An endpoint just created: its secret is shown on this response only. */
  created?: { url: string; secret: string };
  values: Record<string, string>;
  errors: FieldErrors;
}

const PATH = "/settings/notifications";
const CHANNELS = [
  { key: "inApp", label: "In the app (the bell)" },
  { key: "webhook", label: "Webhooks" },
  { key: "email", label: "Email" },
] as const;

const WEBHOOK_COLUMNS: Column[] = [
  { label: "URL" },
  { label: "Secret" },
  { label: "Status" },
  { label: "Failures in a row" },
  { label: "Actions", srOnly: true },
];

async function render(
  ctx: FreshContext<SignedInState, SettingsData>,
  extra: Partial<SettingsData> = {},
  status = 200,
) {
  const state = ctx.state;
  state.title = "Notification settings";
  const { notifications } = state.services.domain;
  const [settings, webhooks] = await Promise.all([
    notifications.settings.get(state.actor),
    notifications.webhooks.list(state.actor),
  ]);
  let log: SettingsData["log"];
  const open = webhooks.find((endpoint) => endpoint.id === ctx.url.searchParams.get("log"));
  if (open) {
    const page = await notifications.webhooks.deliveries(state.actor, open.id, { limit: 20 });
    log = { endpoint: open, deliveries: page.items };
  }
  return ctx.render({
    settings,
    emailConfigured: notifications.emailConfigured,
    webhooks,
    log,
    values: {},
    errors: {},
    ...extra,
  }, { status, headers: { "cache-control": "no-store" } });
}

/** The channel settings as the form sent them. */
function settingsFromForm(form: FormValues): NotificationSettings {
  const channel = (key: string) => {
    const types = form.text(`${key}.types`).split(",").map((type) => type.trim())
      .filter(Boolean);
    return {
      enabled: form.text(`${key}.enabled`) === "on",
      severities: SEVERITIES.filter((severity) => form.all(`${key}.severities`).includes(severity)),
      types: types.length === 0 ? null : types,
    };
  };
  return {
    inApp: channel("inApp"),
    webhook: channel("webhook"),
    email: channel("email"),
    emailDigest: form.text("emailDigest") === "on",
  };
}

export const handler: Handlers<SettingsData, SignedInState> = {
  GET(_req, ctx) {
    return render(ctx);
  },

  /** `intent` = settings, test, create, enable, disable or delete. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const { notifications } = services.domain;
    const form = await FormValues.from(req);
    const intent = form.text("intent");
    const page = ctx;
    try {
      if (intent === "settings") {
        await notifications.settings.put(actor, settingsFromForm(form));
        return redirect(PATH, { flash: { kind: "success", message: "Settings saved." } });
      }
      if (intent === "test") {
        await notifications.publish(actor.userId, {
          kind: "system",
          type: "test",
          severity: "warning",
          title: "Test notification",
          body: "A test of your AAE notification channels.",
          link: "/notifications",
        });
        return redirect(PATH, {
          flash: { kind: "success", message: "Test notification sent to your channels." },
        });
      }
      if (intent === "create") {
        const values = { url: form.text("url"), description: form.text("description") };
        try {
          const { endpoint, secret } = await notifications.webhooks.create(actor, values);
          return render(page, { created: { url: endpoint.url, secret } }, 201);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return render(page, { values, errors: fieldErrors(error.issues) }, 422);
        }
      }
      const id = form.text("id");
      if (intent === "enable" || intent === "disable") {
        await notifications.webhooks.setEnabled(actor, id, intent === "enable");
        return redirect(PATH, {
          flash: { kind: "success", message: `Webhook ${intent}d.` },
        });
      }
      if (intent === "delete") {
        await notifications.webhooks.remove(actor, id);
        return redirect(PATH, { flash: { kind: "success", message: "Webhook deleted." } });
      }
      return redirect(PATH);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ValidationError) {
        return render(page, { errors: fieldErrors(error.issues) }, 422);
      }
      throw error;
    }
  },
};

function Checkbox(
  { name, value, checked, label }: {
    name: string;
    value?: string;
    checked: boolean;
    label: string;
  },
) {
  return (
    <label class="inline-flex items-center gap-2 text-sm">
      <input type="checkbox" name={name} value={value} checked={checked} />
      {label}
    </label>
  );
}

export default function NotificationSettingsPage({ data }: PageProps<SettingsData, SignedInState>) {
  const { settings, emailConfigured, webhooks, log, created, values, errors } = data;
  return (
    <>
      <PageHeader title="Settings">Your profile, password, API tokens and appearance.</PageHeader>
      <SettingsNav current={PATH} />
      {created && (
        <Alert kind="warning">
          <p class="font-semibold">Copy the signing secret of {created.url} now.</p>
          <p class="mt-1">This is the only time it is shown.</p>
          <code
            class="mt-3 block select-all break-all rounded bg-white px-3 py-2 font-mono text-sm text-neutral-900 ring-1 ring-amber-300 dark:bg-neutral-950 dark:text-neutral-100"
            data-webhook-secret
          >
            {created.secret}
          </code>
        </Alert>
      )}
      <div class="space-y-6">
        <Card
          title="Channels"
          description="Which notifications reach you where. Types are comma-separated (e.g. cpa_up, spend_stopped); leave empty for all."
        >
          <form method="post" action={PATH} class="space-y-5">
            <input type="hidden" name="intent" value="settings" />
            <FormError message={errors[""]} />
            {CHANNELS.map(({ key, label }) => {
              const channel = settings[key];
              return (
                <fieldset class="space-y-2" data-channel={key}>
                  <legend class="text-sm font-semibold">{label}</legend>
                  <div class="flex flex-wrap gap-4">
                    <Checkbox name={`${key}.enabled`} checked={channel.enabled} label="On" />
                    {SEVERITIES.map((severity) => (
                      <Checkbox
                        name={`${key}.severities`}
                        value={severity}
                        checked={channel.severities.includes(severity)}
                        label={severity}
                      />
                    ))}
                  </div>
                  <TextField
                    name={`${key}.types`}
                    label="Types (empty: all)"
                    value={channel.types?.join(", ") ?? ""}
                    error={errors[`${key}.types`]}
                  />
                  {key === "email" && (
                    <>
                      <Checkbox
                        name="emailDigest"
                        checked={settings.emailDigest}
                        label="One daily digest instead of one email each"
                      />
                      {!emailConfigured && (
                        <p class="text-xs text-neutral-500 dark:text-neutral-400">
                          This server sends no email (no SMTP_URL configured).
                        </p>
                      )}
                    </>
                  )}
                </fieldset>
              );
            })}
            <Button>Save</Button>
          </form>
          <form method="post" action={PATH} class="mt-4">
            <input type="hidden" name="intent" value="test" />
            <Button variant="secondary">Send a test notification</Button>
          </form>
        </Card>

        <Card
          title="Webhooks"
          description="Signed POSTs (X-AAE-Signature: sha256=HMAC of the body), retried with backoff, in order."
        >
          <form
            method="post"
            action={PATH}
            class="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start"
          >
            <input type="hidden" name="intent" value="create" />
            <TextField
              name="url"
              label="URL"
              required
              placeholder="https://example.com/aae-webhook"
              value={values.url}
              error={errors.url}
            />
            <TextField
              name="description"
              label="Description"
              value={values.description}
              error={errors.description}
            />
            <div class="sm:pt-6">
              <Button>Add webhook</Button>
            </div>
          </form>
          {webhooks.length > 0 && (
            <div class="mt-5">
              <Table columns={WEBHOOK_COLUMNS} caption="Your webhooks">
                {webhooks.map((endpoint) => (
                  <tr data-webhook-id={endpoint.id}>
                    <Cell class="break-all font-mono text-xs">{endpoint.url}</Cell>
                    <Cell class="font-mono text-xs">{endpoint.secretPrefix}…</Cell>
                    <Cell>
                      <StatusBadge status={endpoint.enabled ? "active" : "paused"} />
                      {endpoint.disabledReason && (
                        <span class="ml-2 text-xs text-neutral-500 dark:text-neutral-400">
                          {endpoint.disabledReason}
                        </span>
                      )}
                    </Cell>
                    <Cell>{endpoint.consecutiveFailures}</Cell>
                    <Cell align="right">
                      <div class="flex justify-end gap-3">
                        <a
                          href={`${PATH}?log=${endpoint.id}`}
                          class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                        >
                          Deliveries
                        </a>
                        <form method="post" action={PATH}>
                          <input type="hidden" name="id" value={endpoint.id} />
                          <input
                            type="hidden"
                            name="intent"
                            value={endpoint.enabled ? "disable" : "enable"}
                          />
                          <button type="submit" class="text-sm font-medium hover:underline">
                            {endpoint.enabled ? "Turn off" : "Turn on"}
                          </button>
                        </form>
                        <form method="post" action={PATH}>
                          <input type="hidden" name="id" value={endpoint.id} />
                          <input type="hidden" name="intent" value="delete" />
                          <button
                            type="submit"
                            class="text-sm font-medium text-red-700 hover:underline"
                          >
                            Delete
                          </button>
                        </form>
                      </div>
                    </Cell>
                  </tr>
                ))}
              </Table>
            </div>
          )}
        </Card>

        {log && (
          <Card title={`Deliveries to ${log.endpoint.url}`} description="Newest first.">
            {log.deliveries.length === 0
              ? <p class="text-sm text-neutral-500 dark:text-neutral-400">Nothing sent yet.</p>
              : (
                <ul class="space-y-2 text-sm" data-delivery-log>
                  {log.deliveries.map((delivery) => (
                    <li data-delivery-id={delivery.id}>
                      <StatusBadge
                        status={delivery.status === "delivered" ? "completed" : delivery.status}
                        label={delivery.status}
                      />{" "}
                      <span class="font-mono text-xs">{delivery.id}</span>{" "}
                      {formatDateTime(delivery.createdAt)} · attempts:{" "}
                      {delivery.attempts.map((attempt) => attempt.statusCode ?? "no answer")
                        .join(", ") || "none yet"}
                    </li>
                  ))}
                </ul>
              )}
          </Card>
        )}
      </div>
    </>
  );
}
