import type { Handlers, PageProps } from "$fresh/server.ts";
import { authenticateRequest } from "@/auth/authenticate.ts";
import { AuthCard } from "@/components/AuthCard.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { supportedTimeZoneOr } from "@/domain/dates.ts";
import { ConflictError, ValidationError } from "@/domain/errors.ts";
import { formatWait } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect, rejectCrossSite, safeNext } from "@/pages/http.ts";
import { authAttemptLimited, pageClientIp, startSession } from "@/pages/session.ts";
import type { PageState } from "@/pages/state.ts";

interface RegisterData {
  next: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

export const handler: Handlers<RegisterData, PageState> = {
  async GET(req, ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"));
    // Already signed in: there is nothing to register; go on (keeping any rotated cookies).
    const auth = req.headers.has("cookie")
      ? await authenticateRequest(req, ctx.state.services)
      : null;
    if (auth) return redirect(next, { cookies: auth.setCookies });
    ctx.state.title = "Create your account";
    return ctx.render({ next, values: {}, errors: {} });
  },

  async POST(req, ctx) {
    const { services } = ctx.state;
    const rejected = rejectCrossSite(req, services.config);
    if (rejected) return rejected;
    ctx.state.title = "Create your account";
    const form = await FormValues.from(req);
    const next = safeNext(form.text("next"));
    const values = {
      email: form.text("email"),
      displayName: form.text("displayName"),
      timeZone: supportedTimeZoneOr(form.text("timeZone")),
    };
    const ip = pageClientIp(req, ctx.remoteAddr, services);
    const retryAfter = await authAttemptLimited(services, ip);
    if (retryAfter !== null) {
      const errors = { "": `Too many attempts. Try again ${formatWait(retryAfter)}.` };
      return ctx.render({ next, values, errors }, { status: 429 });
    }
    try {
      const { actor } = await services.domain.accounts.register({
        email: values.email.trim(),
        password: form.text("password"),
        displayName: form.optional("displayName"),
        timezone: values.timeZone,
      });
      return redirect(next, {
        cookies: await startSession(services, req, ip, actor),
        flash: { kind: "success", message: "Welcome to AAE! Your account is ready." },
      });
    } catch (error) {
      let errors: FieldErrors;
      if (error instanceof ValidationError) errors = fieldErrors(error.issues);
      else if (error instanceof ConflictError) {
        errors = { email: "An account with this email already exists." };
      } else throw error;
      return ctx.render({ next, values, errors }, { status: 422 });
    }
  },
};

/**
 * Fills the hidden time-zone field with the browser's zone, so a new user's times read in their
 * own zone from the start; without scripts the field stays empty and the zone is UTC.
 */
const FILL_TIME_ZONE = `try{document.getElementById("register-time-zone").value=` +
  `Intl.DateTimeFormat().resolvedOptions().timeZone}catch(_){}`;

export default function RegisterPage({ data }: PageProps<RegisterData, PageState>) {
  const { next, values, errors } = data;
  const loginHref = next === "/dashboard" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{" "}
          <a
            href={loginHref}
            class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Sign in
          </a>
        </>
      }
    >
      <form method="post" action="/register" class="space-y-4" novalidate>
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="timeZone" id="register-time-zone" value={values.timeZone} />
        <script dangerouslySetInnerHTML={{ __html: FILL_TIME_ZONE }} />
        <FormError message={errors[""]} />
        <TextField
          name="displayName"
          label="Name"
          autocomplete="name"
          value={values.displayName}
          error={errors.displayName}
          hint="Optional; shown in the app."
        />
        <TextField
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          required
          value={values.email}
          error={errors.email}
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          required
          minLength={8}
          error={errors.password}
          hint="At least 8 characters."
        />
        <Button class="w-full">Create account</Button>
      </form>
    </AuthCard>
  );
}
