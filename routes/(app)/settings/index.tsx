import type { Handlers, PageProps } from "$fresh/server.ts";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { SettingsNav } from "@/components/SettingsNav.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { UnauthenticatedError, ValidationError } from "@/domain/errors.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface SettingsData {
  /** Which form the values and errors belong to. */
  form?: "profile" | "password";
  values: Record<string, string>;
  errors: FieldErrors;
}

export const handler: Handlers<SettingsData, SignedInState> = {
  GET(_req, ctx) {
    ctx.state.title = "Settings";
    return ctx.render({ values: {}, errors: {} });
  },

  /** `intent` = profile or password. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    ctx.state.title = "Settings";
    const form = await FormValues.from(req);
    const intent = form.text("intent") === "password" ? "password" : "profile";
    const values = form.values();
    delete values.currentPassword;
    delete values.newPassword;
    try {
      if (intent === "profile") {
        await services.domain.accounts.updateProfile(actor, {
          displayName: form.text("displayName"),
          locale: form.text("locale").trim(),
          timezone: form.text("timezone").trim(),
        });
        return redirect("/settings", { flash: { kind: "success", message: "Profile saved." } });
      }
      await services.domain.accounts.changePassword(actor, {
        currentPassword: form.text("currentPassword"),
        newPassword: form.text("newPassword"),
      });
      return redirect("/settings", { flash: { kind: "success", message: "Password changed." } });
    } catch (error) {
      let errors: FieldErrors;
      if (error instanceof ValidationError) errors = fieldErrors(error.issues);
      else if (error instanceof UnauthenticatedError) {
        errors = { currentPassword: "The current password is not right." };
      } else throw error;
      return ctx.render({ form: intent, values, errors }, { status: 422 });
    }
  },
};

export default function SettingsPage({ data, state }: PageProps<SettingsData, SignedInState>) {
  const { user } = state;
  const profile = data.form === "profile" ? data : { values: {}, errors: {} as FieldErrors };
  const password = data.form === "password" ? data.errors : {};
  const value = (name: "displayName" | "locale" | "timezone") => profile.values[name] ?? user[name];
  return (
    <>
      <PageHeader title="Settings">Your profile, password, API tokens and appearance.</PageHeader>
      <SettingsNav current="/settings" />
      <div class="grid max-w-4xl gap-6 lg:grid-cols-2 lg:items-start">
        <Card title="Profile" description={user.email}>
          <form method="post" action="/settings" class="space-y-4" novalidate>
            <input type="hidden" name="intent" value="profile" />
            <FormError message={profile.errors[""]} />
            <TextField
              name="displayName"
              label="Display name"
              required
              maxLength={100}
              value={value("displayName")}
              error={profile.errors.displayName}
            />
            <TextField
              name="locale"
              label="Language"
              value={value("locale")}
              error={profile.errors.locale}
              hint="A language tag such as en, de-DE or pt-BR. Dates and numbers follow it; the app's text stays in English."
            />
            <TextField
              name="timezone"
              label="Time zone"
              value={value("timezone")}
              error={profile.errors.timezone}
              hint="IANA name, e.g. Europe/Paris. Times are shown in it."
            />
            <Button>Save profile</Button>
          </form>
        </Card>
        <Card title="Password">
          {user.hasPassword
            ? (
              <form method="post" action="/settings" class="space-y-4" novalidate>
                <input type="hidden" name="intent" value="password" />
                <FormError message={password[""]} />
                <TextField
                  name="currentPassword"
                  label="Current password"
                  type="password"
                  autocomplete="current-password"
                  required
                  error={password.currentPassword}
                />
                <TextField
                  name="newPassword"
                  label="New password"
                  type="password"
                  autocomplete="new-password"
                  required
                  minLength={8}
                  error={password.newPassword}
                  hint="At least 8 characters."
                />
                <Button>Change password</Button>
              </form>
            )
            : (
              <p class="text-sm text-neutral-600 dark:text-neutral-400">
                You sign in with Google; there is no password to change.
              </p>
            )}
        </Card>
      </div>
    </>
  );
}
