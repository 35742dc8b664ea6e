import type { Handlers, PageProps } from "$fresh/server.ts";
import { authenticateRequest } from "@/auth/authenticate.ts";
import { AuthCard } from "@/components/AuthCard.tsx";
import { Button, buttonClass } from "@/components/ui/Button.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { FormError, TextField } from "@/components/forms/Field.tsx";
import { UnauthenticatedError, ValidationError } from "@/domain/errors.ts";
import { type DemoCredentials, demoCredentials } from "@/pages/demo.ts";
import { formatWait } from "@/pages/format.ts";
import { type FieldErrors, fieldErrors, FormValues } from "@/pages/forms.ts";
import { redirect, rejectCrossSite, safeNext } from "@/pages/http.ts";
import { pageClientIp, pageSignInAttempt, startSession } from "@/pages/session.ts";
import type { PageState } from "@/pages/state.ts";

interface LoginData {
  next: string;
  email: string;
  errors: FieldErrors;
  demo: DemoCredentials | null;
  google: boolean;
}

export const handler: Handlers<LoginData, PageState> = {
  async GET(req, ctx) {
    const { services } = ctx.state;
    const next = safeNext(ctx.url.searchParams.get("next"));
    // Already signed in: go straight on (keeping any rotated cookies).
    const auth = req.headers.has("cookie") ? await authenticateRequest(req, services) : null;
    if (auth) return redirect(next, { cookies: auth.setCookies });
    return ctx.render(await loginData(ctx.state, next, "", {}));
  },

  async POST(req, ctx) {
    const { services } = ctx.state;
    const rejected = rejectCrossSite(req, services.config);
    if (rejected) return rejected;
    const form = await FormValues.from(req);
    const next = safeNext(form.text("next"));
    const email = form.text("email").trim();
    const ip = pageClientIp(req, ctx.remoteAddr, services);
    const counted = await pageSignInAttempt(services, ip, email);
    if ("retryAfter" in counted) {
      const { retryAfter } = counted;
      const errors = { "": `Too many sign-in attempts. Try again ${formatWait(retryAfter)}.` };
      return ctx.render(await loginData(ctx.state, next, email, errors), {
        status: 429,
        headers: { "retry-after": String(retryAfter) },
      });
    }
    try {
      const { actor } = await services.domain.accounts.authenticate({
        email,
        password: form.text("password"),
      });
      await counted.attempt.succeeded();
      return redirect(next, { cookies: await startSession(services, req, ip, actor) });
    } catch (error) {
      let errors: FieldErrors;
      if (error instanceof ValidationError) errors = fieldErrors(error.issues);
      else if (error instanceof UnauthenticatedError) {
        errors = { "": "The email or password is not right." };
      } else throw error;
      return ctx.render(await loginData(ctx.state, next, email, errors), { status: 400 });
    }
  },
};

async function loginData(
  state: PageState,
  next: string,
  email: string,
  errors: FieldErrors,
): Promise<LoginData> {
  const { config } = state.services;
  state.title = "Sign in";
  return {
    next,
    email,
    errors,
    demo: await demoCredentials(state.services),
    google: Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET),
  };
}

export default function LoginPage({ data, state }: PageProps<LoginData, PageState>) {
  const { next, email, errors, demo, google } = data;
  const registerHref = next === "/dashboard"
    ? "/register"
    : `/register?next=${encodeURIComponent(next)}`;
  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New to AAE?{" "}
          <a
            href={registerHref}
            class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Create an account
          </a>
        </>
      }
    >
      {state.flash && <Alert kind={state.flash.kind}>{state.flash.message}</Alert>}
      {demo && (
        <Alert kind="info">
          Demo data is loaded. Sign in as <strong data-demo-email>{demo.email}</strong>{" "}
          with the password{" "}
          <strong data-demo-password class="whitespace-nowrap">{demo.password}</strong>.
        </Alert>
      )}
      <form method="post" action="/login" class="space-y-4" novalidate>
        <input type="hidden" name="next" value={next} />
        <FormError message={errors[""]} />
        <TextField
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          required
          value={email}
          error={errors.email}
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          required
          error={errors.password}
        />
        <Button class="w-full">Sign in</Button>
      </form>
      {google && (
        <>
          <div class="my-5 flex items-center gap-3 text-xs text-neutral-500 dark:text-neutral-400">
            <span class="h-px flex-1 bg-neutral-200 dark:bg-neutral-800" />or
            <span class="h-px flex-1 bg-neutral-200 dark:bg-neutral-800" />
          </div>
          <a
            href={`/api/v1/auth/google/start?return_to=${encodeURIComponent(next)}`}
            class={buttonClass("secondary", "w-full")}
          >
            Sign in with Google
          </a>
        </>
      )}
    </AuthCard>
  );
}
